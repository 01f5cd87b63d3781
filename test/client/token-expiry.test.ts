// Thread tokens that end (USER_TOKEN_TTL_SECONDS: the payload carries `exp`). The SDK never hands
// out a token past its `exp`, refreshes before it (the UserAuth expires at the earlier of the API
// signature and the token), drops stored tokens whose `exp` has passed, and refuses a token whose
// payload it cannot read (no `sub` to check). Tokens without `exp` (the real hub's) behave as
// before. Time is the `now` option: fake clocks, never the wall clock.
import { describe, expect } from 'vitest'
import { MAX_TOKEN_LENGTH, readTokenClaims } from '../../src/client/token-claims.ts'
import { importSigningKey } from '../../src/core/ed25519.ts'
import { mintThreadToken, THREAD_TOKEN_BACKDATE_SECONDS } from '../../src/core/thread-token.ts'
import { at, clock, NOW, NOW_SECONDS } from '../helpers/clock.ts'
import { fakeJwt, hubToken, issuedToken } from '../helpers/fake-server.ts'
import { identity } from '../helpers/identity.ts'
import { it } from '../helpers/sdk-fixtures.ts'

/** The `exp` of a token, ms (Infinity without one). */
const expOf = (token: string | undefined) => readTokenClaims(token!)!.expiresAt
/** Issuer-mode options for a page 200 s ahead of servers that mint tokens for `tokenTtlSeconds`. */
const pageAhead = (tokenTtlSeconds: number) => ({
  time: clock(at(200)),
  server: { issuer: true, now: () => NOW, tokenTtlSeconds },
})

describe('createUserAuthProvider() with expiring tokens (issuer mode)', () => {
  it('refreshes before the token exp when it comes before the API signature expiry', async ({
    userAuthProvider,
  }) => {
    const { time, server, events, provider, pubkey } = userAuthProvider({
      prefetch: false,
      server: { issuer: true, ttlSeconds: 600, tokenTtlSeconds: 120 },
    })
    const first = await provider()
    expect(first.token).toBe(
      issuedToken(1, pubkey, { exp: NOW_SECONDS + 120, iat: NOW_SECONDS - 60 }),
    )
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

  it('keeps the API signature expiry when the token exp is later', async ({ userAuthProvider }) => {
    const { events, provider } = userAuthProvider({
      prefetch: false,
      server: { issuer: true, ttlSeconds: 600, tokenTtlSeconds: 3600 },
    })
    await provider()
    expect(events[0]).toMatchObject({ type: 'login', expiresAt: at(600) })
  })

  it('never hands out a token at or past its exp, whenever it is called', async ({
    userAuthProvider,
  }) => {
    const { time, server, provider } = userAuthProvider({
      prefetch: false,
      server: { issuer: true, ttlSeconds: 600, tokenTtlSeconds: 50 },
    })
    for (let step = 0; step < 120; step++) {
      const { token } = await provider()
      expect(expOf(token)).toBeGreaterThan(time.now().getTime())
      time.advance(2_500)
    }
    // 300 s of 50 s tokens, each refreshed at 45 s: 7 logins, not one per call.
    expect(server.state.calls.token).toBe(7)
  })

  it('rejects with bad_response when the token arrives already expired on the servers’ clock', async ({
    userAuthProvider,
  }) => {
    // Minted with an exp 10 s before the server's own now; the page's clock is 200 s ahead too.
    const { provider, server } = userAuthProvider(pageAhead(-10))
    const error = await provider().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'bad_response', detail: expect.stringMatching(/clock/) })
    await expect(provider()).rejects.toMatchObject({ code: 'bad_response' })
    expect(server.state.calls.token).toBe(2)
  })

  it('takes a fresh token from servers whose clock is 200 s behind the page’s', async ({
    userAuthProvider,
  }) => {
    const { provider, events } = userAuthProvider(pageAhead(120))
    await expect(provider()).resolves.toMatchObject({ token: expect.any(String) })
    // The token's exp (NOW + 120 s on the servers' clock) is 319 s ahead on the page's: the 200 s
    // of skew, less the second that iat cannot resolve.
    expect(events[0]).toMatchObject({ type: 'login', expiresAt: at(319) })
  })

  it('rejects with token_mismatch when the token payload cannot be read (no sub to check)', async ({
    userAuthProvider,
  }) => {
    const opaque = { key: 'bkey', sig: 'bsig', msg: at(600).toISOString(), token: 'eyJh.x.c2ln' }
    const { provider, server, pubkey } = userAuthProvider({
      server: { issuer: true, script: { token: [{ body: opaque }] } },
    })
    await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
    // Nothing was kept: the next call logs in again and takes a readable token.
    expect((await provider()).token).toBe(issuedToken(1, pubkey))
    expect(server.state.calls.token).toBe(2)
  })
})

