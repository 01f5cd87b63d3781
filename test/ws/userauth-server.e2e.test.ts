// The websocket adapter against a client written as Textile's example browser client
// (hub-browser-auth-app/src/client/index.ts, loginWithChallenge), run in Node with `ws`, and the
// resulting UserAuth used with the real @textile/hub client against the hub emulator.
import { Client, PrivateKey, type UserAuth } from '@textile/hub'
import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAPISig } from '@textile/security'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { type Emulator } from '../../src/emulator/index.ts'
import type { LogRecord } from '../../src/index.ts'
import {
  MAX_QUEUED_MESSAGES,
  WS_LOG_FN,
  startUserAuthServer,
  type UserAuthServer,
  type UserAuthServerOptions,
} from '../../src/ws/index.ts'
import { SECRETS } from '../helpers/deployment.ts'
import { socketPair } from '../helpers/socket-pair.ts'
import { startTestEmulator } from '../helpers/emulator.ts'
import { installWebSocket } from '../helpers/fake-hub.ts'
import { identity } from '../helpers/identity.ts'

/** The example's browser login, line for line in spirit; only `Buffer.from(signed)` is added,
 * because today's PrivateKey.sign returns a Uint8Array (the example's identity returned a Buffer). */
function loginWithChallenge(id: PrivateKey, socketUrl: string): Promise<UserAuth> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(socketUrl)
    socket.onopen = () => {
      const publicKey = id.public.toString()
      socket.send(JSON.stringify({ pubkey: publicKey, type: 'token' }))
      const onMessage = async (event: WebSocket.MessageEvent) => {
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
      // The example's handler was async; here its rejection fails the login instead of hanging.
      socket.onmessage = (event) => void onMessage(event).catch(reject)
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
  // The next message, or undefined once the socket has closed.
  const next = () =>
    inbox.length > 0
      ? Promise.resolve(inbox.shift())
      : Promise.race([
          new Promise<unknown>((resolve) => waiters.push(resolve)),
          closing.then(() => undefined),
        ])
  return {
    socket,
    closing,
    /** Messages received and not yet asked for. */
    inbox,
    isOpen: () => !closed && socket.readyState === WebSocket.OPEN,
    ask: async (message: unknown): Promise<Record<string, any>> => {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message))
      return (await next()) as Record<string, any>
    },
  }
}

/** Asks for a token for `id`'s key over `c`: the `sig` that answers the challenge it gets. */
async function answerChallenge(
  c: Awaited<ReturnType<typeof connect>>,
  id: PrivateKey,
): Promise<unknown> {
  const challenge = await c.ask({ type: 'token', pubkey: id.public.toString() })
  return Buffer.from(await id.sign(Buffer.from(challenge.value.data))).toJSON()
}

const baseEnv = {
  USER_API_KEY: SECRETS.USER_API_KEY,
  USER_API_SECRET: SECRETS.USER_API_SECRET,
  CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
}

let emulator: Emulator
let restoreWebSocket: () => void
beforeAll(async () => {
  // @textile/hub in Node needs a global WebSocket (docs/protocol.md §6).
  restoreWebSocket = installWebSocket()
  emulator = await startTestEmulator({ hostKey: SECRETS.HUB_ISSUER_KEY })
})
afterAll(async () => {
  await emulator?.close()
  restoreWebSocket?.()
})

const servers: UserAuthServer[] = []
/** Starts a server on a free port; `logs` holds every line it and its handlers logged. */
async function serve(
  env: Record<string, string | undefined>,
  options: Omit<UserAuthServerOptions, 'env' | 'logger'> = {},
) {
  const logs: LogRecord[] = []
  const listeners = new Set<() => void>()
  const server = await startUserAuthServer({
    port: 0,
    host: '127.0.0.1',
    env: () => env,
    logger: (record) => {
      logs.push(record)
      for (const listener of listeners) listener()
    },
    ...options,
  })
  servers.push(server)
  /** Resolves once a log line makes `condition` true. */
  const logged = (condition: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!condition()) return
        listeners.delete(check)
        resolve()
      }
      listeners.add(check)
      check()
    })
  return Object.assign(server, { logs, logged })
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

