import { createPrivateKey, sign as cryptoSign } from 'node:crypto'
import { PublicKey } from '@textile/hub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUserAuthProvider, UserAuthError, type TokenStorage } from '../../src/client/index.ts'
import {
  clock,
  fakeHub,
  fakeServer,
  identity,
  installWebSocket,
  problem,
  T0,
  utf8,
  hubToken,
  issuedToken,
} from './fakes.ts'

const endpoint = 'https://site.example/api'

describe('createUserAuthProvider()', () => {
  it('returns the UserAuth of /token, signing the envelope with the identity', async () => {
    const id = identity()
    const server = fakeServer({ issuer: true })
    const provider = createUserAuthProvider({
      endpoint,
      identity: id,
      fetch: server.fetch,
      now: () => T0,
    })
    const auth = await provider()
    expect(auth).toEqual({
      key: 'bkey',
      sig: 'bsig1',
      msg: new Date(T0.getTime() + 600_000).toISOString(),
      token: issuedToken(1, id.public.toString()),
    })
    const [challenge, token] = server.state.bodies
    expect(challenge).toEqual({ path: '/api/challenge', body: { pubkey: id.public.toString() } })
    expect(token!.path).toBe('/api/token')
    expect(token!.body.signature).toMatch(/^[\w-]{86}$/)
    const signature = Buffer.from(token!.body.signature!, 'base64url')
    expect(
      await PublicKey.fromString(id.public.toString()).verify(
        utf8(token!.body.envelope!),
        signature,
      ),
    ).toBe(true)
  })

  it('accepts a relative endpoint with a trailing slash', async () => {
    const server = fakeServer({ issuer: true })
    const provider = createUserAuthProvider({
      endpoint: '/api/',
      identity: identity(),
      fetch: server.fetch,
    })
    await expect(provider()).resolves.toMatchObject({ key: 'bkey' })
    expect(server.state.bodies.map((b) => b.path)).toEqual(['/api/challenge', '/api/token'])
  })

  it('accepts an identity whose sign() is synchronous', async () => {
    const id = identity()
    const syncIdentity = { public: id.public, sign: (bytes: Uint8Array) => signSync(id, bytes) }
    const server = fakeServer({ issuer: true })
    const provider = createUserAuthProvider({
      endpoint,
      identity: syncIdentity,
      fetch: server.fetch,
    })
    await expect(provider()).resolves.toMatchObject({
      token: issuedToken(1, id.public.toString()),
    })
  })

  it.each([
    ['invalid_pubkey', 400],
    ['invalid_signature', 401],
    ['envelope_expired', 401],
    ['origin_not_allowed', 403],
    ['pubkey_not_allowed', 403],
    ['server_misconfigured', 500],
    ['internal_error', 500],
  ])('rejects with the server code %s from problem+json', async (code, status) => {
    const server = fakeServer({
      script: {
        token: [
          {
            status,
            type: 'application/problem+json',
            body: problem(code, status, 'USER_API_KEY is not set.'),
          },
        ],
      },
    })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    const error = await provider().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserAuthError)
    expect(error).toMatchObject({
      code,
      status,
      detail: 'USER_API_KEY is not set.',
      name: 'UserAuthError',
    })
  })

  it('matches the problem+json media type case-insensitively with parameters', async () => {
    const server = fakeServer({
      script: {
        challenge: [
          {
            status: 403,
            type: 'Application/Problem+JSON; charset=utf-8',
            body: problem('pubkey_not_allowed', 403),
          },
        ],
      },
    })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    await expect(provider()).rejects.toMatchObject({ code: 'pubkey_not_allowed', status: 403 })
  })

  it('rejects with network_error when fetch throws', async () => {
    const server = fakeServer({ script: { challenge: ['throw'] } })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    const error = await provider().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'network_error' })
    expect((error as UserAuthError).status).toBeUndefined()
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })

  it('rejects with request_timeout when the server does not answer in time', async () => {
    const server = fakeServer({ script: { token: ['hang'] } })
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      timeoutMs: 50,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'request_timeout' })
  })

  it.each([
    ['a non-JSON 200', { body: '<html>oops</html>', type: 'text/html' }, 200],
    ['a 502 without a problem body', { status: 502, body: 'Bad Gateway', type: 'text/plain' }, 502],
    ['a 404 JSON body', { status: 404, body: { error: 'nope' } }, 404],
    [
      'problem+json with an unknown code',
      { status: 400, type: 'application/problem+json', body: problem('made_up', 400) },
      400,
    ],
    ['a JSON array', { body: [1, 2] }, 200],
  ])('rejects with bad_response for %s from /challenge', async (_, answer, status) => {
    const server = fakeServer({ script: { challenge: [answer] } })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    await expect(provider()).rejects.toMatchObject({ code: 'bad_response', status })
  })

  it('rejects with rate_limited for a 429 without a problem body', async () => {
    const server = fakeServer({
      script: { challenge: [{ status: 429, body: 'slow down', type: 'text/plain' }] },
    })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    await expect(provider()).rejects.toMatchObject({ code: 'rate_limited', status: 429 })
  })

  it.each([
    ['a challenge without envelope', 'challenge', { expiresAt: T0.toISOString() }],
    [
      'a challenge with a numeric envelope',
      'challenge',
      { envelope: 1, expiresAt: T0.toISOString() },
    ],
    ['a token answer without sig', 'token', { key: 'k', msg: T0.toISOString() }],
    ['a token answer whose msg is not a date', 'token', { key: 'k', sig: 's', msg: 'tomorrow' }],
    [
      'a token answer with token: null',
      'token',
      { key: 'k', sig: 's', msg: T0.toISOString(), token: null },
    ],
    ['a token answer with an empty key', 'token', { key: '', sig: 's', msg: T0.toISOString() }],
  ])('rejects with bad_response for %s', async (_, path, body) => {
    const server = fakeServer({ script: { [path]: [{ body }] } })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    await expect(provider()).rejects.toMatchObject({ code: 'bad_response', status: 200 })
  })

  it('never puts the server detail or credentials into the message', async () => {
    const server = fakeServer({
      script: {
        token: [
          {
            status: 500,
            type: 'application/problem+json',
            body: problem('internal_error', 500, 'secret-ish words'),
          },
        ],
      },
    })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    const error = (await provider().catch((e: unknown) => e)) as UserAuthError
    expect(error.message).not.toContain('secret-ish')
    expect(error.message).toBe('The token provider refused the login (internal_error)')
  })

  it('shares one login between concurrent callers', async () => {
    const server = fakeServer({ issuer: true })
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: () => T0,
    })
    const results = await Promise.all(Array.from({ length: 10 }, () => provider()))
    expect(server.state.calls).toEqual({ challenge: 1, token: 1 })
    expect(new Set(results.map((r) => r.sig))).toEqual(new Set(['bsig1']))
    expect(results[0]).not.toBe(results[1])
  })

  it('reuses the UserAuth while the API signature is fresh', async () => {
    const time = clock()
    const server = fakeServer({ issuer: true, now: time.now })
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: time.now,
    })
    await provider()
    time.advance(500_000)
    await expect(provider()).resolves.toMatchObject({ sig: 'bsig1' })
    expect(server.state.calls).toEqual({ challenge: 1, token: 1 })
  })

  it('refreshes within the default margin before expiry (30 s of a 600 s lifetime)', async () => {
    const time = clock()
    const server = fakeServer({ issuer: true, now: time.now })
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: time.now,
    })
    await provider()
    time.advance(569_000)
    await expect(provider()).resolves.toMatchObject({ sig: 'bsig1' })
    time.advance(2_000)
    const refreshed = await provider()
    expect(refreshed.sig).toBe('bsig2')
    expect(refreshed.msg).toBe(new Date(T0.getTime() + 571_000 + 600_000).toISOString())
    expect(server.state.calls).toEqual({ challenge: 2, token: 2 })
  })

  it('honours refreshMarginSeconds and refreshes after expiry', async () => {
    const time = clock()
    const server = fakeServer({ issuer: true, now: time.now, ttlSeconds: 120 })
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: time.now,
      refreshMarginSeconds: 50,
    })
    await provider()
    time.advance(69_000)
    await provider()
    expect(server.state.calls.token).toBe(1)
    time.advance(2_000)
    await provider()
    expect(server.state.calls.token).toBe(2)
    time.advance(3_600_000)
    await expect(provider()).resolves.toMatchObject({ sig: 'bsig3' })
  })

  it('caps the refresh margin at half the lifetime', async () => {
    const time = clock()
    const server = fakeServer({ issuer: true, now: time.now, ttlSeconds: 120 })
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      now: time.now,
      refreshMarginSeconds: 600,
    })
    await provider()
    time.advance(59_000)
    await provider()
    expect(server.state.calls.token).toBe(1)
    time.advance(1_000)
    await provider()
    expect(server.state.calls.token).toBe(2)
  })

  it('does not cache a failed login: the next call retries', async () => {
    const server = fakeServer({ issuer: true, script: { challenge: ['throw'] } })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    const [a, b] = await Promise.allSettled([provider(), provider()])
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'network_error' } })
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'network_error' } })
    await expect(provider()).resolves.toMatchObject({ sig: 'bsig1' })
    expect(server.state.calls.challenge).toBe(2)
  })

  it('rejects with sign_failed when the identity throws or returns no signature', async () => {
    const id = identity()
    for (const sign of [
      () => {
        throw new Error('user cancelled')
      },
      async () => new Uint8Array(10),
      () => 'not bytes' as unknown as Uint8Array,
    ]) {
      const server = fakeServer({ issuer: true })
      const provider = createUserAuthProvider({
        endpoint,
        identity: { public: id.public, sign },
        fetch: server.fetch,
      })
      await expect(provider()).rejects.toMatchObject({ code: 'sign_failed' })
      expect(server.state.calls.token).toBe(0)
    }
  })

  it('rejects with hub_url_required when the server sends no token and no hubUrl is set', async () => {
    const server = fakeServer({ issuer: false })
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch: server.fetch })
    await expect(provider()).rejects.toMatchObject({ code: 'hub_url_required' })
  })

  it.each([
    ['no options', undefined],
    ['no endpoint', { identity: identity() }],
    ['an empty endpoint', { endpoint: ' ', identity: identity() }],
    ['no identity', { endpoint }],
    ['an identity without sign', { endpoint, identity: { public: identity().public } }],
    ['a hubUrl that is not http(s)', { endpoint, identity: identity(), hubUrl: 'ws://hub' }],
    ['a fetch that is not a function', { endpoint, identity: identity(), fetch: 'fetch' }],
    ['storage without set', { endpoint, identity: identity(), storage: { get: () => null } }],
    [
      'a negative refreshMarginSeconds',
      { endpoint, identity: identity(), refreshMarginSeconds: -1 },
    ],
    ['a zero timeoutMs', { endpoint, identity: identity(), timeoutMs: 0 }],
    ['a now that is not a function', { endpoint, identity: identity(), now: T0 }],
    [
      'a prefetch that is neither a boolean nor eager',
      { endpoint, identity: identity(), prefetch: 'lazy' },
    ],
  ])('throws TypeError for %s', (_, options) => {
    expect(() => createUserAuthProvider(options as never)).toThrow(TypeError)
  })
})

