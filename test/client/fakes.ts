// Test doubles for the SDK's unit tests: a scripted token provider (docs/http-api.md)
// behind a fetch, and a scripted hub speaking GetToken over gRPC-web on a WebSocket.
import { PrivateKey, PublicKey } from '@textile/hub'
import threads from '@textile/threads-client-grpc/threads_pb.js'
import { WebSocket, WebSocketServer } from 'ws'
import type { FetchLike } from '../../src/client/index.ts'

/** The fixed clock start of the unit tests. */
export const T0 = new Date('2030-01-01T00:00:00.000Z')

/** A controllable clock for the SDK's `now` option. */
export function clock(start = T0) {
  const state = { time: start.getTime() }
  return {
    now: () => new Date(state.time),
    advance: (ms: number) => void (state.time += ms),
  }
}

/** An answer the fake server can be told to give instead of the contract's (`pass`: the contract's). */
export type Answer = { status?: number; type?: string; body: unknown } | 'throw' | 'hang' | 'pass'

/** Options of {@link fakeServer}. */
export interface FakeServerOptions {
  /** The server's clock (msg = now + ttl). */
  now?: () => Date
  ttlSeconds?: number
  /** Issuer mode: include a token in /token answers. */
  issuer?: boolean
  /** Scripted answers per path, consumed in order before the contract's behaviour resumes. */
  script?: { challenge?: Answer[]; token?: Answer[]; jwt?: Answer[] }
  /** Lifetime of the envelopes it issues (default 60 s). */
  envelopeTtlSeconds?: number
  /** Lifetime of the JWTs it mints (default 900 s). */
  jwtTtlSeconds?: number
  /**
   * Issuer mode: the thread tokens carry `iat` (60 s back) and `exp` = now + this, as with
   * USER_TOKEN_TTL_SECONDS; default: neither, as go-threads `NewToken` without `iat`.
   */
  tokenTtlSeconds?: number
  /** Issuer mode: the `sub` of the tokens it mints for `pubkey` (default `pubkey`). */
  tokenSubject?: (pubkey: string) => string
}

/** A fake of the two functions behind an injectable fetch, counting and recording requests. */
export function fakeServer(options: FakeServerOptions = {}) {
  const now = options.now ?? (() => T0)
  const ttl = options.ttlSeconds ?? 600
  const envelopeTtl = options.envelopeTtlSeconds ?? 60
  const script = {
    challenge: [...(options.script?.challenge ?? [])],
    token: [...(options.script?.token ?? [])],
    jwt: [...(options.script?.jwt ?? [])],
  }
  const state = {
    calls: { challenge: 0, token: 0 } as { challenge: number; token: number; jwt?: number },
    bodies: [] as { path: string; body: Record<string, string> }[],
    /** The AbortSignal of each request, in order. */
    signals: [] as (AbortSignal | null | undefined)[],
    issued: new Map<string, string>(),
    minted: 0,
  }
  const json = (body: unknown, status = 200, type = 'application/json') =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': type },
    })
  const answer = (a: Exclude<Answer, 'pass'>, signal?: AbortSignal | null): Promise<Response> => {
    if (a === 'throw') return Promise.reject(new TypeError('fetch failed'))
    if (a === 'hang')
      return new Promise((_, reject) =>
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      )
    return Promise.resolve(json(a.body, a.status ?? 200, a.type ?? 'application/json'))
  }

  const fetch: FetchLike = async (url, init) => {
    const path = new URL(url, 'https://site.example').pathname
    const body = JSON.parse(String(init.body)) as Record<string, string>
    state.bodies.push({ path, body })
    state.signals.push(init.signal)
    if (path === '/api/challenge') {
      state.calls.challenge++
      const next = script.challenge.shift()
      if (next && next !== 'pass') return answer(next, init.signal)
      const { envelope, expiresAt } = fakeEnvelope(body.pubkey!, now(), envelopeTtl)
      state.issued.set(envelope, body.pubkey!)
      return json({ envelope, expiresAt })
    }
    if (path === '/api/token' || path === '/api/jwt') {
      const kind = path === '/api/jwt' ? 'jwt' : 'token'
      state.calls[kind] = (state.calls[kind] ?? 0) + 1
      const next = script[kind].shift()
      if (next && next !== 'pass') return answer(next, init.signal)
      const pubkey = state.issued.get(body.envelope!)
      const signature = Buffer.from(body.signature!, 'base64url')
      if (
        !pubkey ||
        !(await PublicKey.fromString(pubkey).verify(utf8(body.envelope!), signature))
      ) {
        return json(problem('invalid_signature', 401), 401, 'application/problem+json')
      }
      state.minted++
      if (kind === 'jwt') {
        const expiresAt = new Date(now().getTime() + (options.jwtTtlSeconds ?? 900) * 1000)
        return json({ token: `eyJh.jwt${state.minted}.c2ln`, expiresAt: expiresAt.toISOString() })
      }
      const auth: Record<string, string> = {
        key: 'bkey',
        sig: `bsig${state.minted}`,
        msg: new Date(now().getTime() + ttl * 1000).toISOString(),
      }
      if (options.issuer) {
        const { tokenTtlSeconds } = options
        const iat = Math.floor(now().getTime() / 1000)
        const sub = options.tokenSubject?.(pubkey) ?? pubkey
        auth.token =
          tokenTtlSeconds === undefined
            ? issuedToken(state.minted, sub)
            : issuedToken(state.minted, sub, { exp: iat + tokenTtlSeconds, iat: iat - 60 })
      }
      return json(auth)
    }
    return json('not found', 404, 'text/plain')
  }
  return { fetch, state }
}