describe('ws /ws/userauth, issuer mode', () => {
  it('logs in the example client and the hub accepts the UserAuth', async () => {
    const server = await serve({ ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY })
    const id = identity()
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
      identity(),
      server.url.replace('/ws/userauth', '/ws/userAuth'),
    )
    expect(auth.token).toEqual(expect.any(String))
  })

  it('sends the UTF-8 bytes of a stateless envelope as the challenge value', async () => {
    const server = await serve({ ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY })
    const c = await connect(server.url)
    const reply = await c.ask({ type: 'token', pubkey: identity().public.toString() })
    expect(reply.type).toBe('challenge')
    expect(reply.value.type).toBe('Buffer')
    expect(Buffer.from(reply.value.data).toString('utf8')).toMatch(/^ttp1\.[\w-]+\.[\w-]+\.[\w-]+$/)
  })
})

describe('ws /ws/userauth, hub-challenge mode (no HUB_ISSUER_KEY)', () => {
  it('returns {key, sig, msg} without a token; the app then answers the hub’s challenge itself', async () => {
    const server = await serve({ ...baseEnv, HUB_ISSUER_KEY: '' })
    const id = identity()
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
    const pubkey = identity().public.toString()
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
    await c.ask({ type: 'token', pubkey: identity().public.toString() })
    expect(await c.ask({ type: 'challenge', sig })).toMatchObject({
      type: 'error',
      code: 'invalid_request',
    })
  })

  it('throws invalid_signature for another key, and the challenge cannot be answered again', async () => {
    const c = await connect((await serve(env)).url)
    const reply = await c.ask({ type: 'token', pubkey: identity().public.toString() })
    const sig = await identity().sign(Buffer.from(reply.value.data))
    const answer = { type: 'challenge', sig: Buffer.from(sig).toJSON() }
    expect(await c.ask(answer)).toMatchObject({ type: 'error', code: 'invalid_signature' })
    expect(await c.ask(answer)).toMatchObject({ type: 'error', code: 'invalid_request' })
    expect(c.isOpen()).toBe(true)
  })

  it('throws pubkey_not_allowed for a DENIED_PUBKEYS key, also for a challenge issued before it was denied', async () => {
    const live: Record<string, string | undefined> = { ...env }
    const c = await connect((await serve(live)).url)
    const id = identity()
    const pubkey = id.public.toString()
    const reply = await c.ask({ type: 'token', pubkey })
    expect(reply.type).toBe('challenge')
    live.DENIED_PUBKEYS = pubkey
    const sig = await id.sign(Buffer.from(reply.value.data))
    expect(await c.ask({ type: 'challenge', sig: Buffer.from(sig).toJSON() })).toMatchObject({
      type: 'error',
      code: 'pubkey_not_allowed',
    })
    expect(await c.ask({ type: 'token', pubkey })).toMatchObject({
      type: 'error',
      code: 'pubkey_not_allowed',
    })
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
    const pubkey = identity().public.toString()
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
    const c = await connect((await serve(env, { idleTimeoutMs: 150 })).url)
    expect(await c.closing).toEqual({ code: 1000, reason: 'idle timeout' })
  })

  it('keeps each connection’s challenge to itself', async () => {
    const url = (await serve(env)).url
    const a = await connect(url)
    const b = await connect(url)
    const id = identity()
    const sig = await answerChallenge(a, id)
    expect(await b.ask({ type: 'challenge', sig })).toMatchObject({ code: 'invalid_request' })
    expect(await a.ask({ type: 'challenge', sig })).toMatchObject({ type: 'token' })
  })

  it('refuses upgrades on other paths', async () => {
    const server = await serve(env)
    await expect(connect(server.url.replace('/ws/userauth', '/ws/other'))).rejects.toThrow(/404/)
  })

  it('throws server_misconfigured naming the variable without a USER_API_KEY', async () => {
    const c = await connect((await serve({ USER_API_SECRET: SECRETS.USER_API_SECRET })).url)
    const pubkey = identity().public.toString()
    const reply = await c.ask({ type: 'token', pubkey })
    expect(reply).toMatchObject({ type: 'error', code: 'server_misconfigured' })
    expect(reply.value).toContain('USER_API_KEY')
  })
})

