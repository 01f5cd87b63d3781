// The wire itself (docs/protocol.md §6): the handshake, trailers-only errors, and
// untrusted bytes that must end one call, never the process.
import { PrivateKey } from '@textile/hub'
import { WebSocket } from 'ws'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.ts'
import { NOW, clock } from '../helpers/clock.ts'
import {
  apiHeaders,
  hostToken,
  keyRequest,
  rawGetToken,
  signatureRequest,
} from '../helpers/emulator-calls.ts'

interface Exchange {
  protocol: string
  extensions: string
  frames: Uint8Array
  closeCode: number
}

/** Opens a socket to `path`, sends `messages`, and collects everything until close. */
function exchange(url: string, path: string, messages: Uint8Array[]): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace('http', 'ws') + path, ['grpc-websockets'])
    const chunks: Buffer[] = []
    socket.on('open', () => messages.forEach((message) => socket.send(message)))
    socket.on('message', (data: Buffer) => chunks.push(data))
    socket.on('error', reject)
    socket.on('close', (closeCode) =>
      resolve({
        protocol: socket.protocol,
        extensions: socket.extensions,
        frames: new Uint8Array(Buffer.concat(chunks)),
        closeCode,
      }),
    )
  })
}

const ascii = (text: string) => new TextEncoder().encode(text)
const statusOf = (frames: Uint8Array) => new TextDecoder().decode(frames.subarray(5))

describe('transport', () => {
  let hub: Emulator
  beforeEach(async () => {
    hub = await startEmulator({ now: clock().now })
  })
  afterEach(() => hub.close())

  it('echoes the grpc-websockets subprotocol without permessage-deflate', async () => {
    const result = await exchange(hub.url, '/threads.pb.API/Nope', [ascii('x-grpc-web: 1\r\n')])
    expect(result.protocol).toBe('grpc-websockets')
    expect(result.extensions).toBe('')
  })

  it('answers an error trailers-only: one 0x80 frame with a percent-encoded message, then close', async () => {
    const result = await exchange(hub.url, '/ü.Svc/M', [ascii('x-grpc-web: 1\r\n')])
    expect(result.frames[0]).toBe(0x80)
    const length = new DataView(result.frames.buffer).getUint32(1)
    expect(result.frames.length).toBe(5 + length)
    expect(statusOf(result.frames)).toContain('grpc-status: 12\r\n')
    expect(statusOf(result.frames)).toContain('grpc-message: unknown service %C3%BC.Svc\r\n')
    expect(result.closeCode).toBe(1000)
  })

  it('refuses a WebSocket without the grpc-websockets subprotocol', async () => {
    const socket = new WebSocket(hub.url.replace('http', 'ws') + '/threads.pb.API/GetToken')
    const error = await new Promise<Error>((resolve) => socket.on('error', resolve))
    expect(error.message).toMatch(/400/)
  })

  it('survives garbage and still serves the next call', async () => {
    const path = '/threads.pb.API/GetToken'
    const headers = ascii('x-textile-api-key: nope\r\n')
    const garbage: Uint8Array[][] = [
      [new Uint8Array([0xff, 0x00, 0x13, 0x37])], // headers that are not ASCII lines
      [headers, new Uint8Array([0x07, 1, 2, 3])], // unknown message type
      [headers, new Uint8Array([0x00, 0x01, 0, 0, 0, 5])], // compressed flag
      [headers, new Uint8Array([0x00, 0x00, 0xff, 0xff, 0xff, 0xff])], // 4 GiB length
      [headers, new Uint8Array([0x00, 0x00, 0, 0, 0, 9, 1]), new Uint8Array([1])], // truncated
      [headers, new Uint8Array([0x00, 0x00, 0, 0, 0, 3, 0xff, 0xff, 0xff]), new Uint8Array([1])],
      [new Uint8Array(0)],
    ]
    for (const messages of garbage) {
      const result = await exchange(hub.url, path, messages)
      expect(result.frames[0]).toBe(0x80)
    }
    // Undecodable protobuf on a unary method.
    const unary = await exchange(hub.url, '/threads.pb.API/NewDB', [
      headers,
      new Uint8Array([0x00, 0x00, 0, 0, 0, 2, 0x0a, 0xff]),
    ])
    expect(statusOf(unary.frames)).toMatch(/grpc-status: 13\r\n/)

    const { key, secret } = hub.addApiKey()
    const identity = PrivateKey.fromRandom()
    const ok = await rawGetToken(hub.url, path, await apiHeaders(key, secret), {
      first: keyRequest(identity.public.toString()),
      answer: async (challenge) => signatureRequest(await identity.sign(challenge)),
    })
    expect(ok.status).toBe(0)
  })

  it('close() ends open streams and stops listening', async () => {
    const { key, secret } = hub.addApiKey()
    const pending = rawGetToken(
      hub.url,
      '/threads.pb.API/GetToken',
      await apiHeaders(key, secret),
      {
        first: keyRequest(PrivateKey.fromRandom().public.toString()),
      },
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    await hub.close()
    const result = await pending
    expect(result.status).not.toBe(0)
    const socket = new WebSocket(hub.url.replace('http', 'ws') + '/x', ['grpc-websockets'])
    await expect(new Promise((_, reject) => socket.on('error', reject))).rejects.toThrow(
      /ECONNREFUSED/,
    )
  })

  it('reads the host key it was given', async () => {
    const identity = PrivateKey.fromRandom()
    const again = await startEmulator({ hostKey: hub.hostKey, now: () => NOW })
    onTestFinished(async () => {
      await again.close()
    })
    expect(again.hostPublicKey).toBe(hub.hostPublicKey)
    expect(await hostToken(again, identity)).toBe(await hostToken(hub, identity))
    await expect(startEmulator({ hostKey: 'bnotakey' })).rejects.toThrow(TypeError)
  })
})
