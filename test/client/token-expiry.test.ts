// Thread tokens that end (USER_TOKEN_TTL_SECONDS: the payload carries `exp`). The SDK never hands
// out a token past its `exp`, refreshes before it (the UserAuth expires at the earlier of the API
// signature and the token), drops stored tokens whose `exp` has passed, and keeps an unreadable
// token for one login only. Tokens without `exp` (the real hub's) behave as before. Time is the
// `now` option: fake clocks, never the wall clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createUserAuthProvider,
  tokenStorageKey,
  type UserAuthEvent,
} from '../../src/client/index.ts'
import { MAX_TOKEN_LENGTH, readTokenTimes } from '../../src/client/token-times.ts'
import { importSigningKey } from '../../src/core/ed25519.ts'
import { mintThreadToken, THREAD_TOKEN_BACKDATE_SECONDS } from '../../src/core/thread-token.ts'
import {
  clock,
  fakeHub,
  fakeJwt,
  fakeServer,
  identity,
  installWebSocket,
  T0,
  type FakeServerOptions,
} from './fakes.ts'

const endpoint = 'https://site.example/api'
const T0S = T0.getTime() / 1000
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

/** The `exp` of a token, ms (Infinity without one). */
const expOf = (token: string | undefined) => readTokenTimes(token!)!.expiresAt

/** An issuer-mode provider on a fake clock shared with the fake server, recording its events. */
function issuer(options: FakeServerOptions = {}) {
  const time = clock()
  const server = fakeServer({ issuer: true, now: time.now, ...options })
  const events: UserAuthEvent[] = []
  const provider = createUserAuthProvider({
    endpoint,
    identity: identity(),
    fetch: server.fetch,
    now: time.now,
    prefetch: false,
    onChange: (event) => void events.push(event),
  })
  return { time, server, events, provider }
}

