// Server side of gRPC-web over WebSocket (docs/protocol.md §6), as
// @improbable-eng/grpc-web's websocket transport expects it. The client sends binary messages:
// first the request headers as ASCII `key: value\r\n` lines, then `0x00` ‖ bytes of the gRPC
// request stream (frames may span messages), and `0x01` to half-close. The server sends raw
// gRPC-web frames: `0x80` ‖ len ‖ headers or trailers, `0x00` ‖ len ‖ protobuf.
// Every decoder here is total: untrusted bytes give `undefined` or an error value, never a throw.
import { createFrameReader } from '../core/grpc-web-frames.ts'

/** The largest request message accepted (grpc-go's default receive limit). */
export const MAX_GRPC_MESSAGE_BYTES = 4 * 1024 * 1024
/** The largest header block accepted. */
export const MAX_HEADER_BYTES = 64 * 1024

/** One websocket message from the client, classified. */
export type ClientMessage =
  { kind: 'data'; bytes: Uint8Array } | { kind: 'finish' } | { kind: 'invalid' }

/**
 * Classifies a client websocket message sent after the headers.
 *
 * @example
 * const message = readClientMessage(new Uint8Array(data))
 */
export function readClientMessage(bytes: Uint8Array): ClientMessage {
  if (bytes.length === 1 && bytes[0] === 1) return { kind: 'finish' }
  if (bytes.length >= 1 && bytes[0] === 0) return { kind: 'data', bytes: bytes.subarray(1) }
  return { kind: 'invalid' }
}

/**
 * Parses the first client message, the request headers, into lowercase names and values.
 * Repeated names are joined with ', '. Undefined when it is not printable-ASCII header lines.
 *
 * @example
 * const headers = parseHeaderBlock(bytes) // Map { 'x-textile-api-key' => 'b…' }
 */
export function parseHeaderBlock(bytes: Uint8Array): Map<string, string> | undefined {
  if (bytes.length > MAX_HEADER_BYTES) return undefined
  let text = ''
  for (const byte of bytes) {
    if (byte !== 9 && byte !== 10 && byte !== 13 && (byte < 0x20 || byte > 0x7e)) return undefined
    text += String.fromCharCode(byte)
  }
  const headers = new Map<string, string>()
  for (const line of text.split('\r\n')) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) return undefined
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    const previous = headers.get(name)
    headers.set(name, previous === undefined ? value : `${previous}, ${value}`)
  }
  return headers
}

/** What {@link createRequestReader} yields for each complete gRPC frame or problem. */
export type RequestFrame =
  { kind: 'message'; data: Uint8Array } | { kind: 'error'; reason: 'compressed' | 'too_large' }

/**
 * Reassembles the client's gRPC request stream from data messages that may split or merge
 * frames: uncompressed frames of at most {@link MAX_GRPC_MESSAGE_BYTES}, judged at the prefix.
 *
 * @example
 * const reader = createRequestReader()
 * for (const frame of reader.push(bytes)) handle(frame)
 */
export function createRequestReader(): {
  push(chunk: Uint8Array): RequestFrame[]
  /** Bytes of an incomplete frame still waiting for more data. */
  pending(): number
} {
  const reader = createFrameReader((flags, length) =>
    flags !== 0 ? 'compressed' : length > MAX_GRPC_MESSAGE_BYTES ? 'too_large' : undefined,
  )
  return {
    push: (chunk) =>
      reader
        .push(chunk)
        .map((result) =>
          result.kind === 'frame' ? { kind: 'message', data: result.data } : result,
        ),
    pending: reader.pending,
  }
}

/** One server frame: `flag` ‖ uint32 BE length ‖ body. */
function frame(flag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 5)
  out[0] = flag
  new DataView(out.buffer).setUint32(1, body.length)
  out.set(body, 5)
  return out
}

function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f
  return out
}

/** Percent-encodes a grpc-message value (gRPC HTTP/2 spec: bytes outside 0x20–0x7E and '%'). */
export function percentEncode(message: string): string {
  let out = ''
  for (const byte of new TextEncoder().encode(message)) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) out += String.fromCharCode(byte)
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

/**
 * A headers or trailers frame (`0x80`) from name/value pairs.
 *
 * @example
 * socket.send(metadataFrame([['grpc-status', '0']]))
 */
export function metadataFrame(pairs: Array<[string, string]>): Uint8Array {
  return frame(0x80, ascii(pairs.map(([name, value]) => `${name}: ${value}\r\n`).join('')))
}

/** The response headers frame sent before the first message. */
export function responseHeadersFrame(): Uint8Array {
  return metadataFrame([['content-type', 'application/grpc-web+proto']])
}

/** A message frame (`0x00`) carrying one serialized protobuf. */
export function messageFrame(protobuf: Uint8Array): Uint8Array {
  return frame(0x00, protobuf)
}

/**
 * The trailers frame ending a call. With `trailersOnly` it also carries the content type, as a
 * complete trailers-only reply (no headers frame before it).
 *
 * @example
 * socket.send(trailersFrame(16, 'Token required', true))
 */
export function trailersFrame(code: number, message: string, trailersOnly = false): Uint8Array {
  const pairs: Array<[string, string]> = trailersOnly
    ? [['content-type', 'application/grpc-web+proto']]
    : []
  pairs.push(['grpc-status', String(code)], ['grpc-message', percentEncode(message)])
  return metadataFrame(pairs)
}
