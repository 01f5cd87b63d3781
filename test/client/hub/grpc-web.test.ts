import { describe, expect, it } from 'vitest'
import {
  createFrameParser,
  encodeHeaders,
  encodeMessage,
} from '../../../src/client/hub/grpc-web.ts'

const frame = (flags: number, payload: number[]) => [flags, 0, 0, 0, payload.length, ...payload]
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0))

describe('createFrameParser()', () => {
  it('reassembles frames split across and merged within chunks', () => {
    const bytes = new Uint8Array([
      ...frame(0x80, ascii('content-type: application/grpc-web+proto\r\n')),
      ...frame(0, [1, 2, 3]),
      ...frame(0x80, ascii('grpc-status: 0\r\ngrpc-message: \r\n')),
    ])
    const parser = createFrameParser()
    const frames = [
      ...parser.push(bytes.subarray(0, 3)),
      ...parser.push(bytes.subarray(3, 50)),
      ...parser.push(bytes.subarray(50)),
    ]
    expect(frames).toEqual([
      { kind: 'metadata', headers: new Map([['content-type', 'application/grpc-web+proto']]) },
      { kind: 'message', data: new Uint8Array([1, 2, 3]) },
      {
        kind: 'metadata',
        headers: new Map([
          ['grpc-status', '0'],
          ['grpc-message', ''],
        ]),
      },
    ])
  })

  it('throws on frame flags it does not know', () => {
    expect(() => createFrameParser().push(new Uint8Array(frame(0x01, [0])))).toThrow()
  })
})

describe('encodeMessage()', () => {
  it('prefixes the websocket data marker and the gRPC length prefix', () => {
    expect(encodeMessage(new Uint8Array([9, 8]))).toEqual(new Uint8Array([0, 0, 0, 0, 0, 2, 9, 8]))
  })
})

describe('encodeHeaders()', () => {
  it('writes lowercase ASCII header lines', () => {
    expect(new TextDecoder().decode(encodeHeaders({ 'X-Grpc-Web': '1' }))).toBe('x-grpc-web: 1\r\n')
  })

  it.each([
    ['non-ASCII', 'é'],
    ['CR/LF', 'x\r\nauthorization: y'],
  ])('throws TypeError for a %s value', (_, value) => {
    expect(() => encodeHeaders({ a: value })).toThrow(TypeError)
  })
})
