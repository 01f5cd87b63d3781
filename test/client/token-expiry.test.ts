// Thread tokens that end (USER_TOKEN_TTL_SECONDS: the payload carries `exp`). The SDK never hands
// out a token past its `exp`, refreshes before it (the UserAuth expires at the earlier of the API
// signature and the token), drops stored tokens whose `exp` has passed, and refuses a token whose
// payload it cannot read (no `sub` to check). Tokens without `exp` (the real hub's) behave as
// before. Time is the `now` option: fake clocks, never the wall clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createUserAuthProvider,
  tokenStorageKey,
  type UserAuthEvent,
} from '../../src/client/index.ts'
import { MAX_TOKEN_LENGTH, readTokenClaims } from '../../src/client/token-claims.ts'
import { importSigningKey } from '../../src/core/ed25519.ts'
import { mintThreadToken, THREAD_TOKEN_BACKDATE_SECONDS } from '../../src/core/thread-token.ts'
import {
  clock,
  fakeHub,
  fakeJwt,
  fakeServer,
  hubToken,
  identity,
  installWebSocket,
  issuedToken,
  T0,
  type FakeServerOptions,
} from './fakes.ts'

const endpoint = 'https://site.example/api'
const T0S = T0.getTime() / 1000
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

/** The `exp` of a token, ms (Infinity without one). */
const expOf = (token: string | undefined) => readTokenClaims(token!)!.expiresAt

/** An issuer-mode provider on a fake clock shared with the fake server, recording its events. */
function issuer(options: FakeServerOptions = {}) {
  const time = clock()
  const server = fakeServer({ issuer: true, now: time.now, ...options })
  const events: UserAuthEvent[] = []
  const id = identity()
  const provider = createUserAuthProvider({
    endpoint,
    identity: id,
    fetch: server.fetch,
    now: time.now,
    prefetch: false,
    onChange: (event) => void events.push(event),
  })
  return { time, server, events, provider, pubkey: id.public.toString() }
}

describe('createUserAuthProvider() with expiring tokens (issuer mode)', () => {
  it('refreshes before the token exp when it comes before the API signature expiry', async () => {
    const { time, server, events, provider, pubkey } = issuer({
      ttlSeconds: 600,
      tokenTtlSeconds: 120,
    })
    const first = await provider()
    expect(first.token).toBe(issuedToken(1, pubkey, { exp: T0S + 120, iat: T0S - 60 }))
    expect(events[0]).toMatchObject({ type: 'login', expiresAt: at(120) })
    // Margin min(30 s, 10% of 120 s) = 12 s: cached until 108 s, then a new login.
    time.advance(107_900)
    expect((await provider()).token).toBe(first.token)
    expect(server.state.calls.token).toBe(1)
    time.advance(100)
    const second = await provider()
    expect(server.state.calls.token).toBe(2)
    expect(expOf(second.token)).toBe(at(108 + 120).getTime())
    expect(events[1]).toMatchObject({ type: 'refresh', expiresAt: at(228) })
  })

  it('keeps the API signature expiry when the token exp is later', async () => {
    const { events, provider } = issuer({ ttlSeconds: 600, tokenTtlSeconds: 3600 })
    await provider()
    expect(events[0]).toMatchObject({ type: 'login', expiresAt: at(600) })
  })

  it('never hands out a token at or past its exp, whenever it is called', async () => {
    const { time, server, provider } = issuer({ ttlSeconds: 600, tokenTtlSeconds: 50 })
    for (let step = 0; step < 120; step++) {
      const { token } = await provider()
      expect(expOf(token)).toBeGreaterThan(time.now().getTime())
      time.advance(2_500)
    }
    // 300 s of 50 s tokens, each refreshed at 45 s: 7 logins, not one per call.
    expect(server.state.calls.token).toBe(7)
  })

  it('rejects with bad_response when the token arrives already expired on the servers’ clock', async () => {
    // Minted with an exp 10 s before the server's own now; the page's clock is 200 s ahead too.
    const time = clock(at(200))
    const server = fakeServer({ issuer: true, now: () => T0, tokenTtlSeconds: -10 })
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: time.now,
    })
    const error = await provider().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'bad_response', detail: expect.stringMatching(/clock/) })
    await expect(provider()).rejects.toMatchObject({ code: 'bad_response' })
    expect(server.state.calls.token).toBe(2)
  })

  it('takes a fresh token from servers whose clock is 200 s behind the page’s', async () => {
    const time = clock(at(200))
    const server = fakeServer({ issuer: true, now: () => T0, tokenTtlSeconds: 120 })
    const events: UserAuthEvent[] = []
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: time.now,
      onChange: (event) => void events.push(event),
    })
    await expect(provider()).resolves.toMatchObject({ token: expect.any(String) })
    // The token's exp (T0 + 120 s on the servers' clock) is 319 s ahead on the page's: the 200 s
    // of skew, less the second that iat cannot resolve.
    expect(events[0]).toMatchObject({ type: 'login', expiresAt: at(319) })
  })

  it('rejects with token_mismatch when the token payload cannot be read (no sub to check)', async () => {
    const time = clock()
    const opaque = { key: 'bkey', sig: 'bsig', msg: at(600).toISOString(), token: 'eyJh.x.c2ln' }
    const server = fakeServer({
      issuer: true,
      now: time.now,
      script: { token: [{ body: opaque }] },
    })
    const id = identity()
    const provider = createUserAuthProvider({
      endpoint,
      identity: id,
      fetch: server.fetch,
      now: time.now,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
    // Nothing was kept: the next call logs in again and takes a readable token.
    expect((await provider()).token).toBe(issuedToken(1, id.public.toString()))
    expect(server.state.calls.token).toBe(2)
  })
})

