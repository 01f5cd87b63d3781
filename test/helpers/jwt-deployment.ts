// A deployment with the JWT minter: the real /api/jwt and /api/jwks handlers over one env, clock and
// log, the keys the suites sign with, and the JWKS as a counting `fetch`, so verifier tests see the
// tokens and key sets the functions really produce.
import { PrivateKey } from '@textile/hub'
import { base64url, importJWK } from 'jose'
import type { Env, HandlerOptions, RequestHandler } from '../../src/index.ts'
import { createJwksHandler, createJwtHandler } from '../../src/index.ts'
import { SITE, deployment, post, signedBody } from './deployment.ts'
import type { Transport } from './login.ts'
import { identity } from './identity.ts'

export const HS256_SECRET = 'jwt-hs256-secret-for-tests-0123456789abcdef'
export const EDDSA_SEED = new Uint8Array(32).fill(7)
export const EDDSA_KEY = PrivateKey.fromRawEd25519Seed(EDDSA_SEED).toString()
export const EDDSA_SEED_B64URL = Buffer.from(new Uint8Array(32).fill(9)).toString('base64url')
/** P-256 private scalars (JWK `d`), as JWT_ES256_KEY takes them. */
export const ES256_D = Buffer.from(new Uint8Array(32).fill(5)).toString('base64url')
export const ES256_D_2 = Buffer.from(new Uint8Array(32).fill(6)).toString('base64url')
/** The JWT_AUDIENCE the verifier suites deploy with, and JWT_TTL_SECONDS' default. */
export const AUDIENCE = 'https://api.example'
export const TTL = 900

/**
 * The Ed25519 private key of a seed (default the EDDSA_KEY deployment's) as jose signs with it:
 * tokens the minter does not make.
 */
export function eddsaSigningKey(seed = EDDSA_SEED) {
  const x = base64url.encode(PrivateKey.fromRawEd25519Seed(seed).public.pubKey)
  return importJWK({ kty: 'OKP', crv: 'Ed25519', x, d: base64url.encode(seed) }, 'EdDSA')
}

/** A deployment with the JWT and JWKS functions over the same env, clock and log. */
export function jwtDeployment(
  env: Env = {},
  options: Pick<HandlerOptions, 'policy' | 'envelopeStore' | 'crypto'> = {},
) {
  const d = deployment(env, options)
  const shared: HandlerOptions = {
    env: () => d.env,
    now: () => d.clock.now,
    logger: (record) => d.logs.push(record),
    ...options,
  }
  const jwt = createJwtHandler(shared)
  const routes: Record<string, RequestHandler> = {
    '/api/challenge': d.challenge,
    '/api/token': d.token,
    '/api/jwt': jwt,
  }
  /** The three minting endpoints as a transport for the one login (paths below {@link SITE}). */
  const transport: Transport = (path, init) => {
    const handler = routes[path]
    if (!handler) throw new Error(`no handler for ${path}`)
    return handler(new Request(SITE + path, init), {})
  }
  return { ...d, jwt, jwks: createJwksHandler(shared), d, transport }
}

export type JwtDeployment = ReturnType<typeof jwtDeployment>

/** A JWT from the deployment's /api/jwt for `id` (asserting 200). */
export async function mint(t: JwtDeployment, id = identity()): Promise<string> {
  const response = await t.jwt(post('/api/jwt', await signedBody(t.d, id)))
  if (response.status !== 200) throw new Error(`jwt ${response.status}: ${await response.text()}`)
  return ((await response.json()) as { token: string }).token
}

/** The deployment's JWKS function as a `fetch` that counts its calls, at a URL of its own. */
export function jwksFetch(t: JwtDeployment) {
  const state = { calls: 0, statuses: [] as number[], fail: false }
  // Each verifier test gets its own URL: the verify entry caches key sets per URL for the module.
  const url = `${SITE}/.well-known/jwks.json?suite=${crypto.randomUUID()}`
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    state.calls++
    if (state.fail) throw new TypeError('fetch failed')
    const response = await t.jwks(new Request(input, init))
    state.statuses.push(response.status)
    return response
  }
  return { url, fetch: fetch as typeof globalThis.fetch, state }
}
