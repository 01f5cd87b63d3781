// GetToken's two messages in the protobuf wire format, written by hand (docs/protocol.md §5):
//   GetTokenRequest { oneof payload { string key = 1; bytes signature = 2; } }
//   GetTokenReply   { oneof payload { bytes challenge = 1; string token = 2; } }
// Not the generated classes: those register on a global `proto` object that `@textile/hub`'s
// browser builds fill with their own inlined copy, and whichever loads last breaks the other's
// serialisation. This module touches no global and depends on nothing.
// Threat model: the reply comes from the hub, or from anyone on the path to a loopback `http:`
// hub, so the decoder is strict: a truncated or overlong varint, a length past the end, a known
// field with the wrong wire type, an unknown wire type, an unmatched group end or a token that is
// not UTF-8 is an error, never a guess. Unknown fields are skipped as protobuf prescribes
// (https://protobuf.dev/programming-guides/encoding/); for the oneof, the last field on the wire
// wins, as for any singular field.

/** What the SDK sends: the key first, then the signature over the hub's challenge. */
export type GetTokenRequest = { key: string } | { signature: Uint8Array }

/** A decoded reply: the oneof field that came last on the wire, or none. */
export type GetTokenReply =
  | { payload: 'challenge'; challenge: Uint8Array }
  | { payload: 'token'; token: string }
  | { payload: 'none' }

const LENGTH_DELIMITED = 2
/** Protobuf's default recursion limit, applied to nested groups. */
const MAX_GROUP_DEPTH = 100

/**
 * Encodes a GetTokenRequest: one length-delimited field, `key` (1, UTF-8) or `signature` (2).
 *
 * @example
 * socket.send(encodeMessage(encodeGetTokenRequest({ key: identity.public.toString() })))
 */
export function encodeGetTokenRequest(request: GetTokenRequest): Uint8Array {
  const [field, value] =
    'key' in request ? [1, new TextEncoder().encode(request.key)] : [2, request.signature]
  const head = [(field << 3) | LENGTH_DELIMITED]
  // The length as a varint: 7 bits a byte, low bits first, the high bit on all but the last.
  let n = value.length
  for (; n >= 128; n = Math.floor(n / 128)) head.push((n % 128) | 0x80)
  head.push(n)
  const out = new Uint8Array(head.length + value.length)
  out.set(head)
  out.set(value, head.length)
  return out
}

/**
 * Decodes a GetTokenReply strictly.
 *
 * @throws Error (plain, its message naming the fault) on malformed input; the caller reports it
 *   as `hub_error`.
 * @example
 * const reply = decodeGetTokenReply(frame.data)
 * if (reply.payload === 'challenge') await answer(reply.challenge)
 */
export function decodeGetTokenReply(bytes: Uint8Array): GetTokenReply {
  let reply: GetTokenReply = { payload: 'none' }
  let pos = 0
  while (pos < bytes.length) {
    const [field, wireType, next] = readTag(bytes, pos)
    pos = next
    if (field !== 1 && field !== 2) {
      pos = skipField(bytes, pos, field, wireType, 0)
      continue
    }
    if (wireType !== LENGTH_DELIMITED) throw fault(`field ${field} has wire type ${wireType}`)
    const [start, end] = readLength(bytes, pos)
    pos = end
    if (field === 1) reply = { payload: 'challenge', challenge: bytes.slice(start, end) }
    else reply = { payload: 'token', token: readUtf8(bytes.subarray(start, end)) }
  }
  return reply
}

function fault(reason: string): Error {
  return new Error(`GetTokenReply: ${reason}`)
}

/** A varint of at most 10 bytes whose value fits 64 bits; exact up to 2^53. */
function readVarint(bytes: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0
  for (let i = 0; i < 10; i++) {
    const byte = bytes[pos + i]
    if (byte === undefined) throw fault('truncated varint')
    if (i === 9 && byte > 1) throw fault('overlong varint')
    value += (byte & 0x7f) * 2 ** (7 * i)
    if (byte < 0x80) return [value, pos + i + 1]
  }
  throw fault('overlong varint')
}

function readTag(bytes: Uint8Array, pos: number): [field: number, wireType: number, next: number] {
  const [tag, next] = readVarint(bytes, pos)
  // A tag is a uint32 whose field number is at least 1.
  if (tag > 0xffffffff || tag < 8) throw fault('bad tag')
  return [Math.floor(tag / 8), tag % 8, next]
}

function readLength(bytes: Uint8Array, pos: number): [start: number, end: number] {
  const [length, start] = readVarint(bytes, pos)
  if (length > bytes.length - start) throw fault('length past the end')
  return [start, start + length]
}

/** Skips one unknown field's value; returns the position after it. */
function skipField(
  bytes: Uint8Array,
  pos: number,
  field: number,
  wireType: number,
  depth: number,
): number {
  switch (wireType) {
    case 0:
      return readVarint(bytes, pos)[1]
    case 1:
    case 5: {
      const end = pos + (wireType === 1 ? 8 : 4)
      if (end > bytes.length) throw fault('truncated fixed-width field')
      return end
    }
    case LENGTH_DELIMITED:
      return readLength(bytes, pos)[1]
    case 3: {
      // A group (deprecated, still skipped by every parser): fields up to its matching end.
      if (depth >= MAX_GROUP_DEPTH) throw fault('groups nested too deep')
      for (;;) {
        if (pos >= bytes.length) throw fault('unterminated group')
        const [inner, innerType, next] = readTag(bytes, pos)
        if (innerType === 4) {
          if (inner !== field) throw fault('mismatched group end')
          return next
        }
        pos = skipField(bytes, next, inner, innerType, depth + 1)
      }
    }
    case 4:
      throw fault('group end without a start')
    default:
      throw fault(`unknown wire type ${wireType}`)
  }
}

// proto3 strings are UTF-8; the token is refused rather than repaired.
function readUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw fault('token is not UTF-8')
  }
}