/**
 * An envelope with the real format (`ttp1.<kid>.<payload>.<mac>`, payload claims as the functions
 * write them) under a made-up MAC: the SDK cannot check MACs, only the shape and `sub`.
 */
export function fakeEnvelope(pubkey: string, now: Date, ttlSeconds = 60, extra = {}) {
  const iat = Math.floor(now.getTime() / 1000)
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
  const claims = { sub: pubkey, aud: 'https://site.example', iat, exp: iat + ttlSeconds, nonce }
  const payload = Buffer.from(JSON.stringify({ ...claims, ...extra })).toString('base64url')
  const mac = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
  return {
    envelope: `ttp1.kid123.${payload}.${mac}`,
    expiresAt: new Date((iat + ttlSeconds) * 1000).toISOString(),
  }
}

/** A problem+json body as the functions send it. */
export function problem(code: string, status: number, detail?: string) {
  return {
    type: `urn:textile-token-provider:error:${code}`,
    title: 'x',
    status,
    code,
    ...(detail ? { detail } : {}),
  }
}

export const utf8 = (text: string) => new TextEncoder().encode(text)

/**
 * A thread-token-shaped JWT whose payload is `{ jti: label, ...claims }` (readable by the SDK, as
 * the real hub's and the functions' tokens are), under a made-up signature.
 */
export function fakeJwt(label: string, claims: Record<string, unknown> = {}): string {
  const header = Buffer.from('{"alg":"Ed25519","typ":"JWT"}').toString('base64url')
  const payload = Buffer.from(JSON.stringify({ jti: label, ...claims })).toString('base64url')
  return `${header}.${payload}.c2ln`
}

/**
 * The n-th thread token the fake server mints in issuer mode for `pubkey`: `{jti: 'issued<n>',
 * sub: pubkey, ...claims}`.
 */
export function issuedToken(n: number, pubkey: string, claims: Record<string, unknown> = {}) {
  return fakeJwt(`issued${n}`, { sub: pubkey, ...claims })
}

/** The n-th token the fake hub issues for `pubkey` by default (no exp, as the real hub's). */
export function hubToken(n: number, pubkey: string) {
  return fakeJwt(`hub${n}`, { sub: pubkey })
}

/** A fresh identity from the real @textile/hub. */
export const identity = () => PrivateKey.fromRandom()

/**
 * How the fake hub behaves. The hostile ones (a hub that is compromised, or anyone on the path to a
 * plain-`http:` hub) send something other than one 32-byte challenge:
 * - `relay-envelope`: UTF-8 of a `/api/challenge` envelope for the caller's key, as "the challenge";
 * - `short-challenge` / `long-challenge` / `empty-challenge`: 31, 33 or 0 bytes;
 * - `two-challenges`: two 32-byte challenges in a row;
 * - `challenge-after-signature`: another 32-byte challenge in answer to the signature.
 */
export type HubBehaviour =
  | 'ok'
  | 'unauthenticated'
  | 'silent'
  | 'no-trailers'
  | 'relay-envelope'
  | 'short-challenge'
  | 'long-challenge'
  | 'empty-challenge'
  | 'two-challenges'
  | 'challenge-after-signature'

