// Configuration of the JWT minter (POST /api/jwt, GET /api/jwks), validated once per distinct set
// of values. Threat model: the signing secrets are as sensitive as USER_API_SECRET. Errors name the
// variable, never the value; the parsed config holds non-extractable CryptoKeys, and only public
// halves (JWKS) ever leave it.
import { calculateJwkThumbprint, type JWK } from 'jose'
import { encodeBase64Url, decodeBase64, utf8 } from '../core/encoding.ts'
import { parsePrivateKey } from '../core/keys.ts'
import { cachedByValues, misconfigured, seconds, value, type Env } from './env-values.ts'
import { originOf } from './origin.ts'

/** The environment variables the JWT minter reads (README, "JWTs for other services"). */
export const JWT_CONFIG_VARIABLES = [
  'JWT_HS256_SECRET',
  'JWT_EDDSA_KEY',
  'JWT_TTL_SECONDS',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_CLAIMS',
  'URL',
] as const

/** The claims the minter sets itself; `JWT_CLAIMS` may not name them (RFC 7519 §4.1). */
export const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'] as const

/** Shortest accepted `JWT_HS256_SECRET`, in characters (RFC 7518 §3.2: a key of ≥ 256 bits). */
export const MIN_HS256_SECRET_LENGTH = 32
/** Largest accepted `JWT_CLAIMS`, in characters: tokens travel in headers. */
export const MAX_JWT_CLAIMS_LENGTH = 4096

/** A key the minter signs with. */
export interface JwtSigner {
  alg: 'HS256' | 'EdDSA'
  kid: string
  key: CryptoKey
}

/** Validated, imported JWT configuration. */
export interface JwtConfig {
  signer: JwtSigner
  /** The public keys to publish (EdDSA only; the signer's first). Empty for HS256. */
  jwks: { keys: JWK[] }
  ttlSeconds: number
  /** `JWT_ISSUER`, else the origin of `URL`; undefined means "the request's origin". */
  issuer?: string
  audience?: string[]
  /** Permission claims from `JWT_CLAIMS`, reserved names excluded. */
  claims: Readonly<Record<string, unknown>>
}

/**
 * Loads and validates the JWT minter's configuration; cached while the values stay the same.
 *
 * @throws `server_misconfigured` naming the first bad variable (never its value): neither or both
 *   of `JWT_HS256_SECRET` and `JWT_EDDSA_KEY`, a short secret, an unreadable key, a bad TTL, or a
 *   `JWT_CLAIMS` that is not a JSON object or names a reserved claim.
 * @example
 * const { signer, ttlSeconds } = await loadJwtConfig(process.env)
 */
export const loadJwtConfig: (env: Env) => Promise<JwtConfig> = cachedByValues(
  JWT_CONFIG_VARIABLES,
  parseJwtConfig,
)

async function parseJwtConfig(env: Env): Promise<JwtConfig> {
  const secret = value(env, 'JWT_HS256_SECRET')
  const eddsa = value(env, 'JWT_EDDSA_KEY')
  if (secret && eddsa) {
    throw misconfigured('Set only one of JWT_HS256_SECRET and JWT_EDDSA_KEY.')
  }
  if (!secret && !eddsa) {
    throw misconfigured('JWT_HS256_SECRET or JWT_EDDSA_KEY is not set.')
  }
  let signer: JwtSigner
  const keys: JWK[] = []
  if (secret) {
    signer = await importHs256(secret)
  } else {
    const items = eddsa!.split(',').map((item) => item.trim())
    const imported = await Promise.all(items.map(importEdDsa))
    signer = imported[0]!.signer
    keys.push(...imported.map((item) => item.jwk))
  }
  const issuer = value(env, 'JWT_ISSUER') ?? originOf(value(env, 'URL'))
  const audience = (value(env, 'JWT_AUDIENCE') ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return {
    signer,
    jwks: { keys },
    ttlSeconds: seconds(env, 'JWT_TTL_SECONDS', 900, 30, 86_400),
    ...(issuer !== undefined && { issuer }),
    ...(audience.length > 0 && { audience }),
    claims: parseClaims(value(env, 'JWT_CLAIMS')),
  }
}

const KID_LABEL = utf8('textile-token-provider/v1 jwt-key-id')

// The kid names the secret the way the envelope keyring does: a short MAC of a fixed label, stable
// across instances and saying nothing about the secret.
async function importHs256(secret: string): Promise<JwtSigner> {
  if (secret.length < MIN_HS256_SECRET_LENGTH) {
    throw misconfigured(`JWT_HS256_SECRET must be at least ${MIN_HS256_SECRET_LENGTH} characters.`)
  }
  const algorithm = { name: 'HMAC', hash: 'SHA-256' }
  const key = await crypto.subtle.importKey('raw', utf8(secret), algorithm, false, ['sign'])
  const kid = encodeBase64Url(
    new Uint8Array(await crypto.subtle.sign('HMAC', key, KID_LABEL)).subarray(0, 6),
  )
  return { alg: 'HS256', kid, key }
}

/** PKCS #8 prefix of an Ed25519 private key (RFC 8410 §7); the 32-byte seed follows. */
const PKCS8_PREFIX = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]

async function importEdDsa(text: string): Promise<{ signer: JwtSigner; jwk: JWK }> {
  // A Textile private key string ('bbaareq…', 110 characters) or a base64url 32-byte seed.
  const seed = parsePrivateKey(text)?.seed ?? decodeBase64(text)
  if (seed?.length !== 32) {
    throw misconfigured(
      'JWT_EDDSA_KEY has an item that is not a Textile private key string or a base64url seed.',
    )
  }
  const pkcs8 = new Uint8Array(48)
  pkcs8.set(PKCS8_PREFIX)
  pkcs8.set(seed, 16)
  seed.fill(0)
  const algorithm = { name: 'Ed25519' }
  const exportable = await crypto.subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign'])
  const { x } = await crypto.subtle.exportKey('jwk', exportable)
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign'])
  pkcs8.fill(0)
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: x! }
  const kid = await calculateJwkThumbprint(publicJwk) // RFC 7638
  return {
    signer: { alg: 'EdDSA', kid, key },
    jwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' },
  }
}

function parseClaims(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {}
  if (text.length > MAX_JWT_CLAIMS_LENGTH) {
    throw misconfigured(`JWT_CLAIMS must be at most ${MAX_JWT_CLAIMS_LENGTH} characters.`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw misconfigured('JWT_CLAIMS is not valid JSON.')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw misconfigured('JWT_CLAIMS must be a JSON object.')
  }
  const names = Object.keys(parsed)
  if (names.some((name) => (RESERVED_CLAIMS as readonly string[]).includes(name))) {
    throw misconfigured(`JWT_CLAIMS may not set ${RESERVED_CLAIMS.join(', ')}.`)
  }
  if (names.includes('__proto__')) throw misconfigured('JWT_CLAIMS may not set __proto__.')
  return Object.freeze(parsed as Record<string, unknown>)
}