describe('createUserAuthProvider() with expiring tokens (hub-challenge mode)', () => {
  let restore: () => void
  beforeAll(() => {
    restore = installWebSocket()
  })
  afterAll(() => restore())

  /** A hub-challenge provider over `hub` with a Map as storage, on a fake clock. */
  function hubChallenge(hubUrl: string, storage = new Map<string, string>()) {
    const time = clock()
    const id = identity()
    const events: UserAuthEvent[] = []
    const provider = createUserAuthProvider({
      endpoint,
      identity: id,
      hubUrl,
      storage,
      fetch: fakeServer({ now: time.now }).fetch,
      now: time.now,
      prefetch: false,
      onChange: (event) => void events.push(event),
    })
    const pubkey = id.public.toString()
    return { time, events, provider, storage, pubkey, key: tokenStorageKey(hubUrl, pubkey) }
  }

  it('drops a stored token whose exp has passed and asks the hub for a new one', async () => {
    const hub = await fakeHub('ok')
    try {
      const storage = new Map<string, string>()
      const { provider, key, pubkey } = hubChallenge(hub.url, storage)
      const expired = fakeJwt('stored', { sub: pubkey, exp: T0S - 1, iat: T0S - 3600 })
      storage.set(key, expired)
      const auth = await provider()
      expect(auth.token).toBe(hubToken(1, pubkey))
      expect(hub.state.connections).toBe(1)
      expect(storage.get(key)).toBe(hubToken(1, pubkey))
    } finally {
      await hub.close()
    }
  })

  it('deletes an expired stored token even when the hub then refuses', async () => {
    const hub = await fakeHub('unauthenticated')
    try {
      const storage = new Map<string, string>()
      const { provider, key, pubkey } = hubChallenge(hub.url, storage)
      storage.set(key, fakeJwt('stored', { sub: pubkey, exp: T0S }))
      await expect(provider()).rejects.toMatchObject({ code: 'hub_error' })
      expect(storage.has(key)).toBe(false)
    } finally {
      await hub.close()
    }
  })

  it('uses a stored token whose exp is ahead, expiring the UserAuth at that exp', async () => {
    const hub = await fakeHub('ok')
    try {
      const storage = new Map<string, string>()
      const { provider, events, key, pubkey } = hubChallenge(hub.url, storage)
      const stored = fakeJwt('stored', { sub: pubkey, exp: T0S + 300, iat: T0S - 60 })
      storage.set(key, stored)
      expect((await provider()).token).toBe(stored)
      expect(hub.state.connections).toBe(0)
      expect(events[0]).toMatchObject({ tokenSource: 'cache', expiresAt: at(300) })
    } finally {
      await hub.close()
    }
  })

  it('asks the hub for a new token before the cached one ends, never after', async () => {
    const hub = await fakeHub('ok')
    try {
      // 360 s of life (iat 60 s back): reused while more than 30 s remain.
      const storage = new Map<string, string>()
      const { time, provider, events, key, pubkey } = hubChallenge(hub.url, storage)
      const stored = fakeJwt('stored', { sub: pubkey, exp: T0S + 300, iat: T0S - 60 })
      storage.set(key, stored)
      await provider()
      time.advance(269_900)
      expect((await provider()).token).toBe(stored)
      time.advance(100)
      expect((await provider()).token).toBe(hubToken(1, pubkey))
      expect(hub.state.connections).toBe(1)
      expect(storage.get(key)).toBe(hubToken(1, pubkey))
      // The hub's token has no exp: the UserAuth lasts as the API signature does.
      expect(events[1]).toMatchObject({ tokenSource: 'hub', expiresAt: at(270 + 600) })
    } finally {
      await hub.close()
    }
  })

  it('asks the hub again when the token it gave ends, and not before', async () => {
    const time = clock()
    const hub = await fakeHub('ok', {
      token: (n, sub) =>
        fakeJwt(`hub${n}`, { sub, exp: Math.floor(time.now().getTime() / 1000) + 120 }),
    })
    try {
      const id = identity()
      const sub = id.public.toString()
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        fetch: fakeServer({ now: time.now }).fetch,
        now: time.now,
        prefetch: false,
      })
      const first = await provider()
      // No iat: counted from when the SDK got it (T0); margin 12 s of 120 s.
      time.advance(107_000)
      expect((await provider()).token).toBe(first.token)
      time.advance(1_000)
      expect((await provider()).token).toBe(
        fakeJwt('hub2', { sub, exp: Math.floor(at(108).getTime() / 1000) + 120 }),
      )
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })

  it('rejects with token_mismatch and stores nothing when the hub token payload cannot be read', async () => {
    const hub = await fakeHub('ok', { token: (n) => `eyJh.hub${n}.c2ln` })
    try {
      const storage = new Map<string, string>()
      const { time, provider, key } = hubChallenge(hub.url, storage)
      await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
      expect(storage.has(key)).toBe(false)
      time.advance(601_000)
      await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })

  it('drops a stored entry whose payload cannot be read', async () => {
    const hub = await fakeHub('ok')
    try {
      const storage = new Map<string, string>()
      const { provider, key, pubkey } = hubChallenge(hub.url, storage)
      storage.set(key, 'eyJh.notjson.c2ln')
      expect((await provider()).token).toBe(hubToken(1, pubkey))
      expect(storage.get(key)).toBe(hubToken(1, pubkey))
    } finally {
      await hub.close()
    }
  })

  it('removes an expired token from Web Storage with removeItem', async () => {
    const hub = await fakeHub('unauthenticated')
    try {
      const items = new Map<string, string>()
      const webStorage = {
        getItem: (k: string) => items.get(k) ?? null,
        setItem: (k: string, v: string) => void items.set(k, v),
        removeItem: (k: string) => void items.delete(k),
      }
      const id = identity()
      const key = tokenStorageKey(hub.url, id.public.toString())
      items.set(key, fakeJwt('stored', { sub: id.public.toString(), exp: T0S - 10 }))
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        storage: webStorage,
        fetch: fakeServer().fetch,
        now: () => T0,
      })
      await expect(provider()).rejects.toMatchObject({ code: 'hub_error' })
      expect(items.has(key)).toBe(false)
    } finally {
      await hub.close()
    }
  })
})

