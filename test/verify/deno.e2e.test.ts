// The verify entry in Deno (the edge runtime; the pinned npm `deno`), from source: tokens minted
// in Node by the real /api/jwt, a JWKS served over loopback by the real /api/jwks (which rotates
// after its first answer), and test/helpers/deno-verifier.ts verifying them. The Node side counts
// the JWKS requests: 100 verifications are one fetch, the rotation one more.
import { execFile } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { base64url, SignJWT, type JSONWebKeySet } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  jwtDeployment,
  mint,
  TTL,
  type JwtDeployment,
} from '../helpers/jwt-deployment.ts'
import { ROOT } from '../helpers/netlify-dev.ts'
import type { DenoInput, DenoOutput } from '../helpers/deno-verifier.ts'

const env = { JWT_AUDIENCE: AUDIENCE }

let server: Server
const statuses: number[] = []
let output: DenoOutput
let ids: Record<string, string>

/** Serves `before` for the first request and `after` from then on: a rotation between the two. */
function serveJwks(before: JwtDeployment, after: JwtDeployment): Promise<string> {
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value)
    }
    const handler = statuses.length === 0 ? before.jwks : after.jwks
    const response = await handler(new Request(SITE + req.url, { headers }))
    statuses.push(response.status)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  }
  // A handler that throws answers 500 (the verifier then reports jwks_unavailable), never hangs.
  server = createServer((req, res) => {
    serve(req, res).catch(() => res.writeHead(500).end())
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve(`http://127.0.0.1:${port}/.well-known/jwks.json`)
    }),
  )
}

beforeAll(async () => {
  const a = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, ...env })
  const rotated = jwtDeployment({ JWT_EDDSA_KEY: `${EDDSA_SEED_B64URL}, ${EDDSA_KEY}`, ...env })
  const es256 = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_ES256_KEY: ES256_D, ...env })
  es256.d.env.JWT_ALG = 'ES256'
  const hs256 = jwtDeployment({ JWT_HS256_SECRET: HS256_SECRET, ...env })
  const wrongAudience = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY })
  const wrongIssuer = jwtDeployment({
    JWT_EDDSA_KEY: EDDSA_KEY,
    JWT_ISSUER: 'https://x.example',
    ...env,
  })
  // Deno reads the key set the `after` deployment serves: both Ed25519 keys and the ES256 one.
  const after = jwtDeployment({
    JWT_EDDSA_KEY: `${EDDSA_SEED_B64URL}, ${EDDSA_KEY}`,
    JWT_ES256_KEY: ES256_D,
    ...env,
  })
  const jwksUrl = await serveJwks(a, after)

  const member = identity()
  const first = await mint(a, member)
  const [header, payload] = first.split('.')
  const set = (await (await a.jwks(new Request(SITE + '/api/jwks'))).json()) as JSONWebKeySet
  const kid = set.keys[0]!.kid!
  const signingKey = await eddsaSigningKey()
  const iat = NOW.getTime() / 1000
  const claims = { iss: SITE, aud: AUDIENCE, iat, exp: iat + TTL }
  const account = identity().public.toString()
  const device = identity().public.toString()
  ids = { member: member.public.toString(), account, device }
  const tokens: Record<string, string> = {
    first,
    rotated: await mint(rotated),
    es256: await mint(es256),
    hs256: await mint(hs256),
    audience: await mint(wrongAudience),
    issuer: await mint(wrongIssuer),
    tampered: `${header}.${base64url.encode(JSON.stringify({ ...claims, sub: account }))}.${first.split('.')[2]}`,
    none: `${base64url.encode('{"alg":"none","typ":"ttp+jwt"}')}.${payload}.`,
    hs256WithPublicKey: await new SignJWT({ ...claims, sub: account })
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'ttp+jwt' })
      .sign(base64url.decode(set.keys[0]!.x!)),
    ed25519Name: await new SignJWT({ ...claims, sub: account })
      .setProtectedHeader({ alg: 'Ed25519', kid, typ: 'ttp+jwt' })
      .sign(signingKey),
    linked: await new SignJWT({ ...claims, sub: account, act: { sub: device } })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'ttp+jwt' })
      .sign(signingKey),
  }
  const input: DenoInput = {
    jwksUrl,
    issuer: SITE,
    audience: AUDIENCE,
    secret: HS256_SECRET,
    now: NOW.getTime(),
    ttl: TTL,
    tokens,
  }
  const { stdout } = await promisify(execFile)(
    join(ROOT, 'node_modules/.bin/deno'),
    [
      'run',
      '--no-prompt',
      `--allow-net=${new URL(jwksUrl).host}`,
      join(ROOT, 'test/helpers/deno-verifier.ts'),
      JSON.stringify(input),
    ],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
  )
  output = JSON.parse(stdout) as DenoOutput
}, 90_000)

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

describe('textile-token-provider/verify in Deno', () => {
  it('runs in the pinned Deno', () => {
    expect(output.deno).toBe('2.9.5')
  })

  it('verifies 100 tokens with one JWKS fetch, and a rotated-in kid after exactly one refetch', () => {
    expect(output.results.hundred).toBe(`ok EdDSA ${ids.member}`)
    expect(output.results.rotated).toMatch(/^ok EdDSA b/)
    expect(output.results.rotatedAgain).toBe(output.results.rotated)
    // 1: the first fetch (100 verifications); 2: the refetch for the new kid (a new set, 200);
    // 3: after the max age, the If-None-Match revalidation (same set, 304).
    expect(statuses).toEqual([200, 200, 304])
  })

  it('verifies ES256, HS256, the Ed25519 alg name and a linked token', () => {
    expect(output.results.es256).toMatch(/^ok ES256 b/)
    expect(output.results.hs256).toMatch(/^ok HS256 b/)
    expect(output.results.ed25519Name).toBe(`ok Ed25519 ${ids.account}`)
    expect(output.results.linked).toBe(`ok EdDSA ${ids.account}<${ids.device}`)
  })

  it('refuses each bad token with its code', () => {
    expect(output.results).toMatchObject({
      tampered: 'jwt_invalid',
      none: 'jwt_invalid',
      hs256WithPublicKey: 'jwt_invalid',
      audience: 'jwt_audience',
      issuer: 'jwt_issuer',
      cookieCrossSitePost: 'origin_not_allowed',
      skewBeyond: 'jwt_expired',
    })
    expect(output.results.cookieGet).toBe(`ok EdDSA ${ids.member}`)
    expect(output.results.skewWithin).toBe(`ok EdDSA ${ids.member}`)
  })
})
