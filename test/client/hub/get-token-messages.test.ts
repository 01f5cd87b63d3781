// The SDK's own GetToken wire format against the reference: the generated classes of
// @textile/threads-client-grpc (what the emulator and @textile/hub's CommonJS build use) and
// google-protobuf's BinaryWriter for replies with several or unknown fields. Vectors in
// test/vectors/get-token-messages.json; properties with fast-check.
import fc from 'fast-check'
import jspb from 'google-protobuf'
import threads from '@textile/threads-client-grpc/threads_pb.js'
import { describe, expect, it } from 'vitest'
import {
  decodeGetTokenReply,
  encodeGetTokenRequest,
  type GetTokenReply,
  type GetTokenRequest,
} from '../../../src/client/hub/get-token-messages.ts'
import vectors from '../../vectors/get-token-messages.json' with { type: 'json' }

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'))

/** The generated class's bytes for a request. */
function generatedRequestBytes(request: GetTokenRequest): Uint8Array {
  const generated = new threads.GetTokenRequest()
  if ('key' in request) generated.setKey(request.key)
  else generated.setSignature(request.signature)
  return generated.serializeBinary()
}

/** The generated decoder's reading of a request, in the SDK's shape (undefined: no payload). */
function generatedRequest(bytes: Uint8Array): GetTokenRequest | undefined {
  const request = threads.GetTokenRequest.deserializeBinary(bytes)
  const { KEY, SIGNATURE } = threads.GetTokenRequest.PayloadCase
  if (request.getPayloadCase() === KEY) return { key: request.getKey() }
  if (request.getPayloadCase() === SIGNATURE) return { signature: request.getSignature_asU8() }
  return undefined
}

/** The generated decoder's reading of a reply, in the SDK's shape. */
function generatedReply(bytes: Uint8Array): GetTokenReply {
  const reply = threads.GetTokenReply.deserializeBinary(bytes)
  if (reply.hasChallenge()) return { payload: 'challenge', challenge: reply.getChallenge_asU8() }
  if (reply.hasToken()) return { payload: 'token', token: reply.getToken() }
  return { payload: 'none' }
}

/** The reply a vector case expects. */
function expected(entry: {
  challengeHex?: string
  token?: string
  payload?: string
}): GetTokenReply {
  if (entry.challengeHex !== undefined) {
    return { payload: 'challenge', challenge: fromHex(entry.challengeHex) }
  }
  if (entry.token !== undefined) return { payload: 'token', token: entry.token }
  return { payload: 'none' }
}

describe('encodeGetTokenRequest()', () => {
  it.each(Object.entries(vectors.requests))('writes the vector %s', (_name, entry) => {
    const request: GetTokenRequest =
      'key' in entry ? { key: entry.key } : { signature: fromHex(entry.signatureHex) }
    expect(hex(encodeGetTokenRequest(request))).toBe(entry.hex)
    // The vector is what the generated class writes too.
    expect(hex(generatedRequestBytes(request))).toBe(entry.hex)
  })

  it('writes any key string as the generated class reads it, byte for byte', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (key) => {
        const bytes = encodeGetTokenRequest({ key })
        expect(generatedRequest(bytes)).toEqual({ key })
        expect(bytes).toEqual(generatedRequestBytes({ key }))
      }),
    )
  })

  it('writes any signature as the generated class reads it, byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (signature) => {
        const bytes = encodeGetTokenRequest({ signature })
        expect(generatedRequest(bytes)).toEqual({ signature })
        expect(bytes).toEqual(generatedRequestBytes({ signature }))
      }),
    )
  })
})

/** One field of a reply on the wire, as jspb.BinaryWriter writes it. */
type Field =
  | { kind: 'challenge'; value: Uint8Array }
  | { kind: 'token'; value: string }
  | { kind: 'varint'; field: number; value: bigint }
  | { kind: 'fixed32'; field: number; value: number }
  | { kind: 'fixed64'; field: number; value: bigint }
  | { kind: 'bytes'; field: number; value: Uint8Array }