/** Sends a raw upgrade request; resolves with the status and body of the answer. */
function upgrade(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(url.replace(/^ws:/, 'http:'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    })
    request.on('upgrade', (response, socket) => {
      socket.destroy()
      resolve({ status: response.statusCode ?? 0, body: '' })
    })
    request.on('response', (response) => {
      let body = ''
      response.on('data', (chunk) => (body += String(chunk)))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end()
  })
}

/** Polls a condition every 10 ms (at most `tries` times); false when it never held. */
async function eventually(condition: () => boolean, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries && !condition(); i++) await sleep(10)
  return condition()
}

/** Lines the challenge and token handlers logged: one per message that reached them. */
const handled = (logs: LogRecord[]) => logs.filter((line) => line.fn !== WS_LOG_FN).length
const wsLines = (logs: LogRecord[], code: string) =>
  logs.filter((line) => line.fn === WS_LOG_FN && line.code === code)
const tokenRequest = () => JSON.stringify({ type: 'token', pubkey: identity().public.toString() })

describe('ws /ws/userauth, flow control', () => {
  const env = { ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY }

  it('closes with 1008 when a client pipelines more than MAX_QUEUED_MESSAGES messages', async () => {
    const server = await serve(env, { loginsPerMinute: 1_000_000 })
    const c = await connect(server.url)
    const message = tokenRequest()
    for (let i = 0; i < 200; i++) c.socket.send(message)
    await eventually(() => !c.isOpen() || c.inbox.length > 50)
    expect(c.inbox.length).toBeLessThanOrEqual(MAX_QUEUED_MESSAGES + 1)
    expect(await c.closing).toEqual({ code: 1008, reason: 'too many messages in flight' })
    expect(wsLines(server.logs, 'too_many_messages')).toMatchObject([
      { level: 'warn', status: 1008 },
    ])
  })

  it('handles at most MAX_QUEUED_MESSAGES + 1 of 60,000 pipelined token requests from a client that never reads', async () => {
    // The issue's client: before, the server handled every request and buffered ~9× the bytes.
    const server = await serve(env, { loginsPerMinute: 1_000_000 })
    const c = await connect(server.url)
    c.socket.pause()
    const message = tokenRequest()
    for (let i = 0; i < 60_000; i++) c.socket.send(message)
    await eventually(
      () => wsLines(server.logs, 'too_many_messages').length > 0 || handled(server.logs) > 50,
    )
    expect(wsLines(server.logs, 'too_many_messages')).toHaveLength(1)
    expect(handled(server.logs)).toBeLessThanOrEqual(MAX_QUEUED_MESSAGES + 1)
    // The socket is gone (closed, then terminated as the client never reads the close frame).
    expect(await eventually(() => server.connections === 0)).toBe(true)
    expect(handled(server.logs)).toBeLessThanOrEqual(MAX_QUEUED_MESSAGES + 1)
  })

  it('closes with 1008 once bufferedAmount passes MAX_BUFFERED_BYTES for a client that stops reading', async () => {
    const server = await serve(env, { loginsPerMinute: 1_000_000 })
    // In memory: loopback TCP would first soak up tens of megabytes in kernel buffers.
    const [client, served] = socketPair()
    server.server.emit('connection', served)
    const socket = new WebSocket(server.url, { createConnection: () => client })
    await new Promise((resolve) => socket.once('open', resolve))
    socket.pause()
    const message = tokenRequest()
    // One request at a time (never more than one in flight), each answer left unread.
    let sent = 0
    while (wsLines(server.logs, 'not_reading').length === 0 && sent < 300) {
      const before = server.logs.length
      socket.send(message)
      sent++
      await server.logged(() => server.logs.length > before)
    }
    expect(wsLines(server.logs, 'not_reading')).toMatchObject([{ level: 'warn', status: 1008 }])
    expect(wsLines(server.logs, 'too_many_messages')).toHaveLength(0)
    // About 64 KiB of ~1 KiB answers, plus what the in-memory pipe holds (16 KiB a side).
    expect(sent).toBeLessThan(150)
    expect(await eventually(() => server.connections === 0)).toBe(true)
  })

  it('cuts a client that stops reading and floods pings (ws: maxPendingAutoPongs)', async () => {
    // Guards a library default the adapter relies on: ws answers pings by itself, outside the
    // bufferedAmount check above, and terminates a socket with 60 unsent pongs.
    const server = await serve(env)
    const [client, served] = socketPair()
    server.server.emit('connection', served)
    const socket = new WebSocket(server.url, { createConnection: () => client })
    await new Promise((resolve) => socket.once('open', resolve))
    socket.pause()
    const payload = Buffer.alloc(125)
    for (let i = 0; i < 2000 && server.connections > 0; i++) {
      socket.ping(payload)
      await sleep(0)
    }
    expect(server.connections).toBe(0)
  })

  it('closes a busy socket at the end of its session lifetime', async () => {
    const server = await serve(env, { sessionLifetimeMs: 300, idleTimeoutMs: 60_000 })
    const c = await connect(server.url)
    // Busy all along: a message every 10 ms keeps the idle timer from ever firing.
    for (let i = 0; i < 500 && c.isOpen(); i++) {
      await c.ask('not json')
      await sleep(10)
    }
    expect(c.isOpen()).toBe(false)
    expect(await c.closing).toEqual({ code: 1000, reason: 'session lifetime' })
  })
})

