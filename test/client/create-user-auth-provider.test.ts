import { createPrivateKey, sign as cryptoSign } from 'node:crypto'
import { PublicKey } from '@textile/hub'
import { describe, expect } from 'vitest'
import { createUserAuthProvider, UserAuthError, type TokenStorage } from '../../src/client/index.ts'
import { NOW } from '../helpers/clock.ts'
import { ENDPOINT } from '../helpers/deployment.ts'
import { hubToken, issuedToken, problem, utf8 } from '../helpers/fake-server.ts'
import { identity } from '../helpers/identity.ts'
import { expectRenewal, it } from '../helpers/sdk-fixtures.ts'

describe('createUserAuthProvider()', () => {
  it('returns the UserAuth of /token, signing the envelope with the identity', async ({
    userAuthProvider,
  }) => {
    const { provider, server, pubkey } = userAuthProvider({ server: { issuer: true } })
    const auth = await provider()
    expect(auth).toEqual({
      key: 'bkey',
      sig: 'bsig1',
      msg: new Date(NOW.getTime() + 600_000).toISOString(),
      token: issuedToken(1, pubkey),
    })
    const [challenge, token] = server.state.bodies
    expect(challenge).toEqual({ path: '/api/challenge', body: { pubkey } })
    expect(token!.path).toBe('/api/token')
    expect(token!.body.signature).toMatch(/^[\w-]{86}$/)
    const signature = Buffer.from(token!.body.signature!, 'base64url')
    expect(await PublicKey.fromString(pubkey).verify(utf8(token!.body.envelope!), signature)).toBe(
      true,
    )
  })

  it('accepts a relative endpoint with a trailing slash', async ({ userAuthProvider }) => {
    const { provider, server } = userAuthProvider({ endpoint: '/api/', server: { issuer: true } })
    await expect(provider()).resolves.toMatchObject({ key: 'bkey' })
    expect(server.state.bodies.map((b) => b.path)).toEqual(['/api/challenge', '/api/token'])
  })

  it('accepts an identity whose sign() is synchronous', async ({ userAuthProvider }) => {
    const id = identity()
    const syncIdentity = { public: id.public, sign: (bytes: Uint8Array) => signSync(id, bytes) }
    const { provider } = userAuthProvider({ identity: syncIdentity, server: { issuer: true } })
    await expect(provider()).resolves.toMatchObject({
      token: issuedToken(1, id.public.toString()),
    })
  })

  it.for([
    ['invalid_pubkey', 400],
    ['invalid_signature', 401],
    ['envelope_expired', 401],
    ['origin_not_allowed', 403],
    ['pubkey_not_allowed', 403],
    ['server_misconfigured', 500],
    ['internal_error', 500],
  ] as const)(
    'rejects with the server code %s from problem+json',
    async ([code, status], { userAuthProvider }) => {
      const body = problem(code, status, 'USER_API_KEY is not set.')
      const { provider } = userAuthProvider({
        server: { script: { token: [{ status, type: 'application/problem+json', body }] } },
      })
      const error = await provider().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UserAuthError)
      expect(error).toMatchObject({
        code,
        status,
        detail: 'USER_API_KEY is not set.',
        name: 'UserAuthError',
      })
    },
  )

  it('matches the problem+json media type case-insensitively with parameters', async ({
    userAuthProvider,
  }) => {
    const type = 'Application/Problem+JSON; charset=utf-8'
    const body = problem('pubkey_not_allowed', 403)
    const { provider } = userAuthProvider({
      server: { script: { challenge: [{ status: 403, type, body }] } },
    })
    await expect(provider()).rejects.toMatchObject({ code: 'pubkey_not_allowed', status: 403 })
  })

  it('rejects with network_error when fetch throws', async ({ userAuthProvider }) => {
    const { provider } = userAuthProvider({ server: { script: { challenge: ['throw'] } } })
    const error = await provider().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'network_error' })
    expect((error as UserAuthError).status).toBeUndefined()
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })

  it('rejects with request_timeout when the server does not answer in time', async ({
    userAuthProvider,
  }) => {
    const { provider } = userAuthProvider({
      timeoutMs: 50,
      server: { script: { token: ['hang'] } },
    })
    await expect(provider()).rejects.toMatchObject({ code: 'request_timeout' })
  })

  it.for([
    ['a non-JSON 200', { body: '<html>oops</html>', type: 'text/html' }, 200],
    ['a 502 without a problem body', { status: 502, body: 'Bad Gateway', type: 'text/plain' }, 502],
    ['a 404 JSON body', { status: 404, body: { error: 'nope' } }, 404],
    [
      'problem+json with an unknown code',
      { status: 400, type: 'application/problem+json', body: problem('made_up', 400) },
      400,
    ],
    ['a JSON array', { body: [1, 2] }, 200],
  ] as const)(
    'rejects with bad_response for %s from /challenge',
    async ([, answer, status], { userAuthProvider }) => {
      const { provider } = userAuthProvider({ server: { script: { challenge: [answer] } } })
      await expect(provider()).rejects.toMatchObject({ code: 'bad_response', status })
    },
  )

  it('rejects with rate_limited for a 429 without a problem body', async ({ userAuthProvider }) => {
    const { provider } = userAuthProvider({
      server: { script: { challenge: [{ status: 429, body: 'slow down', type: 'text/plain' }] } },
    })
    await expect(provider()).rejects.toMatchObject({ code: 'rate_limited', status: 429 })
  })

  it.for([
    ['a challenge without envelope', 'challenge', { expiresAt: NOW.toISOString() }],
    [
      'a challenge with a numeric envelope',
      'challenge',
      { envelope: 1, expiresAt: NOW.toISOString() },
    ],
    ['a token answer without sig', 'token', { key: 'k', msg: NOW.toISOString() }],
    ['a token answer whose msg is not a date', 'token', { key: 'k', sig: 's', msg: 'tomorrow' }],
    [
      'a token answer with token: null',
      'token',
      { key: 'k', sig: 's', msg: NOW.toISOString(), token: null },
    ],
    ['a token answer with an empty key', 'token', { key: '', sig: 's', msg: NOW.toISOString() }],
  ] as const)('rejects with bad_response for %s', async ([, path, body], { userAuthProvider }) => {
    const { provider } = userAuthProvider({ server: { script: { [path]: [{ body }] } } })
    await expect(provider()).rejects.toMatchObject({ code: 'bad_response', status: 200 })
  })

  it('never puts the server detail or credentials into the message', async ({
    userAuthProvider,
  }) => {
    const body = problem('internal_error', 500, 'secret-ish words')
    const { provider } = userAuthProvider({
      server: { script: { token: [{ status: 500, type: 'application/problem+json', body }] } },
    })
    const error = (await provider().catch((e: unknown) => e)) as UserAuthError
    expect(error.message).not.toContain('secret-ish')
    expect(error.message).toBe('The token provider refused the login (internal_error)')
  })

  it('shares one login between concurrent callers', async ({ userAuthProvider }) => {
    const { provider, server } = userAuthProvider({ server: { issuer: true } })
    const results = await Promise.all(Array.from({ length: 10 }, () => provider()))
    expect(server.state.calls).toEqual({ challenge: 1, token: 1 })
    expect(new Set(results.map((r) => r.sig))).toEqual(new Set(['bsig1']))
    expect(results[0]).not.toBe(results[1])
  })

  it('reuses the UserAuth while the API signature is fresh', async ({ userAuthProvider }) => {
    const { provider, server, time } = userAuthProvider({ server: { issuer: true } })
    await provider()
    time.advance(500_000)
    await expect(provider()).resolves.toMatchObject({ sig: 'bsig1' })
    expect(server.state.calls).toEqual({ challenge: 1, token: 1 })
  })

  it('refreshes within the default margin before expiry (30 s of a 600 s lifetime)', async ({
    userAuthProvider,
  }) => {
    const { provider, server, time } = userAuthProvider({ server: { issuer: true } })
    await provider()
    time.advance(569_000)
    await expect(provider()).resolves.toMatchObject({ sig: 'bsig1' })
    time.advance(2_000)
    const refreshed = await provider()
    expect(refreshed.sig).toBe('bsig2')
    expect(refreshed.msg).toBe(new Date(NOW.getTime() + 571_000 + 600_000).toISOString())
    expect(server.state.calls).toEqual({ challenge: 2, token: 2 })
  })

  it('honours refreshMarginSeconds and refreshes after expiry', async ({ userAuthProvider }) => {
    const setup = userAuthProvider({
      refreshMarginSeconds: 50,
      server: { issuer: true, ttlSeconds: 120 },
    })
    const { provider, server, time } = setup
    await expectRenewal(setup, () => server.state.calls.token, {
      cachedAt: 69_000,
      renewedAt: 71_000,
    })
    time.advance(3_600_000)
    await expect(provider()).resolves.toMatchObject({ sig: 'bsig3' })
  })

  it('caps the refresh margin at half the lifetime', async ({ userAuthProvider }) => {
    const setup = userAuthProvider({
      refreshMarginSeconds: 600,
      server: { issuer: true, ttlSeconds: 120 },
    })
    const logins = () => setup.server.state.calls.token
    await expectRenewal(setup, logins, { cachedAt: 59_000, renewedAt: 60_000 })
  })

  it('does not cache a failed login: the next call retries', async ({ userAuthProvider }) => {
    const { provider, server } = userAuthProvider({
      server: { issuer: true, script: { challenge: ['throw'] } },
    })
    const [a, b] = await Promise.allSettled([provider(), provider()])
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'network_error' } })
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'network_error' } })
    await expect(provider()).resolves.toMatchObject({ sig: 'bsig1' })
    expect(server.state.calls.challenge).toBe(2)
  })

  it('rejects with sign_failed when the identity throws or returns no signature', async ({
    userAuthProvider,
  }) => {
    const id = identity()
    for (const sign of [
      () => {
        throw new Error('user cancelled')
      },
      async () => new Uint8Array(10),
      () => 'not bytes' as unknown as Uint8Array,
    ]) {
      const { provider, server } = userAuthProvider({
        identity: { public: id.public, sign },
        server: { issuer: true },
      })
      await expect(provider()).rejects.toMatchObject({ code: 'sign_failed' })
      expect(server.state.calls.token).toBe(0)
    }
  })

  it('rejects with hub_url_required when the server sends no token and no hubUrl is set', async ({
    userAuthProvider,
  }) => {
    const { provider } = userAuthProvider({ server: { issuer: false } })
    await expect(provider()).rejects.toMatchObject({ code: 'hub_url_required' })
  })

  it.each([
    ['no options', undefined],
    ['no endpoint', { identity: identity() }],
    ['an empty endpoint', { endpoint: ' ', identity: identity() }],
    ['no identity', { endpoint: ENDPOINT }],
    ['an identity without sign', { endpoint: ENDPOINT, identity: { public: identity().public } }],
    [
      'a hubUrl that is not http(s)',
      { endpoint: ENDPOINT, identity: identity(), hubUrl: 'ws://hub' },
    ],
    [
      'a fetch that is not a function',
      { endpoint: ENDPOINT, identity: identity(), fetch: 'fetch' },
    ],
    [
      'storage without set',
      { endpoint: ENDPOINT, identity: identity(), storage: { get: () => null } },
    ],
    [
      'a negative refreshMarginSeconds',
      { endpoint: ENDPOINT, identity: identity(), refreshMarginSeconds: -1 },
    ],
    ['a zero timeoutMs', { endpoint: ENDPOINT, identity: identity(), timeoutMs: 0 }],
    ['a now that is not a function', { endpoint: ENDPOINT, identity: identity(), now: NOW }],
    [
      'a prefetch that is neither a boolean nor eager',
      { endpoint: ENDPOINT, identity: identity(), prefetch: 'lazy' },
    ],
  ])('throws TypeError for %s', (_, options) => {
    expect(() => createUserAuthProvider(options as never)).toThrow(TypeError)
  })
})