describe('createUserAuthProvider() with expiring tokens (issuer mode)', () => {
  it('refreshes before the token exp when it comes before the API signature expiry', async () => {
    const { time, server, events, provider } = issuer({ ttlSeconds: 600, tokenTtlSeconds: 120 })
    const first = await provider()
    expect(first.token).toBe(fakeJwt('issued1', { exp: T0S + 120, iat: T0S - 60 }))
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

  it('rejects with bad_response when the token arrives already expired (a clock far ahead)', async () => {
    const time = clock(at(200))
    const server = fakeServer({ issuer: true, now: () => T0, tokenTtlSeconds: 120 })
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

  it('treats a token whose payload cannot be read as good until the API signature expires', async () => {
    const { time, server, events, provider } = issuer({ ttlSeconds: 600 })
    expect((await provider()).token).toBe('eyJh.issued1.c2ln')
    expect(events[0]).toMatchObject({ expiresAt: at(600) })
    time.advance(569_000)
    await provider()
    expect(server.state.calls.token).toBe(1)
    time.advance(1_000)
    expect((await provider()).token).toBe('eyJh.issued2.c2ln')
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
    return { time, events, provider, storage, key: tokenStorageKey(hubUrl, id.public.toString()) }
  }

  it('drops a stored token whose exp has passed and asks the hub for a new one', async () => {
    const hub = await fakeHub('ok')
    try {
      const expired = fakeJwt('stored', { exp: T0S - 1, iat: T0S - 3600 })
      const storage = new Map<string, string>()
      const { provider, key } = hubChallenge(hub.url, storage)
      storage.set(key, expired)
      const auth = await provider()
      expect(auth.token).toBe(fakeJwt('hub1'))
      expect(hub.state.connections).toBe(1)
      expect(storage.get(key)).toBe(fakeJwt('hub1'))
    } finally {
      await hub.close()
    }
  })

  it('deletes an expired stored token even when the hub then refuses', async () => {
    const hub = await fakeHub('unauthenticated')
    try {
      const storage = new Map<string, string>()
      const { provider, key } = hubChallenge(hub.url, storage)
      storage.set(key, fakeJwt('stored', { exp: T0S }))
      await expect(provider()).rejects.toMatchObject({ code: 'hub_error' })
      expect(storage.has(key)).toBe(false)
    } finally {
      await hub.close()
    }
  })

  it('uses a stored token whose exp is ahead, expiring the UserAuth at that exp', async () => {
    const hub = await fakeHub('ok')
    try {
      const stored = fakeJwt('stored', { exp: T0S + 300, iat: T0S - 60 })
      const storage = new Map<string, string>()
      const { provider, events, key } = hubChallenge(hub.url, storage)
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
      const stored = fakeJwt('stored', { exp: T0S + 300, iat: T0S - 60 })
      const storage = new Map<string, string>()
      const { time, provider, events, key } = hubChallenge(hub.url, storage)
      storage.set(key, stored)
      await provider()
      time.advance(269_900)
      expect((await provider()).token).toBe(stored)
      time.advance(100)
      expect((await provider()).token).toBe(fakeJwt('hub1'))
      expect(hub.state.connections).toBe(1)
      expect(storage.get(key)).toBe(fakeJwt('hub1'))
      // The hub's token has no exp: the UserAuth lasts as the API signature does.
      expect(events[1]).toMatchObject({ tokenSource: 'hub', expiresAt: at(270 + 600) })
    } finally {
      await hub.close()
    }
  })

  it('asks the hub again when the token it gave ends, and not before', async () => {
    const time = clock()
    const hub = await fakeHub('ok', {
      token: (n) => fakeJwt(`hub${n}`, { exp: Math.floor(time.now().getTime() / 1000) + 120 }),
    })
    try {
      const provider = createUserAuthProvider({
        endpoint,
        identity: identity(),
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
        fakeJwt('hub2', { exp: Math.floor(at(108).getTime() / 1000) + 120 }),
      )
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })

  it('never stores a hub token whose payload cannot be read, and asks again at the next refresh', async () => {
    const hub = await fakeHub('ok', { token: (n) => `eyJh.hub${n}.c2ln` })
    try {
      const storage = new Map<string, string>()
      const { time, provider, key } = hubChallenge(hub.url, storage)
      expect((await provider()).token).toBe('eyJh.hub1.c2ln')
      expect(storage.has(key)).toBe(false)
      time.advance(601_000)
      expect((await provider()).token).toBe('eyJh.hub2.c2ln')
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })

  it('drops a stored entry whose payload cannot be read', async () => {
    const hub = await fakeHub('ok')
    try {
      const storage = new Map<string, string>()
      const { provider, key } = hubChallenge(hub.url, storage)
      storage.set(key, 'eyJh.notjson.c2ln')
      expect((await provider()).token).toBe(fakeJwt('hub1'))
      expect(storage.get(key)).toBe(fakeJwt('hub1'))
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
      items.set(key, fakeJwt('stored', { exp: T0S - 10 }))
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

describe('readTokenTimes()', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64url')
  const withPayload = (payload: string) => `${b64('{"alg":"Ed25519"}')}.${payload}.c2ln`

  it('reads exp and iat as ms, and Infinity without exp (go-threads NewToken)', () => {
    expect(readTokenTimes(fakeJwt('x', { exp: 1_900_000_000, iat: 1_899_999_000 }))).toEqual({
      expiresAt: 1_900_000_000_000,
      issuedAt: 1_899_999_000_000,
    })
    expect(readTokenTimes(fakeJwt('x', { iat: 5, iss: 'b', sub: 'b' }))).toEqual({
      expiresAt: Infinity,
      issuedAt: 5000,
    })
    expect(readTokenTimes(fakeJwt('x'))).toEqual({ expiresAt: Infinity })
    expect(readTokenTimes(fakeJwt('x', { exp: 1.5 }))?.expiresAt).toBe(1500)
  })

  it('reads a token of the real go-threads format (mintThreadToken) as one without exp', async () => {
    const issuer = await importSigningKey(new Uint8Array(32).fill(7))
    const token = await mintThreadToken({ issuer, subject: identity().public.toString(), now: T0 })
    expect(readTokenTimes(token)).toEqual({
      expiresAt: Infinity,
      issuedAt: T0.getTime() - THREAD_TOKEN_BACKDATE_SECONDS * 1000,
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
    ['a token over MAX_TOKEN_LENGTH', fakeJwt('x', { pad: 'p'.repeat(MAX_TOKEN_LENGTH) })],
  ])('returns undefined for %s', (_name, token) => {
    expect(readTokenTimes(token)).toBeUndefined()
  })
})