describe('createUserAuthProvider() in hub-challenge mode', () => {
  let restore: () => void
  beforeAll(() => {
    restore = installWebSocket()
  })
  afterAll(() => restore())

  it('answers the hub GetToken challenge once and reuses the token on refresh', async () => {
    const hub = await fakeHub('ok')
    try {
      const id = identity()
      const time = clock()
      const server = fakeServer({ now: time.now })
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url + '/',
        fetch: server.fetch,
        now: time.now,
      })
      const [first, second] = await Promise.all([provider(), provider()])
      expect(first).toEqual({
        key: 'bkey',
        sig: 'bsig1',
        msg: expect.any(String),
        token: hubToken(1, id.public.toString()),
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
      expect(refreshed).toMatchObject({ sig: 'bsig2', token: hubToken(1, id.public.toString()) })
      expect(server.state.calls).toEqual({ challenge: 2, token: 2 })
      expect(hub.state.connections).toBe(1)
    } finally {
      await hub.close()
    }
  })

  it('writes the token to storage and a new provider reads it instead of asking the hub', async () => {
    const hub = await fakeHub('ok')
    try {
      const id = identity()
      const map = new Map<string, string>()
      const storage: TokenStorage = {
        get: async (key) => map.get(key),
        set: async (key, value) => void map.set(key, value),
      }
      const options = { endpoint, identity: id, hubUrl: hub.url, storage }
      await createUserAuthProvider({ ...options, fetch: fakeServer().fetch })()
      expect([...map]).toEqual([
        [
          `textile-token-provider:token:${hub.url} ${id.public.toString()}`,
          hubToken(1, id.public.toString()),
        ],
      ])
      const second = await createUserAuthProvider({ ...options, fetch: fakeServer().fetch })()
      expect(second.token).toBe(hubToken(1, id.public.toString()))
      expect(hub.state.connections).toBe(1)
    } finally {
      await hub.close()
    }
  })

  it('ignores junk and failures in storage', async () => {
    const hub = await fakeHub('ok')
    try {
      const storage: TokenStorage = {
        get: () => 'not a token',
        set: () => {
          throw new Error('QuotaExceededError')
        },
      }
      const id = identity()
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        storage,
        fetch: fakeServer().fetch,
      })
      await expect(provider()).resolves.toMatchObject({
        token: hubToken(1, id.public.toString()),
      })
    } finally {
      await hub.close()
    }
  })

  it('rejects with hub_error carrying the gRPC status and message', async () => {
    const hub = await fakeHub('unauthenticated')
    try {
      const provider = createUserAuthProvider({
        endpoint,
        identity: identity(),
        hubUrl: hub.url,
        fetch: fakeServer().fetch,
      })
      const error = await provider().catch((e: unknown) => e)
      expect(error).toMatchObject({
        code: 'hub_error',
        grpcStatus: 16,
        grpcMessage: 'Bad API key signature',
      })
      expect((error as Error).message).not.toContain('bsig')
      await expect(provider()).rejects.toMatchObject({ code: 'hub_error' })
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })

  it('rejects with hub_error when the hub closes without a status', async () => {
    const hub = await fakeHub('no-trailers')
    try {
      const provider = createUserAuthProvider({
        endpoint,
        identity: identity(),
        hubUrl: hub.url,
        fetch: fakeServer().fetch,
      })
      const error = (await provider().catch((e: unknown) => e)) as UserAuthError
      expect(error).toMatchObject({ code: 'hub_error' })
      expect(error.grpcStatus).toBeUndefined()
    } finally {
      await hub.close()
    }
  })

  it('rejects with hub_unreachable when the hub is unreachable', async () => {
    const hub = await fakeHub('ok')
    await hub.close()
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      hubUrl: hub.url,
      fetch: fakeServer().fetch,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'hub_unreachable' })
  })

  it('rejects with hub_timeout when the hub never answers, then retries', async () => {
    const hub = await fakeHub('silent')
    try {
      const provider = createUserAuthProvider({
        endpoint,
        identity: identity(),
        hubUrl: hub.url,
        fetch: fakeServer().fetch,
        timeoutMs: 200,
      })
      await expect(provider()).rejects.toMatchObject({ code: 'hub_timeout' })
      await expect(provider()).rejects.toMatchObject({ code: 'hub_timeout' })
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })
})

// A synchronous Ed25519 signer over the same key (node:crypto), as a wallet adapter might expose.
function signSync(id: ReturnType<typeof identity>, bytes: Uint8Array): Uint8Array {
  const seed = id.bytes.slice(4, 36)
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed])
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
  return new Uint8Array(cryptoSign(null, bytes, key))
}
