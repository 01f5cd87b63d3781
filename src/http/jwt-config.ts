// Configuration of the JWT minter (POST /api/jwt, GET /api/jwks), validated once per distinct set
// of values. Threat model: the signing secrets are as sensitive as USER_API_SECRET. Errors name the
// variable, never the value; the parsed config holds imported keys of the handler's crypto
// provider, and only public halves (JWKS) ever leave it.
import type { CryptoProvider } from '../core/crypto-provider.ts'
import { importSigningKey, sign } from '../core/ed25519.ts'
import { decodeBase64, encodeBase64Url, utf8 } from '../core/encoding.ts'
import { hmacSha256, importHmacKey, keyId } from '../core/hmac.ts'
import { parsePrivateKey } from '../core/keys.ts'
import type { ConfigInput, ConfigSource } from './config-source.ts'
import { list, misconfigured, seconds, value } from './env-values.ts'
import { originOf } from './origin.ts'

/** The claims the minter sets itself; `JWT_CLAIMS` may not name them (RFC 7519 §4.1; `act`, RFC 8693 §4.1, says a linked device acts for its account). */
export const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'act'] as const

/** Shortest accepted `JWT_HS256_SECRET`, in characters (RFC 7518 §3.2: a key of ≥ 256 bits). */
export const MIN_HS256_SECRET_LENGTH = 32
/** Largest accepted `JWT_CLAIMS`, in characters: tokens travel in headers. */
export const MAX_JWT_CLAIMS_LENGTH = 4096

/** The default `typ` of minted JWTs: explicit typing (RFC 8725 §3.11), `application/ttp+jwt`. */
export const DEFAULT_JWT_TYPE = 'ttp+jwt'

/** A key the minter signs with. */
export interface JwtSigner {
  alg: 'HS256' | 'EdDSA'
  kid: string
  /** Signs the JWS signing input (RFC 7515 §5.1). */
  sign(input: Uint8Array): Promise<Uint8Array>
}

/** A public key in a JWK Set (RFC 8037 §2: OKP, Ed25519). */
export interface PublicJwk {
  kty: 'OKP'
  crv: 'Ed25519'
  x: string
  kid: string
  alg: 'EdDSA'
  use: 'sig'
}

/** Validated, imported JWT configuration. */
export interface JwtConfig {
  signer: JwtSigner
  /** The public keys to publish (EdDSA only; the signer's first). Empty for HS256. */
  jwks: { keys: PublicJwk[] }
  ttlSeconds: number
  /** `JWT_ISSUER`, else the origin of `URL` or of the deploy's site URL. */
  issuer: string
  /** `JWT_AUDIENCE`, else the issuer: never absent (RFC 8725 §3.9). */
  audience: string[]
  /** The header's `typ` (RFC 8725 §3.11): `JWT_TYPE`, default {@link DEFAULT_JWT_TYPE}. */
  type: string
  /** Permission claims from `JWT_CLAIMS`, reserved names excluded. */
  claims: Readonly<Record<string, unknown>>
}

/**
 * The configuration of the JWT minter (README, "JWTs for other services").
 *
 * @throws (from `parse`) `server_misconfigured` naming the first bad variable (never its value):
 *   neither or both of `JWT_HS256_SECRET` and `JWT_EDDSA_KEY`, a short secret, an unreadable key,
 *   a bad TTL, or a `JWT_CLAIMS` that is not a JSON object or names a reserved claim.
 * @example
 * const { signer, ttlSeconds } = await jwtConfig.parse({ env: process.env, crypto, deploy: {} })
 */
export const jwtConfig: ConfigSource<JwtConfig> = {
  variables: [
    'JWT_HS256_SECRET',
    'JWT_EDDSA_KEY',
    'JWT_TTL_SECONDS',
    'JWT_ISSUER',
    'JWT_AUDIENCE',
    'JWT_CLAIMS',
    'JWT_TYPE',
    'URL',
  ],
  secrets: ['JWT_HS256_SECRET', 'JWT_EDDSA_KEY'],
  parse: parseJwtConfig,
}

async function parseJwtConfig({ env, crypto, deploy }: ConfigInput): Promise<JwtConfig> {
  const secret = value(env, 'JWT_HS256_SECRET')
  const eddsa = list(env, 'JWT_EDDSA_KEY')
  if (secret && eddsa.length > 0) {
    throw misconfigured('Set only one of JWT_HS256_SECRET and JWT_EDDSA_KEY.')
  }
  if (!secret && eddsa.length === 0) {
    throw misconfigured('JWT_HS256_SECRET or JWT_EDDSA_KEY is not set.')
  }
  let signer: JwtSigner
  const keys: PublicJwk[] = []
  if (secret) {
    signer = await importHs256(secret, crypto)
  } else {
    const imported = await Promise.all(eddsa.map((item) => importEdDsa(item, crypto)))
    signer = imported[0]!.signer
    keys.push(...imported.map((item) => item.jwk))
  }
  // Never the request's own origin: outside Netlify the Host header would choose it.
  const issuer = value(env, 'JWT_ISSUER') ?? originOf(value(env, 'URL')) ?? originOf(deploy.siteUrl)
  if (!issuer) throw misconfigured('JWT_ISSUER is not set (and there is no site URL).')
  const audience = list(env, 'JWT_AUDIENCE')
  const type = value(env, 'JWT_TYPE') ?? DEFAULT_JWT_TYPE
  if (!/^[\w.+/-]{1,64}$/.test(type)) throw misconfigured('JWT_TYPE is not a media type name.')
  return {
    signer,
    jwks: { keys },
    ttlSeconds: seconds(env, 'JWT_TTL_SECONDS', 900, 30, 86_400),
    issuer,
    audience: audience.length > 0 ? audience : [issuer],
    type,
    claims: parseClaims(value(env, 'JWT_CLAIMS')),
  }
}

const KID_LABEL = 'textile-token-provider/v1 jwt-key-id'

// The kid names the secret the way the envelope keyring does: a short MAC of a fixed label, stable
// across instances and saying nothing about the secret.
async function importHs256(secret: string, crypto: CryptoProvider): Promise<JwtSigner> {
  if (secret.length < MIN_HS256_SECRET_LENGTH) {
    throw misconfigured(`JWT_HS256_SECRET must be at least ${MIN_HS256_SECRET_LENGTH} characters.`)
  }
  const key = await importHmacKey(utf8(secret), crypto)
  return { alg: 'HS256', kid: await keyId(key, KID_LABEL), sign: (input) => hmacSha256(key, input) }
}

async function importEdDsa(
  text: string,
  crypto: CryptoProvider,
): Promise<{ signer: JwtSigner; jwk: PublicJwk }> {
  // A Textile private key string ('bbaareq…', 110 characters) or a base64url 32-byte seed.
  const seed = parsePrivateKey(text)?.seed ?? decodeBase64(text)
  if (seed?.length !== 32) {
    throw misconfigured(
      'JWT_EDDSA_KEY has an item that is not a Textile private key string or a base64url seed.',
    )
  }
  const key = await importSigningKey(seed, crypto)
  seed.fill(0)
  const x = encodeBase64Url(key.publicKey)
  const kid = await jwkThumbprint(x)
  return {
    signer: { alg: 'EdDSA', kid, sign: (input) => sign(key, input) },
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' },
  }
}

// RFC 7638 §3.2 with RFC 8037 §2: SHA-256 over the required members in lexicographic order.
async function jwkThumbprint(x: string): Promise<string> {
  const members = utf8(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`)
  return encodeBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', members)))
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
