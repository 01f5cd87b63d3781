// The SDK's fake token provider: the two functions (and /jwt) as the contract describes them
// (docs/http-api.md), behind an injectable fetch, scriptable per path, counting and recording
// requests; and the tokens and envelopes it hands out (real formats, made-up MACs and signatures).
import { PublicKey } from '@textile/hub'
import type { FetchLike } from '../../src/client/index.ts'
import { NOW } from './clock.ts'
import { SITE } from './deployment.ts'

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

/** The fake server: its `fetch` for the SDK and what it saw (`state`). */
export type FakeServer = ReturnType<typeof fakeServer>

/** A fake of the two functions behind an injectable fetch, counting and recording requests. */
export function fakeServer(options: FakeServerOptions = {}) {
  const now = options.now ?? (() => NOW)
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
    const path = new URL(url, SITE).pathname
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
  const claims = { sub: pubkey, aud: SITE, iat, exp: iat + ttlSeconds, nonce }
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
