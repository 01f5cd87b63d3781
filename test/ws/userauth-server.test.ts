// The websocket adapter against a client written as Textile's example browser client
// (hub-browser-auth-app/src/client/index.ts, loginWithChallenge), run in Node with `ws`, and the
// resulting UserAuth used with the real @textile/hub client against the hub emulator.
import { Client, PrivateKey, type UserAuth } from '@textile/hub'
import { createAPISig } from '@textile/security'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startEmulator, type Emulator } from '../../src/emulator/index.ts'
import { startUserAuthServer, type UserAuthServer } from '../../src/ws/index.ts'
import { SECRETS } from '../helpers/fixtures.ts'

/** The example's browser login, line for line in spirit; only `Buffer.from(signed)` is added,
 * because today's PrivateKey.sign returns a Uint8Array (the example's identity returned a Buffer). */
function loginWithChallenge(id: PrivateKey, socketUrl: string): Promise<UserAuth> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(socketUrl)
    socket.onopen = () => {
      const publicKey = id.public.toString()
      socket.send(JSON.stringify({ pubkey: publicKey, type: 'token' }))
      socket.onmessage = async (event) => {
        const data = JSON.parse(String(event.data))
        switch (data.type) {
          case 'error': {
            reject(data.value)
            break
          }
          case 'challenge': {
            const buf = Buffer.from(data.value)
            const signed = await id.sign(buf)
            socket.send(JSON.stringify({ type: 'challenge', sig: Buffer.from(signed).toJSON() }))
            break
          }
          case 'token': {
            resolve(data.value)
            socket.close()
            break
          }
        }
      }
    }
    socket.onerror = (event) => reject(event.error)
  })
}

/** A raw protocol client: send, then await the next message or the close. */
async function connect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers })
  const inbox: unknown[] = []
  const waiters: Array<(value: unknown) => void> = []
  let closed: { code: number; reason: string } | undefined
  const closing = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve((closed = { code, reason: String(reason) }))),
  )
  socket.on('message', (data) => {
    const message = JSON.parse(String(data))
    const waiter = waiters.shift()
    if (waiter) waiter(message)
    else inbox.push(message)
  })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  const next = () =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift())
      : new Promise<unknown>((resolve) => waiters.push(resolve))
  return {
    socket,
    closing,
    isOpen: () => !closed && socket.readyState === WebSocket.OPEN,
    ask: async (message: unknown): Promise<Record<string, any>> => {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message))
      return (await next()) as Record<string, any>
    },
  }
}

const baseEnv = {
  USER_API_KEY: SECRETS.USER_API_KEY,
  USER_API_SECRET: SECRETS.USER_API_SECRET,
  CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
}

let emulator: Emulator
let restoreWebSocket: PropertyDescriptor | undefined
beforeAll(async () => {
  // @textile/hub in Node needs a global WebSocket (textile-protocol.md).
  restoreWebSocket = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket')
  Object.defineProperty(globalThis, 'WebSocket', {
    value: WebSocket,
    configurable: true,
    writable: true,
  })
  emulator = await startEmulator({
    port: 0,
    hostKey: SECRETS.HUB_ISSUER_KEY,
    apiKeys: [{ key: SECRETS.USER_API_KEY, secret: SECRETS.USER_API_SECRET }],
  })
})
afterAll(async () => {
  await emulator?.close()
  if (restoreWebSocket) Object.defineProperty(globalThis, 'WebSocket', restoreWebSocket)
  else delete (globalThis as { WebSocket?: unknown }).WebSocket
})