describe('createUserAuthProvider() with expiring tokens (hub-challenge mode)', () => {
  it('drops a stored token whose exp has passed and asks the hub for a new one', async ({
    hubProvider,
  }) => {
    const storage = new Map<string, string>()
    const { provider, key, pubkey, hub } = await hubProvider({ storage, prefetch: false })
    storage.set(
      key,
      fakeJwt('stored', { sub: pubkey, exp: NOW_SECONDS - 1, iat: NOW_SECONDS - 3600 }),
    )
    const auth = await provider()
    expect(auth.token).toBe(hubToken(1, pubkey))
    expect(hub.state.connections).toBe(1)
    expect(storage.get(key)).toBe(hubToken(1, pubkey))
  })

  it('deletes an expired stored token even when the hub then refuses', async ({ hubProvider }) => {
    const storage = new Map<string, string>()
    const { provider, key, pubkey } = await hubProvider({
      hub: 'unauthenticated',
      storage,
      prefetch: false,
    })
    storage.set(key, fakeJwt('stored', { sub: pubkey, exp: NOW_SECONDS }))
    await expect(provider()).rejects.toMatchObject({ code: 'hub_error' })
    expect(storage.has(key)).toBe(false)
  })

  it('uses a stored token whose exp is ahead, expiring the UserAuth at that exp', async ({
    hubProvider,
  }) => {
    const storage = new Map<string, string>()
    const { provider, events, key, pubkey, hub } = await hubProvider({ storage, prefetch: false })
    const stored = fakeJwt('stored', { sub: pubkey, exp: NOW_SECONDS + 300, iat: NOW_SECONDS - 60 })
    storage.set(key, stored)
    expect((await provider()).token).toBe(stored)
    expect(hub.state.connections).toBe(0)
    expect(events[0]).toMatchObject({ tokenSource: 'cache', expiresAt: at(300) })
  })

  it('asks the hub for a new token before the cached one ends, never after', async ({
    hubProvider,
  }) => {
    // 360 s of life (iat 60 s back): reused while more than 30 s remain.
    const storage = new Map<string, string>()
    const { time, provider, events, key, pubkey, hub } = await hubProvider({
      storage,
      prefetch: false,
    })
    const stored = fakeJwt('stored', { sub: pubkey, exp: NOW_SECONDS + 300, iat: NOW_SECONDS - 60 })
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
  })

  it('asks the hub again when the token it gave ends, and not before', async ({ hubProvider }) => {
    const time = clock()
    const {
      provider,
      pubkey: sub,
      hub,
    } = await hubProvider({
      hubOptions: {
        token: (n, sub) =>
          fakeJwt(`hub${n}`, { sub, exp: Math.floor(time.now().getTime() / 1000) + 120 }),
      },
      time,
      prefetch: false,
    })
    const first = await provider()
    // No iat: counted from when the SDK got it (NOW); margin 12 s of 120 s.
    time.advance(107_000)
    expect((await provider()).token).toBe(first.token)
    time.advance(1_000)
    expect((await provider()).token).toBe(
      fakeJwt('hub2', { sub, exp: Math.floor(at(108).getTime() / 1000) + 120 }),
    )
    expect(hub.state.connections).toBe(2)
  })

  it('rejects with token_mismatch and stores nothing when the hub token payload cannot be read', async ({
    hubProvider,
  }) => {
    const storage = new Map<string, string>()
    const { time, provider, key, hub } = await hubProvider({
      hubOptions: { token: (n) => `eyJh.hub${n}.c2ln` },
      storage,
      prefetch: false,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
    expect(storage.has(key)).toBe(false)
    time.advance(601_000)
    await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
    expect(hub.state.connections).toBe(2)
  })

  it('drops a stored entry whose payload cannot be read', async ({ hubProvider }) => {
    const storage = new Map<string, string>()
    const { provider, key, pubkey } = await hubProvider({ storage, prefetch: false })
    storage.set(key, 'eyJh.notjson.c2ln')
    expect((await provider()).token).toBe(hubToken(1, pubkey))
    expect(storage.get(key)).toBe(hubToken(1, pubkey))
  })

  it('removes an expired token from Web Storage with removeItem', async ({ hubProvider }) => {
    const items = new Map<string, string>()
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    }
    const { provider, key, pubkey } = await hubProvider({ hub: 'unauthenticated', storage })
    items.set(key, fakeJwt('stored', { sub: pubkey, exp: NOW_SECONDS - 10 }))
    await expect(provider()).rejects.toMatchObject({ code: 'hub_error' })
    expect(items.has(key)).toBe(false)
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
    const token = await mintThreadToken({ issuer, subject, now: NOW })
    expect(readTokenClaims(token)).toEqual({
      expiresAt: Infinity,
      issuedAt: NOW.getTime() - THREAD_TOKEN_BACKDATE_SECONDS * 1000,
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
