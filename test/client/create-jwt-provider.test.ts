import { PublicKey } from '@textile/hub'
import { decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect } from 'vitest'
import { createJwtProvider, UserAuthError, type FetchLike } from '../../src/client/index.ts'
import { createChallengeHandler, createJwtHandler } from '../../src/index.ts'
import { NOW } from '../helpers/clock.ts'
import { ENDPOINT, SECRETS, SITE } from '../helpers/deployment.ts'
import { problem, utf8 } from '../helpers/fake-server.ts'
import { identity } from '../helpers/identity.ts'
import { expectRenewal, it } from '../helpers/sdk-fixtures.ts'

describe('createJwtProvider()', () => {
  it('returns the JWT of /jwt, signing the envelope with the identity', async ({ jwtProvider }) => {
    const { provider: jwt, server, pubkey } = jwtProvider()
    await expect(jwt()).resolves.toBe('eyJh.jwt1.c2ln')
    const [challenge, post] = server.state.bodies
    expect(challenge).toEqual({ path: '/api/challenge', body: { pubkey } })
    expect(post!.path).toBe('/api/jwt')
    expect(Object.keys(post!.body).sort()).toEqual(['envelope', 'signature'])
    const signature = Buffer.from(post!.body.signature!, 'base64url')
    expect(await PublicKey.fromString(pubkey).verify(utf8(post!.body.envelope!), signature)).toBe(
      true,
    )
  })

  it('caches the JWT until shortly before expiresAt (30 s of 900 s), then refreshes', async ({
    jwtProvider,
  }) => {
    const { provider: jwt, server, time } = jwtProvider({ prefetch: false })
    await jwt()
    time.advance(869_999)
    await expect(jwt()).resolves.toBe('eyJh.jwt1.c2ln')
    time.advance(1)
    await expect(jwt()).resolves.toBe('eyJh.jwt2.c2ln')
    expect(server.state.calls).toMatchObject({ challenge: 2, jwt: 2 })
  })

  it('honours refreshMarginSeconds, capped at half the lifetime', async ({ jwtProvider }) => {
    const setup = jwtProvider({
      refreshMarginSeconds: 3600,
      prefetch: false,
      server: { jwtTtlSeconds: 60 },
    })
    const logins = () => setup.server.state.calls.jwt
    await expectRenewal(setup, logins, { cachedAt: 29_999, renewedAt: 30_000 })
  })

  it('shares one login between concurrent callers', async ({ jwtProvider }) => {
    const { provider: jwt, server } = jwtProvider()
    const tokens = await Promise.all(Array.from({ length: 10 }, () => jwt()))
    expect(new Set(tokens)).toEqual(new Set(['eyJh.jwt1.c2ln']))
    expect(server.state.calls).toEqual({ challenge: 1, token: 0, jwt: 1 })
  })

  it.for([
    ['server_misconfigured', 500],
    ['invalid_signature', 401],
    ['pubkey_not_allowed', 403],
  ] as const)(
    'rejects with the server code %s from problem+json',
    async ([code, status], { jwtProvider }) => {
      const body = problem(code, status, 'JWT_HS256_SECRET is not set.')
      const { provider: jwt } = jwtProvider({
        server: { script: { jwt: [{ status, type: 'application/problem+json', body }] } },
      })
      const error = await jwt().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UserAuthError)
      expect(error).toMatchObject({ code, status, detail: 'JWT_HS256_SECRET is not set.' })
    },
  )

  it.for([
    ['fetch throws', 'throw', 'network_error'],
    [
      'a 429 without a problem body',
      { status: 429, body: 'slow', type: 'text/plain' },
      'rate_limited',
    ],
    ['a 502 HTML page', { status: 502, body: '<html/>', type: 'text/html' }, 'bad_response'],
    ['no token', { body: { expiresAt: NOW.toISOString() } }, 'bad_response'],
    [
      'a token that is no JWT',
      { body: { token: 'opaque', expiresAt: NOW.toISOString() } },
      'bad_response',
    ],
    [
      'an expiresAt that is no date',
      { body: { token: 'a.b.c', expiresAt: 'soon' } },
      'bad_response',
    ],
    [
      'a UserAuth instead',
      { body: { key: 'k', sig: 's', msg: NOW.toISOString() } },
      'bad_response',
    ],
  ] as const)('rejects with %s → %s', async ([, answer, code], { jwtProvider }) => {
    const { provider: jwt } = jwtProvider({ server: { script: { jwt: [answer] } } })
    await expect(jwt()).rejects.toMatchObject({ code })
  })

  it('rejects with request_timeout when /jwt does not answer in time', async ({ jwtProvider }) => {
    const { provider: jwt } = jwtProvider({ timeoutMs: 50, server: { script: { jwt: ['hang'] } } })
    await expect(jwt()).rejects.toMatchObject({ code: 'request_timeout' })
  })

  it('rejects with sign_failed when the identity cannot sign, and posts nothing to /jwt', async ({
    jwtProvider,
  }) => {
    const id = identity()
    const { provider: jwt, server } = jwtProvider({
      identity: { public: id.public, sign: async () => new Uint8Array(63) },
    })
    await expect(jwt()).rejects.toMatchObject({ code: 'sign_failed' })
    expect(server.state.calls.jwt).toBeUndefined()
  })

  it('does not cache a failed login: the next call retries', async ({ jwtProvider }) => {
    const { provider: jwt, server } = jwtProvider({ server: { script: { jwt: ['throw'] } } })
    await expect(jwt()).rejects.toMatchObject({ code: 'network_error' })
    await expect(jwt()).resolves.toBe('eyJh.jwt1.c2ln')
    expect(server.state.calls).toMatchObject({ challenge: 2, jwt: 2 })
  })

  it.each([
    ['no options', undefined],
    ['no endpoint', { identity: identity() }],
    ['no identity', { endpoint: ENDPOINT }],
    [
      'a negative refreshMarginSeconds',
      { endpoint: ENDPOINT, identity: identity(), refreshMarginSeconds: -1 },
    ],
    [
      'a signal that is not an AbortSignal',
      { endpoint: ENDPOINT, identity: identity(), signal: {} },
    ],
    [
      'a prefetch that is not a boolean',
      { endpoint: ENDPOINT, identity: identity(), prefetch: 'yes' },
    ],
    [
      'an onChange that is not a function',
      { endpoint: ENDPOINT, identity: identity(), onChange: {} },
    ],
  ])('throws TypeError for %s', (_, options) => {
    expect(() => createJwtProvider(options as never)).toThrow(/^createJwtProvider: /)
    expect(() => createJwtProvider(options as never)).toThrow(TypeError)
  })
})

describe('createJwtProvider() with the real challenge and JWT functions', () => {
  it('gets an HS256 JWT whose sub is the identity and whose exp is expiresAt', async () => {
    const secret = 'a-jwt-secret-of-at-least-32-characters!'
    const env = { ...SECRETS, URL: SITE, JWT_HS256_SECRET: secret }
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
      endpoint: ENDPOINT,
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