/** The challenge bytes a behaviour sends for `key`. */
function challengeFor(behaviour: HubBehaviour, key: string): Uint8Array {
  if (behaviour === 'relay-envelope') return utf8(fakeEnvelope(key, T0).envelope)
  const length = { 'short-challenge': 31, 'long-challenge': 33, 'empty-challenge': 0 }[
    behaviour as string
  ]
  return crypto.getRandomValues(new Uint8Array(length ?? 32))
}

const { GetTokenRequest, GetTokenReply } = threads

function frame(flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length)
  out[0] = flags
  new DataView(out.buffer).setUint32(1, payload.length)
  out.set(payload, 5)
  return out
}

/** A scripted hub: GetToken only, over gRPC-web on a WebSocket (docs/protocol.md §5, §6). */
export async function fakeHub(
  behaviour: HubBehaviour = 'ok',
  options: {
    /** The n-th token it issues for `key`; default {@link hubToken}. */
    token?: (n: number, key: string) => string
  } = {},
) {
  const tokenOf = options.token ?? hubToken
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('grpc-websockets') ? 'grpc-websockets' : false),
  })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const state = {
    connections: 0,
    /** Connections the client closed or lost. */
    closed: 0,
    paths: [] as string[],
    headers: [] as string[],
    tokens: 0,
    /** Every signature message received, with the challenge it answered and whether it verified. */
    signatures: [] as { challenge: Uint8Array; verified: boolean }[],
  }
  server.on('connection', (socket, request) => {
    state.connections++
    socket.on('close', () => state.closed++)
    state.paths.push(request.url ?? '')
    let headersSeen = false
    let key = ''
    let challenge: Uint8Array = new Uint8Array()
    let verified = false
    let answers = 0
    const sendChallenge = (bytes: Uint8Array, withHeaders: boolean) => {
      challenge = bytes
      const reply = new GetTokenReply()
      reply.setChallenge(bytes)
      const message = frame(0, reply.serializeBinary())
      // Headers and the first message merged into one websocket message, as servers may do.
      const headers = frame(0x80, utf8('content-type: application/grpc-web+proto\r\n'))
      socket.send(withHeaders ? Buffer.concat([headers, message]) : message)
    }
    // Messages are handled in order: the signature check is async and the half-close follows it.
    let queue = Promise.resolve()
    socket.on('message', (raw: Buffer) => {
      queue = queue.then(() => handle(raw))
    })
    const handle = async (raw: Buffer) => {
      const data = new Uint8Array(raw)
      if (!headersSeen) {
        headersSeen = true
        state.headers.push(Buffer.from(data).toString('ascii'))
        return
      }
      if (data[0] === 1) {
        if (!verified || (behaviour !== 'ok' && behaviour !== 'relay-envelope')) return
        state.tokens++
        const reply = new GetTokenReply()
        reply.setToken(tokenOf(state.tokens, key))
        socket.send(frame(0, reply.serializeBinary()))
        socket.send(frame(0x80, utf8('grpc-status: 0\r\ngrpc-message: \r\n')))
        socket.close()
        return
      }
      const request = GetTokenRequest.deserializeBinary(data.subarray(6))
      if (behaviour === 'silent') return
      if (behaviour === 'unauthenticated') {
        socket.send(
          frame(0x80, utf8('grpc-status: 16\r\ngrpc-message: Bad%20API%20key%20signature\r\n')),
        )
        socket.close()
        return
      }
      if (behaviour === 'no-trailers') {
        socket.close()
        return
      }
      if (request.hasKey()) {
        key = request.getKey()
        sendChallenge(challengeFor(behaviour, key), true)
        if (behaviour === 'two-challenges') sendChallenge(challengeFor(behaviour, key), false)
      } else if (request.hasSignature()) {
        verified = await PublicKey.fromString(key).verify(challenge, request.getSignature_asU8())
        state.signatures.push({ challenge, verified })
        if (behaviour === 'challenge-after-signature' && ++answers === 1) {
          verified = false
          sendChallenge(challengeFor(behaviour, key), false)
        } else if (!verified) {
          socket.send(frame(0x80, utf8('grpc-status: 2\r\ngrpc-message: bad signature\r\n')))
          socket.close()
        }
      }
    }
  })
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate()
        server.close(() => resolve())
      }),
  }
}

/** Installs `ws` as the global WebSocket (Node 20 has none); returns the undo. */
export function installWebSocket(): () => void {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket')
  Object.defineProperty(globalThis, 'WebSocket', {
    value: WebSocket,
    configurable: true,
    writable: true,
  })
  return () => {
    if (had) Object.defineProperty(globalThis, 'WebSocket', had)
    else delete (globalThis as { WebSocket?: unknown }).WebSocket
  }
}