describe('readTokenClaims()', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64url')
  const withPayload = (payload: string) => `${b64('{"alg":"Ed25519"}')}.${payload}.c2ln`

  it('reads exp and iat as ms, and Infinity without exp (go-threads NewToken)', () => {
    expect(readTokenClaims(fakeJwt('x', { exp: 1_900_000_000, iat: 1_899_999_000 }))).toEqual({
      expiresAt: 1_900_000_000_000,
      issuedAt: 1_899_999_000_000,
    })
    expect(readTokenClaims(fakeJwt('x', { iat: 5, iss: 'b', sub: 'b' }))).toEqual({
      expiresAt: Infinity,
      issuedAt: 5000,
      subject: 'b',
    })
    expect(readTokenClaims(fakeJwt('x'))).toEqual({ expiresAt: Infinity })
    expect(readTokenClaims(fakeJwt('x', { exp: 1.5 }))?.expiresAt).toBe(1500)
  })

  it('reads a token of the real go-threads format (mintThreadToken) as one without exp', async () => {
    const issuer = await importSigningKey(new Uint8Array(32).fill(7))
    const subject = identity().public.toString()
    const token = await mintThreadToken({ issuer, subject, now: T0 })
    expect(readTokenClaims(token)).toEqual({
      expiresAt: Infinity,
      issuedAt: T0.getTime() - THREAD_TOKEN_BACKDATE_SECONDS * 1000,
      subject,
    })
  })

  it.each([
    ['two segments', `${b64('{}')}.${b64('{}')}`],
    ['four segments', `${b64('{}')}.${b64('{}')}.c2ln.c2ln`],
    ['a payload that is not base64url', withPayload('a+b/')],
    ['a payload of impossible base64 length', withPayload('abcde')],
    ['a payload that is not JSON', withPayload(b64('hub1'))],
    ['a payload that is not UTF-8', withPayload(Buffer.from([0xff, 0xfe]).toString('base64url'))],
    ['a JSON array', withPayload(b64('[1]'))],
    ['JSON null', withPayload(b64('null'))],
    ['a string exp', withPayload(b64('{"exp":"1900000000"}'))],
    ['a negative exp', withPayload(b64('{"exp":-1}'))],
    ['an exp too big for a double', withPayload(b64('{"exp":1e400}'))],
    ['a null exp', withPayload(b64('{"exp":null}'))],
    ['a string iat', withPayload(b64('{"iat":"5"}'))],
    ['a sub that is not a string', withPayload(b64('{"sub":5}'))],
    ['a payload with non-zero trailing bits', withPayload('e31')],
    ['a token over MAX_TOKEN_LENGTH', fakeJwt('x', { pad: 'p'.repeat(MAX_TOKEN_LENGTH) })],
  ])('returns undefined for %s', (_name, token) => {
    expect(readTokenClaims(token)).toBeUndefined()
  })
})