describe('ws /ws/userauth, connection limits', () => {
  const env = { ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY }

  it('refuses upgrades over maxConnections with 503, logged, and takes new ones once a socket closes', async () => {
    const server = await serve(env, { maxConnections: 2 })
    const a = await connect(server.url)
    await connect(server.url)
    expect(await upgrade(server.url, {})).toMatchObject({ status: 503 })
    await expect(connect(server.url)).rejects.toThrow(/503/)
    expect(wsLines(server.logs, 'too_many_connections')).toMatchObject([
      { level: 'warn', status: 503 },
      { level: 'warn', status: 503 },
    ])
    a.socket.close()
    await a.closing
    expect(await eventually(() => server.connections < 2)).toBe(true)
    const c = await connect(server.url)
    expect(await c.ask(tokenRequest())).toMatchObject({ type: 'challenge' })
  })

  it('refuses a client over maxConnectionsPerIp with 429, whatever X-Forwarded-For says', async () => {
    const server = await serve(env, { maxConnectionsPerIp: 1 })
    await connect(server.url, { 'x-forwarded-for': '203.0.113.1' })
    const answer = await upgrade(server.url, { 'x-forwarded-for': '203.0.113.2' })
    expect(answer.status).toBe(429)
    expect(wsLines(server.logs, 'too_many_connections')).toMatchObject([{ status: 429 }])
  })

  it('counts connections per X-Forwarded-For client behind a trusted proxy', async () => {
    const server = await serve(env, { maxConnectionsPerIp: 1, trustProxy: true })
    await connect(server.url, { 'x-forwarded-for': '203.0.113.1' })
    await connect(server.url, { 'x-forwarded-for': '198.51.100.7, 203.0.113.2' })
    expect(await upgrade(server.url, { 'x-forwarded-for': '203.0.113.1' })).toMatchObject({
      status: 429,
    })
  })
})