const servers: UserAuthServer[] = []
async function serve(env: Record<string, string | undefined>, idleTimeoutMs?: number) {
  const server = await startUserAuthServer({
    port: 0,
    host: '127.0.0.1',
    env: () => env,
    logger: () => {},
    ...(idleTimeoutMs !== undefined && { idleTimeoutMs }),
  })
  servers.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

describe('ws /ws/userauth, issuer mode', () => {
  it('logs in the example client and the hub accepts the UserAuth', async () => {
    const server = await serve({ ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY })
    const id = PrivateKey.fromRandom()
    const auth = await loginWithChallenge(id, server.url)
    expect(Object.keys(auth).sort()).toEqual(['key', 'msg', 'sig', 'token'])
    expect(await createAPISig(SECRETS.USER_API_SECRET, new Date(auth.msg))).toEqual({
      sig: auth.sig,
      msg: auth.msg,
    })
    const client = Client.withUserAuth(async () => auth, emulator.url)
    const threadID = await client.newDB(undefined, 'ws-issuer')
    await expect(client.getDBInfo(threadID)).resolves.toMatchObject({ addrs: expect.any(Array) })
  })

  it('accepts the example client’s own path spelling /ws/userAuth', async () => {
    const server = await serve({ ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY })
    const auth = await loginWithChallenge(
      PrivateKey.fromRandom(),
      server.url.replace('/ws/userauth', '/ws/userAuth'),
    )
    expect(auth.token).toEqual(expect.any(String))
  })

  it('sends the UTF-8 bytes of a stateless envelope as the challenge value', async () => {
    const server = await serve({ ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY })
    const c = await connect(server.url)
    const reply = await c.ask({ type: 'token', pubkey: PrivateKey.fromRandom().public.toString() })
    expect(reply.type).toBe('challenge')
    expect(reply.value.type).toBe('Buffer')
    expect(Buffer.from(reply.value.data).toString('utf8')).toMatch(/^ttp1\.[\w-]+\.[\w-]+\.[\w-]+$/)
  })
})

describe('ws /ws/userauth, hub-challenge mode (no HUB_ISSUER_KEY)', () => {
  it('returns {key, sig, msg} without a token; the app then answers the hub’s challenge itself', async () => {
    const server = await serve({ ...baseEnv, HUB_ISSUER_KEY: '' })
    const id = PrivateKey.fromRandom()
    const auth = await loginWithChallenge(id, server.url)
    expect(Object.keys(auth).sort()).toEqual(['key', 'msg', 'sig'])
    // As the example's "simple credentials" flow does: client.getToken(identity) at the hub.
    const client = Client.withUserAuth(async () => auth, emulator.url)
    const token = await client.getToken(id)
    expect(token).toEqual(expect.any(String))
    const full = { ...auth, token }
    const threadID = await Client.withUserAuth(async () => full, emulator.url).newDB(
      undefined,
      'ws-hub',
    )
    expect(threadID.toString()).toEqual(expect.any(String))
  })
})

describe('ws /ws/userauth, bad messages', () => {
  const env = { ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY }

  it.each([
    ['a non-JSON message', 'not json'],
    ['a JSON array', '[1,2]'],
    ['an unknown type', { type: 'hello' }],
    ['a token request without pubkey', { type: 'token' }],
  ])('throws invalid_request for %s and keeps the socket open', async (_name, message) => {
    const c = await connect((await serve(env)).url)
    expect(await c.ask(message)).toMatchObject({ type: 'error', code: 'invalid_request' })
    expect(c.isOpen()).toBe(true)
    const pubkey = PrivateKey.fromRandom().public.toString()
    expect(await c.ask({ type: 'token', pubkey })).toMatchObject({ type: 'challenge' })
  })

  it('throws invalid_request for a signature before any token request', async () => {
    const c = await connect((await serve(env)).url)
    const reply = await c.ask({ type: 'challenge', sig: Buffer.alloc(64).toJSON() })
    expect(reply).toMatchObject({ type: 'error', code: 'invalid_request' })
    expect(reply.value).toMatch(/^invalid_request: /)
  })

  it.each([
    ['a byte over 255', { type: 'Buffer', data: [256, ...new Array(63).fill(0)] }],
    ['a wrong type tag', { type: 'Buf', data: new Array(64).fill(0) }],
    ['a string', 'AAAA'],
    ['too many bytes', { type: 'Buffer', data: new Array(65).fill(0) }],
    ['extra keys', { type: 'Buffer', data: [], more: 1 }],
  ])('throws invalid_request for Buffer JSON with %s', async (_name, sig) => {
    const c = await connect((await serve(env)).url)
    await c.ask({ type: 'token', pubkey: PrivateKey.fromRandom().public.toString() })
    expect(await c.ask({ type: 'challenge', sig })).toMatchObject({
      type: 'error',
      code: 'invalid_request',
    })
  })

  it('throws invalid_signature for another key, and the challenge cannot be answered again', async () => {
    const c = await connect((await serve(env)).url)
    const reply = await c.ask({ type: 'token', pubkey: PrivateKey.fromRandom().public.toString() })
    const sig = await PrivateKey.fromRandom().sign(Buffer.from(reply.value.data))
    const answer = { type: 'challenge', sig: Buffer.from(sig).toJSON() }
    expect(await c.ask(answer)).toMatchObject({ type: 'error', code: 'invalid_signature' })
    expect(await c.ask(answer)).toMatchObject({ type: 'error', code: 'invalid_request' })
    expect(c.isOpen()).toBe(true)
  })

  it('throws invalid_pubkey for a key that is not a Textile public key', async () => {
    const c = await connect((await serve(env)).url)
    expect(await c.ask({ type: 'token', pubkey: 'bnotakey' })).toMatchObject({
      type: 'error',
      code: 'invalid_pubkey',
    })
  })

  it('throws origin_not_allowed for a browser Origin that is not allowed', async () => {
    const c = await connect((await serve(env)).url, { origin: 'https://evil.example' })
    const pubkey = PrivateKey.fromRandom().public.toString()
    expect(await c.ask({ type: 'token', pubkey })).toMatchObject({
      type: 'error',
      code: 'origin_not_allowed',
    })
  })

  it('throws payload_too_large for a message over 8 KiB and keeps the socket open', async () => {
    const c = await connect((await serve(env)).url)
    const big = JSON.stringify({ type: 'token', pubkey: 'b'.repeat(9000) })
    expect(await c.ask(big)).toMatchObject({ type: 'error', code: 'payload_too_large' })
    expect(c.isOpen()).toBe(true)
  })

  it('closes the socket with 1009 for a frame over 64 KiB', async () => {
    const c = await connect((await serve(env)).url)
    c.socket.send('x'.repeat(65 * 1024))
    expect((await c.closing).code).toBe(1009)
  })

  it('closes an idle socket', async () => {
    const c = await connect((await serve(env, 150)).url)
    expect(await c.closing).toEqual({ code: 1000, reason: 'idle timeout' })
  })

  it('keeps each connection’s challenge to itself', async () => {
    const url = (await serve(env)).url
    const a = await connect(url)
    const b = await connect(url)
    const id = PrivateKey.fromRandom()
    const reply = await a.ask({ type: 'token', pubkey: id.public.toString() })
    const sig = Buffer.from(await id.sign(Buffer.from(reply.value.data))).toJSON()
    expect(await b.ask({ type: 'challenge', sig })).toMatchObject({ code: 'invalid_request' })
    expect(await a.ask({ type: 'challenge', sig })).toMatchObject({ type: 'token' })
  })

  it('refuses upgrades on other paths', async () => {
    const server = await serve(env)
    await expect(connect(server.url.replace('/ws/userauth', '/ws/other'))).rejects.toThrow(/404/)
  })

  it('throws server_misconfigured naming the variable without a USER_API_KEY', async () => {
    const c = await connect((await serve({ USER_API_SECRET: SECRETS.USER_API_SECRET })).url)
    const pubkey = PrivateKey.fromRandom().public.toString()
    const reply = await c.ask({ type: 'token', pubkey })
    expect(reply).toMatchObject({ type: 'error', code: 'server_misconfigured' })
    expect(reply.value).toContain('USER_API_KEY')
  })
})
