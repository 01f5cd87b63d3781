import { PublicKey } from '@textile/hub'
import { decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createJwtProvider, UserAuthError, type FetchLike } from '../../src/client/index.ts'
import { createChallengeHandler, createJwtHandler } from '../../src/index.ts'
import { SECRETS } from '../helpers/fixtures.ts'
import { clock, fakeServer, identity, problem, T0, utf8 } from './fakes.ts'

const endpoint = 'https://site.example/api'

describe('createJwtProvider()', () => {
  it('returns the JWT of /jwt, signing the envelope with the identity', async () => {
    const id = identity()
    const server = fakeServer({ now: () => T0 })
    const jwt = createJwtProvider({ endpoint, identity: id, fetch: server.fetch, now: () => T0 })
    await expect(jwt()).resolves.toBe('eyJh.jwt1.c2ln')
    const [challenge, post] = server.state.bodies
    expect(challenge).toEqual({ path: '/api/challenge', body: { pubkey: id.public.toString() } })
    expect(post!.path).toBe('/api/jwt')
    expect(Object.keys(post!.body).sort()).toEqual(['envelope', 'signature'])
    const signature = Buffer.from(post!.body.signature!, 'base64url')
    const pubkey = PublicKey.fromString(id.public.toString())
    expect(await pubkey.verify(utf8(post!.body.envelope!), signature)).toBe(true)
  })

  it('caches the JWT until shortly before expiresAt (30 s of 900 s), then refreshes', async () => {
    const time = clock()
    const server = fakeServer({ now: time.now })
    const jwt = createJwtProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: time.now,
      prefetch: false,
    })
    await jwt()
    time.advance(869_999)
    await expect(jwt()).resolves.toBe('eyJh.jwt1.c2ln')
    time.advance(1)
    await expect(jwt()).resolves.toBe('eyJh.jwt2.c2ln')
    expect(server.state.calls).toMatchObject({ challenge: 2, jwt: 2 })
  })

  it('honours refreshMarginSeconds, capped at half the lifetime', async () => {
    const time = clock()
    const server = fakeServer({ now: time.now, jwtTtlSeconds: 60 })
    const jwt = createJwtProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: time.now,
      refreshMarginSeconds: 3600,
      prefetch: false,
    })
    await jwt()
    time.advance(29_999)
    await jwt()
    expect(server.state.calls.jwt).toBe(1)
    time.advance(1)
    await jwt()
    expect(server.state.calls.jwt).toBe(2)
  })

  it('shares one login between concurrent callers', async () => {
    const server = fakeServer({ now: () => T0 })
    const jwt = createJwtProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: () => T0,
    })
    const tokens = await Promise.all(Array.from({ length: 10 }, () => jwt()))
    expect(new Set(tokens)).toEqual(new Set(['eyJh.jwt1.c2ln']))
    expect(server.state.calls).toEqual({ challenge: 1, token: 0, jwt: 1 })
  })

  it.each([
    ['server_misconfigured', 500],
    ['invalid_signature', 401],
    ['pubkey_not_allowed', 403],
  ])('rejects with the server code %s from problem+json', async (code, status) => {
    const server = fakeServer({
      script: {
        jwt: [
          {
            status,
            type: 'application/problem+json',
            body: problem(code, status, 'JWT_HS256_SECRET is not set.'),
          },
        ],
      },
    })
    const jwt = createJwtProvider({ endpoint, identity: identity(), fetch: server.fetch })
    const error = await jwt().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserAuthError)
    expect(error).toMatchObject({ code, status, detail: 'JWT_HS256_SECRET is not set.' })
  })

  it.each([
    ['fetch throws', 'throw', 'network_error'],
    [
      'a 429 without a problem body',
      { status: 429, body: 'slow', type: 'text/plain' },
      'rate_limited',
    ],
    ['a 502 HTML page', { status: 502, body: '<html/>', type: 'text/html' }, 'bad_response'],
    ['no token', { body: { expiresAt: T0.toISOString() } }, 'bad_response'],
    [
      'a token that is no JWT',
      { body: { token: 'opaque', expiresAt: T0.toISOString() } },
      'bad_response',
    ],
    [
      'an expiresAt that is no date',
      { body: { token: 'a.b.c', expiresAt: 'soon' } },
      'bad_response',
    ],
    ['a UserAuth instead', { body: { key: 'k', sig: 's', msg: T0.toISOString() } }, 'bad_response'],
  ] as const)('rejects with %s → %s', async (_, answer, code) => {
    const server = fakeServer({ script: { jwt: [answer] } })
    const jwt = createJwtProvider({ endpoint, identity: identity(), fetch: server.fetch })
    await expect(jwt()).rejects.toMatchObject({ code })
  })

  it('rejects with request_timeout when /jwt does not answer in time', async () => {
    const server = fakeServer({ script: { jwt: ['hang'] } })
    const jwt = createJwtProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      timeoutMs: 50,
    })
    await expect(jwt()).rejects.toMatchObject({ code: 'request_timeout' })
  })

  it('rejects with sign_failed when the identity cannot sign, and posts nothing to /jwt', async () => {
    const server = fakeServer()
    const id = identity()
    const jwt = createJwtProvider({
      endpoint,
      identity: { public: id.public, sign: async () => new Uint8Array(63) },
      fetch: server.fetch,
    })
    await expect(jwt()).rejects.toMatchObject({ code: 'sign_failed' })
    expect(server.state.calls.jwt).toBeUndefined()
  })

  it('does not cache a failed login: the next call retries', async () => {
    const server = fakeServer({ script: { jwt: ['throw'] } })
    const jwt = createJwtProvider({ endpoint, identity: identity(), fetch: server.fetch })
    await expect(jwt()).rejects.toMatchObject({ code: 'network_error' })
    await expect(jwt()).resolves.toBe('eyJh.jwt1.c2ln')
    expect(server.state.calls).toMatchObject({ challenge: 2, jwt: 2 })
  })

  it.each([
    ['no options', undefined],
    ['no endpoint', { identity: identity() }],
    ['no identity', { endpoint }],
    [
      'a negative refreshMarginSeconds',
      { endpoint, identity: identity(), refreshMarginSeconds: -1 },
    ],
    ['a signal that is not an AbortSignal', { endpoint, identity: identity(), signal: {} }],
    ['a prefetch that is not a boolean', { endpoint, identity: identity(), prefetch: 'yes' }],
    ['an onChange that is not a function', { endpoint, identity: identity(), onChange: {} }],
  ])('throws TypeError for %s', (_, options) => {
    expect(() => createJwtProvider(options as never)).toThrow(/^createJwtProvider: /)
    expect(() => createJwtProvider(options as never)).toThrow(TypeError)
  })
})

describe('createJwtProvider() with the real challenge and JWT functions', () => {
  it('gets an HS256 JWT whose sub is the identity and whose exp is expiresAt', async () => {
    const secret = 'a-jwt-secret-of-at-least-32-characters!'
    const env = { ...SECRETS, URL: 'https://site.example', JWT_HS256_SECRET: secret }
    const options = { env: () => env, logger: () => {} }
    const handlers = { challenge: createChallengeHandler(options), jwt: createJwtHandler(options) }
    const fetch: FetchLike = (url, init) => {
      const request = new Request(url, init)
      return new URL(request.url).pathname === '/api/challenge'
        ? handlers.challenge(request)
        : handlers.jwt(request)
    }
    const id = identity()
    const events: unknown[] = []
    const jwt = createJwtProvider({
      endpoint,
      identity: id,
      fetch,
      onChange: (event) => events.push(event),
    })
    const token = await jwt()
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
    })
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256' })
    expect(payload.sub).toBe(id.public.toString())
    expect(events).toEqual([
      {
        type: 'login',
        expiresAt: new Date(payload.exp! * 1000),
        tokenSource: 'function',
        token,
      },
    ])
    jwt.dispose()
  })
})
