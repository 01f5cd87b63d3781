import { PrivateKey } from '@textile/hub'
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
} from 'jose'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/index.ts'
import { NOW } from '../helpers/clock.ts'
import {
  SECRETS,
  SITE,
  challengeFor,
  post,
  problem,
  signedBody,
  signEnvelope,
} from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'
import {
  EDDSA_KEY,
  EDDSA_SEED,
  EDDSA_SEED_B64URL,
  ES256_D,
  ES256_D_2,
  HS256_SECRET,
  jwtDeployment,
} from '../helpers/jwt-deployment.ts'

const secretKey = new TextEncoder().encode(HS256_SECRET)

describe('POST /api/jwt', () => {
  it('mints an HS256 JWT that jose verifies, with kid, typ, sub, iss, aud, iat, exp and jti', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const id = identity()
    const response = await t.jwt(post('/api/jwt', await signedBody(t.d, id)))
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = await response.json()
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'token'])
    const { payload, protectedHeader } = await jwtVerify(body.token, secretKey, {
      currentDate: NOW,
      algorithms: ['HS256'],
      issuer: SITE,
      audience: SITE,
      subject: id.public.toString(),
      typ: 'ttp+jwt',
    })
    expect(protectedHeader).toEqual({
      alg: 'HS256',
      kid: expect.stringMatching(/^[\w-]{8}$/),
      typ: 'ttp+jwt',
    })
    expect(payload).toEqual({
      iss: SITE,
      aud: SITE,
      sub: id.public.toString(),
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 900,
      jti: expect.stringMatching(/^[\w-]{22}$/),
    })
    expect(body.expiresAt).toBe(new Date(NOW.getTime() + 900_000).toISOString())
  })

  it('never mints a JWT without aud: the issuer when JWT_AUDIENCE is unset (RFC 8725 §3.9)', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET, JWT_ISSUER: 'https://auth.example' })
    const { token } = await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()
    expect(decodeJwt(token).aud).toBe('https://auth.example')
  })

  it('throws server_misconfigured naming JWT_ISSUER without JWT_ISSUER or a site URL, whatever the Host', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const body = await signedBody(t.d)
    t.d.env.URL = undefined
    const request = new Request('https://attacker.example/api/jwt', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const response = await t.jwt(request)
    expect(await problem(response)).toMatchObject({ code: 'server_misconfigured' })
    expect((await t.jwt(post('/api/jwt', body))).status).toBe(500)
    expect(t.d.logs.at(-1)).toMatchObject({ code: 'server_misconfigured' })
  })

  it("takes iss from the deploy's site URL (context.site.url) when URL is unset", async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const body = await signedBody(t.d)
    t.d.env.URL = undefined
    const context = { site: { url: 'https://site.example' }, deploy: { context: 'production' } }
    const response = await t.jwt(post('/api/jwt', body), context)
    expect(response.status).toBe(200)
    const { token } = await response.json()
    expect(decodeJwt(token)).toMatchObject({ iss: SITE, aud: SITE })
  })

  it('writes JWT_TYPE into typ, and refuses a JWT_TYPE that is not a type name', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET, JWT_TYPE: 'JWT' })
    const { token } = await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()
    expect(decodeProtectedHeader(token).typ).toBe('JWT')
    t.d.env.JWT_TYPE = 'a b'
    const response = await t.jwt(post('/api/jwt', await signedBody(t.d)))
    expect(await problem(response)).toMatchObject({
      code: 'server_misconfigured',
      detail: expect.stringContaining('JWT_TYPE'),
    })
  })

  it('derives a stable kid from the secret and a fresh jti per token', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const first = (await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()).token
    const second = (await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()).token
    expect(decodeProtectedHeader(first).kid).toBe(decodeProtectedHeader(second).kid)
    const other = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET + 'x' })
    const third = (await (await other.jwt(post('/api/jwt', await signedBody(other.d)))).json())
      .token
    expect(decodeProtectedHeader(third).kid).not.toBe(decodeProtectedHeader(first).kid)
    const jti = async (token: string) =>
      (await jwtVerify(token, secretKey, { currentDate: NOW })).payload.jti
    expect(await jti(first)).not.toBe(await jti(second))
  })

  it('adds JWT_CLAIMS, JWT_AUDIENCE, JWT_ISSUER and JWT_TTL_SECONDS', async () => {
    const t = jwtDeployment({
      JWT_HS256_SECRET: HS256_SECRET,
      JWT_CLAIMS: '{"role":"member","scopes":["read","write"]}',
      JWT_AUDIENCE: 'https://api.hivekit.example, https://other.example',
      JWT_ISSUER: 'https://auth.example',
      JWT_TTL_SECONDS: '60',
    })
    const { token } = await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()
    const { payload } = await jwtVerify(token, secretKey, {
      currentDate: NOW,
      issuer: 'https://auth.example',
      audience: 'https://api.hivekit.example',
    })
    expect(payload).toMatchObject({
      role: 'member',
      scopes: ['read', 'write'],
      aud: ['https://api.hivekit.example', 'https://other.example'],
      exp: NOW.getTime() / 1000 + 60,
    })
  })

  it('mints an EdDSA JWT that verifies against the served JWKS', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_AUDIENCE: 'svc' })
    const id = identity()
    const { token } = await (await t.jwt(post('/api/jwt', await signedBody(t.d, id)))).json()
    const jwksResponse = await t.jwks(new Request(SITE + '/.well-known/jwks.json'))
    expect(jwksResponse.status).toBe(200)
    expect(jwksResponse.headers.get('content-type')).toBe('application/jwk-set+json')
    expect(jwksResponse.headers.get('access-control-allow-origin')).toBe('*')
    const jwks = (await jwksResponse.json()) as JSONWebKeySet
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      currentDate: NOW,
      algorithms: ['EdDSA'],
      audience: 'svc',
    })
    expect(payload.sub).toBe(id.public.toString())
    const [key] = jwks.keys
    expect(key).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.from(PrivateKey.fromRawEd25519Seed(EDDSA_SEED).public.pubKey).toString('base64url'),
      kid: protectedHeader.kid,
      alg: 'EdDSA',
      use: 'sig',
    })
    expect(protectedHeader.kid).toBe(await calculateJwkThumbprint(key!))
  })

  it('accepts a base64url seed as JWT_EDDSA_KEY', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_SEED_B64URL })
    const { token } = await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()
    const jwks = await (await t.jwks(new Request(SITE + '/api/jwks'))).json()
    await expect(
      jwtVerify(token, createLocalJWKSet(jwks), { currentDate: NOW }),
    ).resolves.toMatchObject({ protectedHeader: { alg: 'EdDSA' } })
  })

  it('signs with the first JWT_EDDSA_KEY item and publishes all of them', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: `${EDDSA_SEED_B64URL}, ${EDDSA_KEY}` })
    const { token } = await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()
    const jwks = await (await t.jwks(new Request(SITE + '/api/jwks'))).json()
    expect(jwks.keys).toHaveLength(2)
    expect(decodeProtectedHeader(token).kid).toBe(jwks.keys[0].kid)
  })

  it('mints an ES256 JWT with JWT_ES256_KEY alone, which jose verifies against the served JWKS', async () => {
    const t = jwtDeployment({ JWT_ES256_KEY: ES256_D })
    const id = identity()
    const { token } = await (await t.jwt(post('/api/jwt', await signedBody(t.d, id)))).json()
    const jwks = (await (await t.jwks(new Request(SITE + '/api/jwks'))).json()) as JSONWebKeySet
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      currentDate: NOW,
      algorithms: ['ES256'],
      issuer: SITE,
      audience: SITE,
      typ: 'ttp+jwt',
    })
    expect(payload.sub).toBe(id.public.toString())
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: jwks.keys[0]!.kid })
    expect(jwks.keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: expect.stringMatching(/^[\w-]{43}$/),
        y: expect.stringMatching(/^[\w-]{43}$/),
        kid: await calculateJwkThumbprint(jwks.keys[0]!),
        alg: 'ES256',
        use: 'sig',
      },
    ])
    // The public point is the one of d (jose derives it independently from the private JWK).
    const { x, y } = jwks.keys[0]!
    const priv = await importJWK({ kty: 'EC', crv: 'P-256', x, y, d: ES256_D }, 'ES256')
    const again = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).sign(priv)
    await expect(jwtVerify(again, createLocalJWKSet(jwks))).resolves.toBeDefined()
  })

  it('signs with EdDSA beside an ES256 key, and with ES256 when JWT_ALG says so; both keys published', async () => {
    const env = { JWT_EDDSA_KEY: EDDSA_KEY, JWT_ES256_KEY: `${ES256_D}, ${ES256_D_2}` }
    const t = jwtDeployment(env)
    const jwks = (await (await t.jwks(new Request(SITE + '/api/jwks'))).json()) as JSONWebKeySet
    expect(jwks.keys.map((key) => key.alg)).toEqual(['EdDSA', 'ES256', 'ES256'])
    const eddsa = await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()
    expect(decodeProtectedHeader(eddsa.token)).toMatchObject({
      alg: 'EdDSA',
      kid: jwks.keys[0]!.kid,
    })
    t.d.env.JWT_ALG = 'ES256'
    const es256 = await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()
    expect(decodeProtectedHeader(es256.token)).toMatchObject({
      alg: 'ES256',
      kid: jwks.keys[1]!.kid,
    })
    for (const { token } of [eddsa, es256]) {
      await expect(
        jwtVerify(token, createLocalJWKSet(jwks), { currentDate: NOW, audience: SITE }),
      ).resolves.toBeDefined()
    }
  })

  it('sets no cookie unless JWT_SESSION_COOKIE=true', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const response = await t.jwt(post('/api/jwt', await signedBody(t.d)))
    expect(response.status).toBe(200)
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it('sets the JWT as an HttpOnly, Secure, SameSite=Lax __Host- cookie for its lifetime with JWT_SESSION_COOKIE=true', async () => {
    const t = jwtDeployment({
      JWT_EDDSA_KEY: EDDSA_KEY,
      JWT_SESSION_COOKIE: 'true',
      JWT_TTL_SECONDS: '600',
    })
    const response = await t.jwt(post('/api/jwt', await signedBody(t.d)))
    const { token } = await response.json()
    expect(response.headers.get('set-cookie')).toBe(
      `__Host-ttp-session=${token}; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax`,
    )
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('throws invalid_envelope for a tampered envelope', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const id = identity()
    const body = await signedBody(t.d, id)
    const flipped =
      body.envelope.slice(0, -2) + (body.envelope.at(-2) === 'A' ? 'B' : 'A') + body.envelope.at(-1)
    const response = await t.jwt(
      post('/api/jwt', { envelope: flipped, signature: await signEnvelope(id, flipped) }),
    )
    expect(response.status).toBe(401)
    expect(await problem(response)).toMatchObject({ code: 'invalid_envelope' })
  })

  it('throws invalid_signature for another key', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const envelope = await challengeFor(t.d, identity())
    const signature = await signEnvelope(identity(), envelope)
    const response = await t.jwt(post('/api/jwt', { envelope, signature }))
    expect(response.status).toBe(401)
    expect(await problem(response)).toMatchObject({ code: 'invalid_signature' })
  })

  it('throws envelope_expired when now is past the envelope expiry', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const body = await signedBody(t.d)
    t.d.clock.now = new Date(NOW.getTime() + 120_000)
    const response = await t.jwt(post('/api/jwt', body))
    expect(await problem(response)).toMatchObject({ code: 'envelope_expired', status: 401 })
  })

  it('throws origin_not_allowed when the envelope was issued to another origin', async () => {
    const t = jwtDeployment({
      JWT_HS256_SECRET: HS256_SECRET,
      ALLOWED_ORIGINS: 'https://app.example',
    })
    const body = await signedBody(t.d, identity(), { origin: 'https://app.example' })
    const response = await t.jwt(post('/api/jwt', body, { origin: SITE }))
    expect(response.status).toBe(403)
    expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed' })
  })

  it('throws origin_not_allowed for an Origin that is not allowed at all', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const body = await signedBody(t.d)
    const response = await t.jwt(post('/api/jwt', body, { origin: 'https://evil.example' }))
    expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed', status: 403 })
  })

  it('throws pubkey_not_allowed when ALLOWED_PUBKEYS refuses the key', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const body = await signedBody(t.d)
    t.d.env.ALLOWED_PUBKEYS = identity().public.toString()
    const response = await t.jwt(post('/api/jwt', body))
    expect(await problem(response)).toMatchObject({ code: 'pubkey_not_allowed', status: 403 })
  })

  it('throws pubkey_not_allowed when the policy hook refuses the key', async () => {
    const refused = identity()
    const t = jwtDeployment(
      { JWT_HS256_SECRET: HS256_SECRET },
      {
        policy: ({ pubkey, stage }) =>
          stage === 'challenge' || pubkey !== refused.public.toString(),
      },
    )
    const response = await t.jwt(post('/api/jwt', await signedBody(t.d, refused)))
    expect(await problem(response)).toMatchObject({ code: 'pubkey_not_allowed' })
    const ok = await t.jwt(post('/api/jwt', await signedBody(t.d)))
    expect(ok.status).toBe(200)
  })

  it('throws pubkey_not_allowed for a DENIED_PUBKEYS key, even with an envelope issued before it was denied', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET, POLICY_AT_CHALLENGE: 'false' })
    const id = identity()
    const body = await signedBody(t.d, id)
    t.d.env.DENIED_PUBKEYS = id.public.toString()
    const response = await t.jwt(post('/api/jwt', body))
    expect(await problem(response)).toMatchObject({ code: 'pubkey_not_allowed', status: 403 })
    const other = await t.jwt(post('/api/jwt', await signedBody(t.d)))
    expect(other.status).toBe(200)
  })

  it('warns once per configuration, naming the claims but not their values, when JWT_CLAIMS goes to every key', async () => {
    const value = 'member-secret-tier-0123456789'
    const t = jwtDeployment({
      JWT_HS256_SECRET: HS256_SECRET,
      JWT_CLAIMS: JSON.stringify({ role: value, tier: 3 }),
    })
    await t.jwt(post('/api/jwt', await signedBody(t.d)))
    await t.jwt(post('/api/jwt', await signedBody(t.d)))
    const lines = t.d.logs.filter((line) => line.fn === 'jwt')
    expect(lines.map((line) => line.status)).toEqual([200, 200])
    expect(lines[0]).toMatchObject({
      level: 'warn',
      fields: { warning: 'jwt_claims_unrestricted', claims: 'role,tier' },
    })
    expect(lines[1]).toMatchObject({ level: 'info' })
    expect(lines[1]!.fields).toBeUndefined()
    expect(JSON.stringify(t.d.logs)).not.toContain(value)
    // A new configuration is a new load: it warns again, once.
    t.d.env.JWT_CLAIMS = '{"role":"admin"}'
    await t.jwt(post('/api/jwt', { envelope: 'x', signature: 'AAAA' }))
    await t.jwt(post('/api/jwt', await signedBody(t.d)))
    const after = t.d.logs.filter((line) => line.fn === 'jwt').slice(2)
    expect(after.map((line) => line.fields)).toEqual([
      { warning: 'jwt_claims_unrestricted', claims: 'role' },
      undefined,
    ])
  })

  it('does not warn about JWT_CLAIMS with ALLOWED_PUBKEYS, with a policy hook, or without claims', async () => {
    const id = identity()
    const claims = { JWT_HS256_SECRET: HS256_SECRET, JWT_CLAIMS: '{"role":"member"}' }
    const deployments = [
      jwtDeployment({ ...claims, ALLOWED_PUBKEYS: id.public.toString() }),
      jwtDeployment(claims, { policy: () => true }),
      jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET }),
    ]
    for (const t of deployments) {
      const response = await t.jwt(post('/api/jwt', await signedBody(t.d, id)))
      expect(response.status).toBe(200)
      const line = t.d.logs.find((record) => record.fn === 'jwt')
      expect(line).toMatchObject({ level: 'info' })
      expect(line!.fields).toBeUndefined()
    }
  })

  it('throws invalid_envelope "already used" in single-use mode after /api/token', async () => {
    const seen = new Set<string>()
    const envelopeStore = {
      claim: async (nonce: string) => !seen.has(nonce) && Boolean(seen.add(nonce)),
    }
    const t = jwtDeployment(
      { JWT_HS256_SECRET: HS256_SECRET, SINGLE_USE_ENVELOPES: 'true' },
      { envelopeStore },
    )
    const body = await signedBody(t.d)
    expect((await t.d.token(post('/api/token', body))).status).toBe(200)
    const response = await t.jwt(post('/api/jwt', body))
    expect(await problem(response)).toMatchObject({ code: 'invalid_envelope' })
  })

  it('throws invalid_request for a body without a signature', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const { envelope } = await signedBody(t.d)
    const response = await t.jwt(post('/api/jwt', { envelope }))
    expect(await problem(response)).toMatchObject({ code: 'invalid_request', status: 400 })
  })

  it('throws method_not_allowed for GET', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const response = await t.jwt(new Request(SITE + '/api/jwt'))
    expect(response.status).toBe(405)
    expect(await problem(response)).toMatchObject({ code: 'method_not_allowed' })
  })

  /** A JWT request under `env` is refused as server_misconfigured with `detail`, naming no secret. */
  async function expectMisconfigured(env: Env, detail: string | RegExp) {
    const t = jwtDeployment(env)
    const response = await t.jwt(post('/api/jwt', await signedBody(t.d)))
    expect(response.status).toBe(500)
    const body = await problem(response)
    expect(body).toMatchObject({ code: 'server_misconfigured' })
    expect(body.detail).toEqual(typeof detail === 'string' ? detail : expect.stringMatching(detail))
    for (const secret of [HS256_SECRET, EDDSA_KEY, ES256_D, SECRETS.USER_API_SECRET]) {
      expect(JSON.stringify(body)).not.toContain(secret)
    }
  }

  it.each([
    ['no key is set', {}, 'JWT_HS256_SECRET, JWT_EDDSA_KEY or JWT_ES256_KEY is not set.'],
    [
      'an ES256 item is not a P-256 scalar',
      { JWT_ES256_KEY: `${ES256_D},AAAA` },
      /^JWT_ES256_KEY has an item/,
    ],
    [
      'an ES256 item is zero (not a valid private key)',
      { JWT_ES256_KEY: Buffer.alloc(32).toString('base64url') },
      /^JWT_ES256_KEY has an item/,
    ],
    ['JWT_ALG is unknown', { JWT_EDDSA_KEY: EDDSA_KEY, JWT_ALG: 'RS256' }, /^JWT_ALG must be/],
    [
      'JWT_ALG names a key that is not set',
      { JWT_EDDSA_KEY: EDDSA_KEY, JWT_ALG: 'ES256' },
      'JWT_ALG names a key that is not set.',
    ],
    [
      'JWT_SESSION_COOKIE is not a boolean',
      { JWT_EDDSA_KEY: EDDSA_KEY, JWT_SESSION_COOKIE: 'yes' },
      /^JWT_SESSION_COOKIE must be/,
    ],
    ['the secret is short', { JWT_HS256_SECRET: 'short' }, /^JWT_HS256_SECRET must be/],
    ['the EdDSA key is unreadable', { JWT_EDDSA_KEY: 'bnotakey' }, /^JWT_EDDSA_KEY has an item/],
    [
      'a rotated EdDSA item is unreadable',
      { JWT_EDDSA_KEY: `${EDDSA_KEY},AAAA` },
      /^JWT_EDDSA_KEY has an item/,
    ],
  ])('throws server_misconfigured when %s', (_case, env, detail) =>
    expectMisconfigured(env, detail),
  )

  // With a valid JWT_HS256_SECRET: only the variable each case names is wrong.
  it.each([
    [
      'the secret and an EdDSA key are set',
      { JWT_EDDSA_KEY: EDDSA_KEY },
      /^Set JWT_HS256_SECRET or the public-key variables/,
    ],
    [
      'the secret and an ES256 key are set',
      { JWT_ES256_KEY: ES256_D },
      /^Set JWT_HS256_SECRET or the public-key variables/,
    ],
    [
      'JWT_ALG asks for EdDSA with a secret',
      { JWT_ALG: 'EdDSA' },
      'JWT_ALG names a key that is not set.',
    ],
    ['the TTL is not a number', { JWT_TTL_SECONDS: '15m' }, /^JWT_TTL_SECONDS/],
    ['JWT_CLAIMS is not JSON', { JWT_CLAIMS: '{role:1}' }, 'JWT_CLAIMS is not valid JSON.'],
    ['JWT_CLAIMS is an array', { JWT_CLAIMS: '["a"]' }, 'JWT_CLAIMS must be a JSON object.'],
    ['JWT_CLAIMS is null', { JWT_CLAIMS: 'null' }, 'JWT_CLAIMS must be a JSON object.'],
    ['JWT_CLAIMS sets sub', { JWT_CLAIMS: '{"sub":"admin"}' }, /^JWT_CLAIMS may not set iss, sub/],
    ['JWT_CLAIMS sets exp', { JWT_CLAIMS: '{"ok":1,"exp":9999999999}' }, /^JWT_CLAIMS may not set/],
    ['JWT_CLAIMS sets __proto__', { JWT_CLAIMS: '{"__proto__":{"admin":true}}' }, /__proto__/],
    [
      'JWT_CLAIMS is too long',
      { JWT_CLAIMS: JSON.stringify({ a: 'x'.repeat(5000) }) },
      /^JWT_CLAIMS must be at most/,
    ],
  ])('throws server_misconfigured when %s', (_case, env, detail) =>
    expectMisconfigured({ JWT_HS256_SECRET: HS256_SECRET, ...env }, detail),
  )

  it('never logs a secret', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    await t.jwt(post('/api/jwt', await signedBody(t.d)))
    await t.jwt(post('/api/jwt', { envelope: 'x', signature: 'AAAA' }))
    expect(t.d.logs.filter((line) => line.fn === 'jwt').map((line) => line.status)).toEqual([
      200, 401,
    ])
    expect(JSON.stringify(t.d.logs)).not.toContain(EDDSA_KEY)
  })
})