describe('ws /ws/userauth, login rate', () => {
  const env = { ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY }

  it('answers rate_limited to the 31st login a minute from one IP by default, across connections', async () => {
    const server = await serve(env)
    const a = await connect(server.url)
    for (let i = 0; i < 30; i++)
      expect(await a.ask(tokenRequest())).toMatchObject({ type: 'challenge' })
    const b = await connect(server.url)
    const reply = await b.ask(tokenRequest())
    expect(reply).toMatchObject({ type: 'error', code: 'rate_limited' })
    expect(reply.value).toMatch(/^rate_limited: .*try again in \d+ s/i)
    expect(b.isOpen()).toBe(true)
    expect(wsLines(server.logs, 'rate_limited')).toMatchObject([{ level: 'warn', status: 429 }])
  })

  it('lets the answer to a pending challenge through once the budget is spent', async () => {
    const server = await serve(env, { loginsPerMinute: 1 })
    const id = identity()
    const c = await connect(server.url)
    const sig = await answerChallenge(c, id)
    expect(await c.ask({ type: 'challenge', sig })).toMatchObject({ type: 'token' })
    expect(await c.ask(tokenRequest())).toMatchObject({ code: 'rate_limited' })
  })

  it('drops the pending challenge when a token request gets rate_limited', async () => {
    const server = await serve(env, { loginsPerMinute: 1 })
    const id = identity()
    const c = await connect(server.url)
    const sig = await answerChallenge(c, id)
    expect(await c.ask(tokenRequest())).toMatchObject({ code: 'rate_limited' })
    // As any token request does, the refused one replaced the pending challenge.
    expect(await c.ask({ type: 'challenge', sig })).toMatchObject({ code: 'invalid_request' })
  })

  it.each([
    [
      'trusts X-Forwarded-For behind a trusted proxy',
      { trustProxy: true },
      'x-forwarded-for',
      true,
    ],
    [
      'trusts a configured header',
      { trustProxy: true, clientIpHeader: 'x-real-ip' },
      'x-real-ip',
      true,
    ],
    ['ignores X-Forwarded-For without a trusted proxy', {}, 'x-forwarded-for', false],
    ['ignores another header than the configured one', { trustProxy: true }, 'x-real-ip', false],
  ] as const)('%s', async (_name, options, header, separate) => {
    const server = await serve(env, { loginsPerMinute: 1, ...options })
    const a = await connect(server.url, { [header]: '203.0.113.1' })
    expect(await a.ask(tokenRequest())).toMatchObject({ type: 'challenge' })
    const b = await connect(server.url, { [header]: '203.0.113.2' })
    expect(await b.ask(tokenRequest())).toMatchObject(
      separate ? { type: 'challenge' } : { type: 'error', code: 'rate_limited' },
    )
    const again = await connect(server.url, { [header]: '203.0.113.1' })
    expect(await again.ask(tokenRequest())).toMatchObject({ code: 'rate_limited' })
  })
})

describe('ws /ws/userauth, Host and scheme', () => {
  const env = { ...baseEnv, HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY }

  it.each([
    'user@evil.example',
    'user:pass@127.0.0.1',
    'evil.example/path',
    'evil.example?x',
    'evil example',
    '[::1',
    'evil.example:99999',
  ])('refuses the upgrade with 400 invalid_request, logged, for Host %s', async (host) => {
    const server = await serve(env)
    const answer = await upgrade(server.url, { host })
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: 'invalid_request' })
    expect(wsLines(server.logs, 'invalid_request')).toMatchObject([{ level: 'warn', status: 400 }])
    expect(server.logs.filter((line) => line.level === 'error')).toEqual([])
  })

  it.each([
    [
      'behind a trusted TLS proxy (X-Forwarded-Proto)',
      { trustProxy: true },
      {},
      'https',
      'challenge',
    ],
    [
      'with URL set to the page origin',
      {},
      { URL: 'https://app.example' },
      'https://app.example',
      'challenge',
    ],
    ['with X-Forwarded-Proto from an untrusted client', {}, {}, 'https', 'origin_not_allowed'],
    [
      'from a plain-http page behind a TLS proxy',
      { trustProxy: true },
      {},
      'http',
      'origin_not_allowed',
    ],
  ] as const)('answers an https page %s', async (_name, options, extraEnv, origin, expected) => {
    const server = await serve({ ...env, ...extraEnv }, options)
    const page = origin.includes('://') ? origin : `${origin}://127.0.0.1:${server.port}`
    const c = await connect(server.url, { origin: page, 'x-forwarded-proto': 'https' })
    const reply = await c.ask(tokenRequest())
    if (expected === 'challenge') expect(reply).toMatchObject({ type: 'challenge' })
    else expect(reply).toMatchObject({ type: 'error', code: expected })
  })
})
