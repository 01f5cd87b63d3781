// The verify entry against tokens and key sets from the real /api/jwt and /api/jwks handlers (the
// Deno side is test/verify/deno.e2e.test.ts): each refusal with its code, the key set's cache
// (single flight, one refetch per rotation, cooldown, ETag, stale copy on outage), the algorithm
// pinning, and tokens read from Requests with the cookie's CSRF rule.
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  SignJWT,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose'
import { describe, expect, it } from 'vitest'
import { createJwtVerifier, type JwtVerifierOptions } from '../../src/verify/index.ts'
import { NOW } from '../helpers/clock.ts'
import { SITE } from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'
import {
  AUDIENCE,
  eddsaSigningKey,
  EDDSA_KEY,
  EDDSA_SEED_B64URL,
  ES256_D,
  HS256_SECRET,
  jwksFetch,
  jwtDeployment,
  mint,
  TTL,
  type JwtDeployment,
} from '../helpers/jwt-deployment.ts'

/** A deployment minting EdDSA tokens for AUDIENCE, and a verifier of its JWKS over a counting fetch. */
function setup(env: Record<string, string> = {}, options: Partial<JwtVerifierOptions> = {}) {
  const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_AUDIENCE: AUDIENCE, ...env })
  const jwks = jwksFetch(t)
  const verifier = createJwtVerifier({
    jwksUrl: jwks.url,
    fetch: jwks.fetch,
    issuer: SITE,
    audience: AUDIENCE,
    now: () => t.d.clock.now,
    ...options,
  } as JwtVerifierOptions)
  return { t, jwks, verifier }
}

const later = (t: JwtDeployment, seconds: number) => {
  t.d.clock.now = new Date(NOW.getTime() + seconds * 1000)
}

async function kidOf(t: JwtDeployment): Promise<string> {
  return decodeProtectedHeader(await mint(t)).kid!
}

/** Claims as the minter writes them, at NOW. */
function claims(extra: JWTPayload = {}): JWTPayload {
  const iat = NOW.getTime() / 1000
  return {
    iss: SITE,
    sub: identity().public.toString(),
    aud: AUDIENCE,
    iat,
    exp: iat + TTL,
    ...extra,
  }
}