describe('GET /api/jwks', () => {
  it('throws server_misconfigured naming JWT_EDDSA_KEY in HS256 mode', async () => {
    const t = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET })
    const response = await t.jwks(new Request(SITE + '/api/jwks'))
    expect(response.status).toBe(500)
    const body = await problem(response)
    expect(body).toMatchObject({ code: 'server_misconfigured' })
    expect(body.detail).toMatch(/^JWT_EDDSA_KEY or JWT_ES256_KEY is not set/)
    expect(JSON.stringify(body)).not.toContain(HS256_SECRET)
  })

  it('throws method_not_allowed for POST with an Allow header', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const response = await t.jwks(post('/api/jwks', {}))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
    expect(await problem(response)).toMatchObject({ code: 'method_not_allowed' })
  })

  it('is cacheable, public, and never contains the private half', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const response = await t.jwks(new Request(SITE + '/api/jwks'))
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    const text = await response.text()
    expect(text).not.toContain('"d"')
    const head = await t.jwks(new Request(SITE + '/api/jwks', { method: 'HEAD' }))
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})

describe('POST /api/logout (the JWT function)', () => {
  const cleared = '__Host-ttp-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax'

  it('deletes the session cookie for a POST from the site', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_SESSION_COOKIE: 'true' })
    const response = await t.jwt(
      new Request(SITE + '/api/logout', { method: 'POST', headers: { origin: SITE } }),
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ loggedOut: true })
    expect(response.headers.get('set-cookie')).toBe(cleared)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('deletes it from an allowed cross origin, whatever the body', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, ALLOWED_ORIGINS: 'https://app.example' })
    const response = await t.jwt(
      new Request(SITE + '/api/logout', {
        method: 'POST',
        headers: { origin: 'https://app.example', 'content-type': 'text/plain' },
        body: 'anything',
      }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(response.headers.get('set-cookie')).toBe(cleared)
  })

  it('throws origin_not_allowed without an Origin (not from a page)', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const response = await t.jwt(new Request(SITE + '/api/logout', { method: 'POST' }))
    expect(response.status).toBe(403)
    expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed' })
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  // netlify dev retries a function's 403 at `…/logout.html` and the other alternatives of a static
  // file, at the same function: the retry must still be the logout route, not the JWT minter's.
  it.each(['.html', '.htm', '/index.html', '/index.htm'])(
    'throws origin_not_allowed at /api/logout%s too (netlify dev retries a 403 there)',
    async (suffix) => {
      const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
      const response = await t.jwt(new Request(`${SITE}/api/logout${suffix}`, { method: 'POST' }))
      expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed', status: 403 })
    },
  )

  it('throws origin_not_allowed for a foreign Origin', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const response = await t.jwt(
      new Request(SITE + '/api/logout', {
        method: 'POST',
        headers: { origin: 'https://evil.example' },
      }),
    )
    expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed', status: 403 })
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it('throws method_not_allowed for GET (a link or an image cannot log anyone out)', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const response = await t.jwt(new Request(SITE + '/api/logout', { headers: { origin: SITE } }))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST, OPTIONS')
    expect(response.headers.get('set-cookie')).toBeNull()
  })
})