describe('createUserAuthProvider() in hub-challenge mode', () => {
  it('answers the hub GetToken challenge once and reuses the token on refresh', async ({
    fakeHub,
    userAuthProvider,
  }) => {
    const hub = await fakeHub('ok')
    const { provider, server, pubkey, time } = userAuthProvider({ hubUrl: hub.url + '/' })
    const [first, second] = await Promise.all([provider(), provider()])
    expect(first).toEqual({
      key: 'bkey',
      sig: 'bsig1',
      msg: expect.any(String),
      token: hubToken(1, pubkey),
    })
    expect(second).toEqual(first)
    expect(hub.state.connections).toBe(1)
    expect(hub.state.paths).toEqual(['/threads.pb.API/GetToken'])
    expect(hub.state.headers[0]).toContain('x-textile-api-key: bkey\r\n')
    expect(hub.state.headers[0]).toContain('x-textile-api-sig: bsig1\r\n')
    expect(hub.state.headers[0]).toContain(`x-textile-api-sig-msg: ${first!.msg}\r\n`)
    expect(hub.state.headers[0]).toContain('content-type: application/grpc-web+proto\r\n')

    time.advance(601_000)
    const refreshed = await provider()
    expect(refreshed).toMatchObject({ sig: 'bsig2', token: hubToken(1, pubkey) })
    expect(server.state.calls).toEqual({ challenge: 2, token: 2 })
    expect(hub.state.connections).toBe(1)
  })

  it('writes the token to storage and a new provider reads it instead of asking the hub', async ({
    hubProvider,
    userAuthProvider,
  }) => {
    const map = new Map<string, string>()
    const storage: TokenStorage = {
      get: async (key) => map.get(key),
      set: async (key, value) => void map.set(key, value),
    }
    const { provider, hub, pubkey, identity } = await hubProvider({ storage })
    await provider()
    expect([...map]).toEqual([
      [`textile-token-provider:token:${hub.url} ${pubkey}`, hubToken(1, pubkey)],
    ])
    const second = await userAuthProvider({ identity, hubUrl: hub.url, storage }).provider()
    expect(second.token).toBe(hubToken(1, pubkey))
    expect(hub.state.connections).toBe(1)
  })

  it('ignores junk and failures in storage', async ({ hubProvider }) => {
    const storage: TokenStorage = {
      get: () => 'not a token',
      set: () => {
        throw new Error('QuotaExceededError')
      },
    }
    const { provider, pubkey } = await hubProvider({ storage })
    await expect(provider()).resolves.toMatchObject({ token: hubToken(1, pubkey) })
  })

  it('rejects with hub_error carrying the gRPC status and message', async ({ hubProvider }) => {
    const { provider, hub } = await hubProvider({ hub: 'unauthenticated' })
    const error = await provider().catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'hub_error',
      grpcStatus: 16,
      grpcMessage: 'Bad API key signature',
    })
    expect((error as Error).message).not.toContain('bsig')
    await expect(provider()).rejects.toMatchObject({ code: 'hub_error' })
    expect(hub.state.connections).toBe(2)
  })

  it('rejects with hub_error when the hub closes without a status', async ({ hubProvider }) => {
    const { provider } = await hubProvider({ hub: 'no-trailers' })
    const error = (await provider().catch((e: unknown) => e)) as UserAuthError
    expect(error).toMatchObject({ code: 'hub_error' })
    expect(error.grpcStatus).toBeUndefined()
  })

  it('rejects with hub_unreachable when the hub is unreachable', async ({ hubProvider }) => {
    const { provider, hub } = await hubProvider()
    await hub.close()
    await expect(provider()).rejects.toMatchObject({ code: 'hub_unreachable' })
  })

  it('rejects with hub_timeout when the hub never answers, then retries', async ({
    hubProvider,
  }) => {
    const { provider, hub } = await hubProvider({ hub: 'silent', timeoutMs: 200 })
    await expect(provider()).rejects.toMatchObject({ code: 'hub_timeout' })
    await expect(provider()).rejects.toMatchObject({ code: 'hub_timeout' })
    expect(hub.state.connections).toBe(2)
  })
})

// A synchronous Ed25519 signer over the same key (node:crypto), as a wallet adapter might expose.
function signSync(id: ReturnType<typeof identity>, bytes: Uint8Array): Uint8Array {
  const seed = id.bytes.slice(4, 36)
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed])
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
  return new Uint8Array(cryptoSign(null, bytes, key))
}