describe('createJwtVerifier()', () => {
  it('verifies an EdDSA JWT from /api/jwt against /api/jwks and reports the account', async () => {
    const { t, verifier, jwks } = setup()
    const id = identity()
    const token = await mint(t, id)
    const result = await verifier.verify(token)
    expect(result).toMatchObject({
      account: id.public.toString(),
      device: id.public.toString(),
      linked: false,
      header: { alg: 'EdDSA', typ: 'ttp+jwt' },
      claims: { iss: SITE, aud: AUDIENCE, sub: id.public.toString() },
    })
    expect(jwks.state.calls).toBe(1)
  })

  it('verifies ES256 JWTs (JWT_ES256_KEY) from the same kind of key set', async () => {
    const { t, verifier } = setup({ JWT_EDDSA_KEY: '', JWT_ES256_KEY: ES256_D })
    const token = await mint(t)
    expect(decodeProtectedHeader(token).alg).toBe('ES256')
    await expect(verifier.verify(token)).resolves.toMatchObject({ header: { alg: 'ES256' } })
  })

  it('verifies HS256 JWTs with the shared secret', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET, JWT_AUDIENCE: AUDIENCE })
    const verifier = createJwtVerifier({
      secret: HS256_SECRET,
      issuer: SITE,
      audience: AUDIENCE,
      now: () => t.d.clock.now,
    })
    const id = identity()
    await expect(verifier.verify(await mint(t, id))).resolves.toMatchObject({
      account: id.public.toString(),
      header: { alg: 'HS256' },
    })
  })

  it('verifies with a key set from an environment variable, with no network at all', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_AUDIENCE: AUDIENCE })
    const text = await (await t.jwks(new Request(SITE + '/api/jwks'))).text()
    const verifier = createJwtVerifier({
      jwks: text,
      fetch: () => Promise.reject(new Error('no network')),
      issuer: SITE,
      audience: AUDIENCE,
      now: () => t.d.clock.now,
    })
    await expect(verifier.verify(await mint(t))).resolves.toMatchObject({ linked: false })
    const object = createJwtVerifier({
      jwks: JSON.parse(text) as JSONWebKeySet,
      issuer: SITE,
      audience: AUDIENCE,
      now: () => t.d.clock.now,
    })
    await expect(object.verify(await mint(t))).resolves.toMatchObject({ linked: false })
  })

  it('reports the account and the device of a token from a linked device (act.sub, RFC 8693)', async () => {
    const { t, verifier } = setup()
    const account = identity().public.toString()
    const device = identity().public.toString()
    const token = await new SignJWT(claims({ sub: account, act: { sub: device } }))
      .setProtectedHeader({ alg: 'EdDSA', kid: await kidOf(t), typ: 'ttp+jwt' })
      .sign(await eddsaSigningKey())
    await expect(verifier.verify(token)).resolves.toMatchObject({ account, device, linked: true })
  })

  it.each([
    ['act is not an object', 'x'],
    ['act has no sub', {}],
    ['act.sub is empty', { sub: '' }],
  ])('throws jwt_invalid when %s', async (_case, act) => {
    const { t, verifier } = setup()
    const token = await new SignJWT(claims({ act }))
      .setProtectedHeader({ alg: 'EdDSA', kid: await kidOf(t), typ: 'ttp+jwt' })
      .sign(await eddsaSigningKey())
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwt_invalid' })
  })

  it('accepts an Ed25519 key under both alg names: header Ed25519 (RFC 9864) with a JWK that says EdDSA', async () => {
    const { t, verifier } = setup()
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'Ed25519', kid: await kidOf(t), typ: 'ttp+jwt' })
      .sign(await eddsaSigningKey())
    await expect(verifier.verify(token)).resolves.toMatchObject({ header: { alg: 'Ed25519' } })
  })

  it('accepts header EdDSA with a JWK that says Ed25519', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_AUDIENCE: AUDIENCE })
    const set = (await (await t.jwks(new Request(SITE + '/api/jwks'))).json()) as JSONWebKeySet
    const verifier = createJwtVerifier({
      jwks: { keys: set.keys.map((key) => ({ ...key, alg: 'Ed25519' })) },
      issuer: SITE,
      audience: AUDIENCE,
      now: () => t.d.clock.now,
    })
    await expect(verifier.verify(await mint(t))).resolves.toMatchObject({
      header: { alg: 'EdDSA' },
    })
  })

  describe('refusals', () => {
    it('throws jwt_invalid for a tampered payload', async () => {
      const { t, verifier } = setup()
      const [header, payload, signature] = (await mint(t)).split('.')
      const forged = base64url.encode(
        JSON.stringify({
          ...JSON.parse(new TextDecoder().decode(base64url.decode(payload!))),
          sub: 'x',
        }),
      )
      await expect(verifier.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject({
        code: 'jwt_invalid',
      })
    })

    it('throws jwt_invalid for a flipped signature bit', async () => {
      const { t, verifier } = setup()
      const token = await mint(t)
      const flipped = token.slice(0, -5) + (token.at(-5) === 'A' ? 'B' : 'A') + token.slice(-4)
      await expect(verifier.verify(flipped)).rejects.toMatchObject({ code: 'jwt_invalid' })
    })

    it('throws jwt_expired past exp plus the tolerance', async () => {
      const { t, verifier } = setup()
      const token = await mint(t)
      later(t, TTL + 31)
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwt_expired' })
    })

    it('throws jwt_audience for a token minted for another service', async () => {
      const { t, verifier } = setup({ JWT_AUDIENCE: 'https://other.example' })
      await expect(verifier.verify(await mint(t))).rejects.toMatchObject({ code: 'jwt_audience' })
    })

    it('throws jwt_issuer for a token of another issuer', async () => {
      const { t, verifier } = setup({ JWT_ISSUER: 'https://elsewhere.example' })
      await expect(verifier.verify(await mint(t))).rejects.toMatchObject({ code: 'jwt_issuer' })
    })

    it('throws jwt_invalid for alg none', async () => {
      const { t, verifier } = setup()
      const [, payload] = (await mint(t)).split('.')
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'ttp+jwt' }))
      await expect(verifier.verify(`${header}.${payload}.`)).rejects.toMatchObject({
        code: 'jwt_invalid',
      })
    })

    it('throws jwt_invalid for HS256 signed with the public key (raw, and as the JWK text)', async () => {
      const { t, verifier } = setup()
      const set = (await (await t.jwks(new Request(SITE + '/api/jwks'))).json()) as JSONWebKeySet
      const [jwk] = set.keys
      const publics = [base64url.decode(jwk!.x!), new TextEncoder().encode(JSON.stringify(jwk))]
      for (const secret of publics) {
        const token = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', kid: jwk!.kid, typ: 'ttp+jwt' })
          .sign(secret)
        await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwt_invalid' })
      }
    })

    it('throws jwt_invalid for an EdDSA token given to an HS256 verifier', async () => {
      const { t } = setup()
      const verifier = createJwtVerifier({
        secret: HS256_SECRET,
        issuer: SITE,
        audience: AUDIENCE,
        now: () => t.d.clock.now,
      })
      await expect(verifier.verify(await mint(t))).rejects.toMatchObject({ code: 'jwt_invalid' })
    })

    it('throws jwt_invalid for a key the set lacks (another minter)', async () => {
      const { verifier } = setup()
      const other = setup({ JWT_EDDSA_KEY: EDDSA_SEED_B64URL })
      await expect(verifier.verify(await mint(other.t))).rejects.toMatchObject({
        code: 'jwt_invalid',
      })
    })

    it('throws jwt_invalid for another typ (a link, say), and accepts any with type: false', async () => {
      const { t, verifier } = setup({ JWT_TYPE: 'ttp-link+jwt' })
      const token = await mint(t)
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwt_invalid' })
      const any = createJwtVerifier({
        jwks: await (await t.jwks(new Request(SITE + '/api/jwks'))).text(),
        issuer: SITE,
        audience: AUDIENCE,
        type: false,
        now: () => t.d.clock.now,
      })
      await expect(any.verify(token)).resolves.toBeDefined()
    })

    it.each([
      ['garbage', 'not a token'],
      ['two parts', 'a.b'],
      ['an empty string', ''],
      ['a token over 8 KiB', `${'a'.repeat(8192)}.b.c`],
    ])('throws jwt_invalid for %s', async (_case, token) => {
      const { verifier } = setup()
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwt_invalid' })
    })

    it('throws jwt_invalid for a token without sub', async () => {
      const { t, verifier } = setup()
      const { sub: _sub, ...rest } = claims()
      const token = await new SignJWT(rest)
        .setProtectedHeader({ alg: 'EdDSA', kid: await kidOf(t), typ: 'ttp+jwt' })
        .sign(await eddsaSigningKey())
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwt_invalid' })
    })
  })

  describe('clock skew', () => {
    it('passes a token up to 30 s past exp (the verifier runs ahead) and refuses it after', async () => {
      const { t, verifier } = setup()
      const token = await mint(t)
      later(t, TTL + 29)
      await expect(verifier.verify(token)).resolves.toBeDefined()
      later(t, TTL + 31)
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwt_expired' })
    })

    it('passes a token issued up to 30 s in its future (the verifier runs behind) and refuses one further', async () => {
      const { t, verifier } = setup()
      const token = await mint(t)
      later(t, -29)
      await expect(verifier.verify(token)).resolves.toBeDefined()
      later(t, -31)
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwt_invalid' })
    })

    it('takes clockToleranceSeconds', async () => {
      const { t, verifier } = setup({}, { clockToleranceSeconds: 120 })
      const token = await mint(t)
      later(t, TTL + 119)
      await expect(verifier.verify(token)).resolves.toBeDefined()
      later(t, -119)
      await expect(verifier.verify(token)).resolves.toBeDefined()
    })
  })

  describe('the key set cache', () => {
    it('fetches the key set once for 100 verifications, one after another', async () => {
      const { t, verifier, jwks } = setup()
      const tokens = await Promise.all(Array.from({ length: 100 }, () => mint(t)))
      for (const token of tokens) await verifier.verify(token)
      expect(jwks.state.calls).toBe(1)
    })

    it('fetches it once for 100 concurrent verifications (single flight)', async () => {
      const { t, verifier, jwks } = setup()
      const tokens = await Promise.all(Array.from({ length: 100 }, () => mint(t)))
      await Promise.all(tokens.map((token) => verifier.verify(token)))
      expect(jwks.state.calls).toBe(1)
    })

    it('shares the key set of one URL between verifiers (module scope)', async () => {
      const { t, jwks } = setup()
      const make = () =>
        createJwtVerifier({
          jwksUrl: jwks.url,
          fetch: jwks.fetch,
          issuer: SITE,
          audience: AUDIENCE,
          now: () => t.d.clock.now,
        })
      const token = await mint(t)
      await make().verify(token)
      await make().verify(token)
      expect(jwks.state.calls).toBe(1)
    })

    it('verifies a rotated-in key after exactly one refetch', async () => {
      const { t, verifier, jwks } = setup()
      await verifier.verify(await mint(t))
      expect(jwks.state.calls).toBe(1)
      // The deploy that rotates: the new key signs, the old one stays published.
      t.d.env.JWT_EDDSA_KEY = `${EDDSA_SEED_B64URL}, ${EDDSA_KEY}`
      later(t, 60)
      const rotated = await mint(t)
      await expect(verifier.verify(rotated)).resolves.toBeDefined()
      expect(jwks.state.calls).toBe(2)
      await verifier.verify(rotated)
      await verifier.verify(await mint(t))
      expect(jwks.state.calls).toBe(2)
    })

    it('refetches for an unknown kid at most once per cooldown', async () => {
      const { t, verifier, jwks } = setup()
      const stranger = setup({ JWT_EDDSA_KEY: EDDSA_SEED_B64URL })
      const unknown = await mint(stranger.t)
      await verifier.verify(await mint(t))
      later(t, 10)
      await expect(verifier.verify(unknown)).rejects.toMatchObject({ code: 'jwt_invalid' })
      expect(jwks.state.calls).toBe(1) // 10 s after the fetch: within the cooldown
      later(t, 40)
      for (let i = 0; i < 5; i++) {
        await expect(verifier.verify(unknown)).rejects.toMatchObject({ code: 'jwt_invalid' })
      }
      expect(jwks.state.calls).toBe(2) // one refetch, then the cooldown again
    })

    it('does not refetch for unknown kids within a cooldown after a failed refetch', async () => {
      const { t, verifier, jwks } = setup()
      const unknown = await mint(setup({ JWT_EDDSA_KEY: EDDSA_SEED_B64URL }).t)
      await verifier.verify(await mint(t))
      jwks.state.fail = true
      later(t, 60)
      await expect(verifier.verify(unknown)).rejects.toMatchObject({ code: 'jwks_unavailable' })
      expect(jwks.state.calls).toBe(2)
      later(t, 70)
      for (let i = 0; i < 5; i++) {
        await expect(verifier.verify(unknown)).rejects.toMatchObject({ code: 'jwt_invalid' })
      }
      expect(jwks.state.calls).toBe(2)
    })

    it('fetches again after the max age, and a 304 to its If-None-Match keeps the set', async () => {
      const { t, verifier, jwks } = setup()
      const token = await mint(t)
      await verifier.verify(token)
      later(t, 299)
      await verifier.verify(token)
      expect(jwks.state.statuses).toEqual([200])
      later(t, 301)
      await verifier.verify(token)
      expect(jwks.state.statuses).toEqual([200, 304])
      later(t, 400)
      await verifier.verify(token)
      expect(jwks.state.statuses).toEqual([200, 304])
    })

    it('keeps using the old set for one more max age when a refresh fails, then throws jwks_unavailable', async () => {
      const { t, verifier, jwks } = setup()
      const token = await mint(t)
      await verifier.verify(token)
      jwks.state.fail = true
      later(t, 301)
      await expect(verifier.verify(token)).resolves.toBeDefined()
      expect(jwks.state.calls).toBe(2)
      later(t, 310) // within the cooldown after the failure: no new attempt
      await verifier.verify(token)
      expect(jwks.state.calls).toBe(2)
      later(t, 601)
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'jwks_unavailable' })
      jwks.state.fail = false
      await expect(verifier.verify(token)).resolves.toBeDefined()
    })

    it.each([
      ['the fetch fails', { fail: true }],
      ['the answer is 500', { status: 500 }],
      ['the answer is not JSON', { text: '<html>' }],
      ['the answer is not a key set', { text: '{"keys": {}}' }],
      [
        'the key set holds a private key',
        { text: '{"keys": [{"kty":"OKP","crv":"Ed25519","x":"AA","d":"AA"}]}' },
      ],
    ])('throws jwks_unavailable when %s', async (_case, fault) => {
      const { t } = setup()
      const verifier = createJwtVerifier({
        jwksUrl: `${SITE}/jwks/${crypto.randomUUID()}`,
        fetch: async () => {
          if ('fail' in fault) throw new TypeError('fetch failed')
          return new Response('text' in fault ? fault.text : '{}', {
            status: 'status' in fault ? fault.status : 200,
          })
        },
        issuer: SITE,
        audience: AUDIENCE,
        now: () => t.d.clock.now,
      })
      await expect(verifier.verify(await mint(t))).rejects.toMatchObject({
        code: 'jwks_unavailable',
        status: 503,
      })
    })

    it('tries each matching key for a token without kid', async () => {
      const t = jwtDeployment({
        JWT_EDDSA_KEY: `${EDDSA_SEED_B64URL}, ${EDDSA_KEY}`,
        JWT_AUDIENCE: AUDIENCE,
      })
      const verifier = createJwtVerifier({
        jwks: await (await t.jwks(new Request(SITE + '/api/jwks'))).text(),
        issuer: SITE,
        audience: AUDIENCE,
        now: () => t.d.clock.now,
      })
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'EdDSA', typ: 'ttp+jwt' })
        .sign(await eddsaSigningKey()) // the second key of the set
      await expect(verifier.verify(token)).resolves.toBeDefined()
      const expired = await new SignJWT(claims({ exp: NOW.getTime() / 1000 - 60 }))
        .setProtectedHeader({ alg: 'EdDSA', typ: 'ttp+jwt' })
        .sign(await eddsaSigningKey())
      await expect(verifier.verify(expired)).rejects.toMatchObject({ code: 'jwt_expired' })
    })
  })

  describe('verify(request)', () => {
    const cookie = (token: string) => `theme=dark; __Host-ttp-session=${token}; other=1`

    it('reads Authorization: Bearer', async () => {
      const { t, verifier } = setup()
      const id = identity()
      const request = new Request(SITE + '/data', {
        headers: { authorization: `Bearer ${await mint(t, id)}` },
      })
      await expect(verifier.verify(request)).resolves.toMatchObject({
        account: id.public.toString(),
      })
    })

    it('reads the session cookie on GET', async () => {
      const { t, verifier } = setup()
      const request = new Request(SITE + '/members/', {
        headers: { cookie: cookie(await mint(t)) },
      })
      await expect(verifier.verify(request)).resolves.toBeDefined()
    })

    it('prefers the bearer token to the cookie', async () => {
      const { t, verifier } = setup()
      const request = new Request(SITE + '/data', {
        headers: { authorization: 'Bearer not.a.token', cookie: cookie(await mint(t)) },
      })
      await expect(verifier.verify(request)).rejects.toMatchObject({ code: 'jwt_invalid' })
    })

    it('throws jwt_missing without either', async () => {
      const { verifier } = setup()
      const request = new Request(SITE + '/data', {
        headers: { authorization: 'Basic dXNlcjpwYXNz', cookie: 'theme=dark' },
      })
      await expect(verifier.verify(request)).rejects.toMatchObject({
        code: 'jwt_missing',
        status: 401,
      })
    })

    it('ignores the cookie with cookie: false', async () => {
      const { t, verifier } = setup({}, { cookie: false })
      const request = new Request(SITE + '/data', { headers: { cookie: cookie(await mint(t)) } })
      await expect(verifier.verify(request)).rejects.toMatchObject({ code: 'jwt_missing' })
    })

    it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
      'throws origin_not_allowed for the cookie on %s without an Origin or with another one',
      async (method) => {
        const { t, verifier } = setup()
        const token = await mint(t)
        for (const headers of [
          {},
          { origin: 'https://evil.example' },
          { origin: 'null' },
        ] as Record<string, string>[]) {
          const request = new Request(SITE + '/data', {
            method,
            headers: { cookie: cookie(token), ...headers },
          })
          await expect(verifier.verify(request)).rejects.toMatchObject({
            code: 'origin_not_allowed',
            status: 403,
          })
        }
      },
    )

    it('accepts the cookie on POST from its own origin or an allowed one', async () => {
      const { t, verifier } = setup({}, { allowedOrigins: ['https://app.example'] })
      const token = await mint(t)
      for (const origin of [SITE, 'https://app.example']) {
        const request = new Request(SITE + '/data', {
          method: 'POST',
          headers: { cookie: cookie(token), origin },
        })
        await expect(verifier.verify(request)).resolves.toBeDefined()
      }
    })

    it('accepts a bearer token on POST without an Origin (not ambient: no CSRF)', async () => {
      const { t, verifier } = setup()
      const request = new Request(SITE + '/data', {
        method: 'POST',
        headers: { authorization: `Bearer ${await mint(t)}` },
      })
      await expect(verifier.verify(request)).resolves.toBeDefined()
    })
  })

  describe('options', () => {
    const base = { issuer: SITE, audience: AUDIENCE }
    it.each([
      ['no key source', { ...base }],
      ['two key sources', { ...base, secret: HS256_SECRET, jwks: { keys: [] } }],
      ['no issuer', { audience: AUDIENCE, secret: HS256_SECRET }],
      ['no audience', { issuer: SITE, secret: HS256_SECRET }],
      ['an empty audience list', { ...base, audience: [], secret: HS256_SECRET }],
      ['HS256 with a key set', { ...base, jwksUrl: SITE + '/jwks', algorithms: ['HS256'] }],
      ['EdDSA with a secret', { ...base, secret: HS256_SECRET, algorithms: ['EdDSA'] }],
      ['alg none', { ...base, jwksUrl: SITE + '/jwks', algorithms: ['none'] }],
      ['no algorithm', { ...base, jwksUrl: SITE + '/jwks', algorithms: [] }],
      ['a short secret', { ...base, secret: 'short' }],
      ['a plain-http key set URL', { ...base, jwksUrl: 'http://site.example/jwks' }],
      ['a negative tolerance', { ...base, secret: HS256_SECRET, clockToleranceSeconds: -1 }],
      ['a key set that is not one', { ...base, jwks: '{"keys": 1}' }],
    ])('throws TypeError for %s', (_case, options) => {
      expect(() => createJwtVerifier(options as unknown as JwtVerifierOptions)).toThrow(TypeError)
    })

    it('takes a plain-http key set URL on loopback', () => {
      expect(() =>
        createJwtVerifier({ ...base, jwksUrl: 'http://127.0.0.1:8888/.well-known/jwks.json' }),
      ).not.toThrow()
    })
  })

  it('never echoes the token in its errors', async () => {
    const { t, verifier } = setup({ JWT_AUDIENCE: 'https://other.example' })
    const token = await mint(t)
    const error = await verifier.verify(token).catch((e: unknown) => e)
    expect(String(error)).not.toContain(token.split('.')[1]!)
    expect(decodeJwt(token).aud).toBe('https://other.example')
  })
})