describe('GET /api/jwks caching', () => {
  it("sends Cache-Control for verifiers and browsers, Netlify's CDN header and an ETag", async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const response = await t.jwks(new Request(SITE + '/.well-known/jwks.json'))
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    expect(response.headers.get('netlify-cdn-cache-control')).toBe(
      'public, durable, s-maxage=3600, must-revalidate',
    )
    expect(response.headers.get('etag')).toMatch(/^"[\w-]{22}"$/)
  })

  it.each([
    ['the ETag', (etag: string) => etag],
    ['the weak form of the ETag', (etag: string) => `W/${etag}`],
    [
      "the ETag with the -df of Netlify's compressed copy",
      (etag: string) => etag.replace(/"$/, '-df"'),
    ],
    ['a list that holds the ETag', (etag: string) => `"other", ${etag}`],
    ['*', () => '*'],
  ])('answers 304 with no body to If-None-Match: %s', async (_case, header) => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const first = await t.jwks(new Request(SITE + '/api/jwks'))
    const etag = first.headers.get('etag')!
    for (const method of ['GET', 'HEAD']) {
      const response = await t.jwks(
        new Request(SITE + '/api/jwks', { method, headers: { 'if-none-match': header(etag) } }),
      )
      expect(response.status).toBe(304)
      expect(await response.text()).toBe('')
      expect(response.headers.get('etag')).toBe(etag)
      expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    }
  })

  it('answers 200 to another ETag, and changes its ETag when the keys change', async () => {
    const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
    const etag = (await t.jwks(new Request(SITE + '/api/jwks'))).headers.get('etag')!
    const stale = await t.jwks(
      new Request(SITE + '/api/jwks', { headers: { 'if-none-match': '"not-it"' } }),
    )
    expect(stale.status).toBe(200)
    expect((await stale.json()).keys).toHaveLength(1)
    t.d.env.JWT_EDDSA_KEY = `${EDDSA_SEED_B64URL}, ${EDDSA_KEY}`
    const rotated = await t.jwks(
      new Request(SITE + '/api/jwks', { headers: { 'if-none-match': etag } }),
    )
    expect(rotated.status).toBe(200)
    expect(rotated.headers.get('etag')).not.toBe(etag)
    expect((await rotated.json()).keys).toHaveLength(2)
  })
})

describe('functions/jwt.ts and functions/jwks.ts', () => {
  it('serve /api/jwt, /api/logout, /api/jwks and /.well-known/jwks.json', async () => {
    const jwt = await import('../../functions/jwt.ts')
    const jwks = await import('../../functions/jwks.ts')
    expect(jwt.config.path).toEqual(['/api/jwt', '/api/logout'])
    expect(jwks.config.path).toEqual(['/api/jwks', '/.well-known/jwks.json'])
    expect(typeof jwt.default).toBe('function')
    expect(typeof jwks.default).toBe('function')
  })
})