const unknownField = fc.integer({ min: 3, max: 2 ** 29 - 1 })
const field: fc.Arbitrary<Field> = fc.oneof(
  fc.record({ kind: fc.constant('challenge' as const), value: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({ kind: fc.constant('token' as const), value: fc.string({ unit: 'binary' }) }),
  fc.record({
    kind: fc.constant('varint' as const),
    field: unknownField,
    value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  }),
  fc.record({ kind: fc.constant('fixed32' as const), field: unknownField, value: fc.nat() }),
  fc.record({
    kind: fc.constant('fixed64' as const),
    field: unknownField,
    value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  }),
  fc.record({ kind: fc.constant('bytes' as const), field: unknownField, value: fc.uint8Array() }),
)

function write(fields: Field[]): Uint8Array {
  const writer = new jspb.BinaryWriter()
  for (const f of fields) {
    if (f.kind === 'challenge') writer.writeBytes(1, f.value)
    else if (f.kind === 'token') writer.writeString(2, f.value)
    else if (f.kind === 'varint') writer.writeUint64String(f.field, f.value.toString())
    else if (f.kind === 'fixed32') writer.writeFixed32(f.field, f.value)
    else if (f.kind === 'fixed64') writer.writeFixed64String(f.field, f.value.toString())
    else writer.writeBytes(f.field, f.value)
  }
  return writer.getResultBuffer()
}

describe('decodeGetTokenReply()', () => {
  it.each(Object.entries(vectors.replies))('reads the vector %s', (_name, entry) => {
    const bytes = fromHex(entry.hex)
    expect(decodeGetTokenReply(bytes)).toEqual(expected(entry))
    expect(generatedReply(bytes)).toEqual(expected(entry))
  })

  it.each(Object.entries(vectors.invalidReplies))(
    'throws on the vector %s',
    (_name, { hex: bytes, reason }) => {
      expect(() => decodeGetTokenReply(fromHex(bytes))).toThrow(`GetTokenReply: ${reason}`)
    },
  )

  it('reads what the generated class writes', () => {
    const reply = fc.oneof(
      fc.record({ challenge: fc.uint8Array({ maxLength: 64 }) }),
      fc.record({ token: fc.string({ unit: 'binary' }) }),
      fc.constant({}),
    )
    fc.assert(
      fc.property(reply, (value) => {
        const generated = new threads.GetTokenReply()
        if ('challenge' in value) generated.setChallenge(value.challenge)
        if ('token' in value) generated.setToken(value.token)
        const bytes = generated.serializeBinary()
        expect(decodeGetTokenReply(bytes)).toEqual(generatedReply(bytes))
      }),
    )
  })

  it('agrees with the generated class on any sequence of known and unknown fields', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 8 }), (fields) => {
        const bytes = write(fields)
        expect(decodeGetTokenReply(bytes)).toEqual(generatedReply(bytes))
      }),
    )
  })

  it('throws on any cut inside a reply with one field', () => {
    const one = fc.oneof(
      fc
        .uint8Array({ minLength: 1, maxLength: 200 })
        .map((c) => write([{ kind: 'challenge', value: c }])),
      fc.string({ unit: 'binary', minLength: 1 }).map((t) => write([{ kind: 'token', value: t }])),
    )
    fc.assert(
      fc.property(one, fc.nat(), (bytes, cut) => {
        const end = 1 + (cut % (bytes.length - 1))
        expect(() => decodeGetTokenReply(bytes.subarray(0, end))).toThrow(/^GetTokenReply: /)
      }),
    )
  })

  it('returns a reply or throws its own Error for any bytes, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const reply = decodeGetTokenReply(bytes)
          expect(['challenge', 'token', 'none']).toContain(reply.payload)
        } catch (error) {
          expect(error).toBeInstanceOf(Error)
          expect((error as Error).message).toMatch(/^GetTokenReply: /)
        }
      }),
    )
  })

  it('copies the challenge out of the frame it came in', () => {
    const bytes = fromHex(vectors.replies['challenge: 32 bytes'].hex)
    const reply = decodeGetTokenReply(bytes)
    bytes.fill(0)
    expect(reply).toMatchObject({
      challenge: fromHex(vectors.replies['challenge: 32 bytes'].challengeHex),
    })
  })
})
