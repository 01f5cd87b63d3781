// Configuration of the JWT minter (POST /api/jwt, GET /api/jwks), validated once per distinct set
// of values. Threat model: the signing secrets are as sensitive as USER_API_SECRET. Errors name the
// variable, never the value; the parsed config holds imported keys of the handler's crypto
// provider, and only public halves (JWKS) ever leave it.
import type { CryptoProvider } from '../core/crypto-provider.ts'
import { importSigningKey, sign } from '../core/ed25519.ts'
import { decodeBase64, encodeBase64Url, utf8 } from '../core/encoding.ts'
import { hmacSha256, importHmacKey, keyId } from '../core/hmac.ts'
import { parsePrivateKey } from '../core/keys.ts'
import { DEFAULT_TOKEN_TYPE } from '../verify/defaults.ts'
import {
  configSource,
  SITE_URL_VARIABLE,
  type ConfigParser,
  type VariableTable,
} from './config-source.ts'
import { flag, list, misconfigured, seconds, value, type Env } from './env-values.ts'
import { originOf } from './origin.ts'

/** The claims the minter sets itself; `JWT_CLAIMS` may not name them (RFC 7519 §4.1; `act`, RFC 8693 §4.1, says a linked device acts for its account). */
export const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'act'] as const

/** Shortest accepted `JWT_HS256_SECRET`, in characters (RFC 7518 §3.2: a key of ≥ 256 bits). */
export const MIN_HS256_SECRET_LENGTH = 32
/** Largest accepted `JWT_CLAIMS`, in characters: tokens travel in headers. */
export const MAX_JWT_CLAIMS_LENGTH = 4096

/** The default `typ` of minted JWTs: explicit typing (RFC 8725 §3.11), `application/ttp+jwt`. */
export const DEFAULT_JWT_TYPE = DEFAULT_TOKEN_TYPE

/** The algorithms the minter signs with. */
export type JwtAlg = 'HS256' | 'EdDSA' | 'ES256'

/** A key the minter signs with. */
export interface JwtSigner {
  alg: JwtAlg
  kid: string
  /** Signs the JWS signing input (RFC 7515 §5.1). */
  sign(input: Uint8Array): Promise<Uint8Array>
}

/** A public key in a JWK Set: Ed25519 (RFC 8037 §2) or P-256 (RFC 7518 §6.2), always with alg, use and kid. */
export type PublicJwk =
  | { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }
  | { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' }

/** Validated, imported JWT configuration. */
export interface JwtConfig {
  signer: JwtSigner
  /**
   * The public keys to publish: every `JWT_EDDSA_KEY` item, then every `JWT_ES256_KEY` item (the
   * signer among them). Empty for HS256.
   */
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
  /** `JWT_SESSION_COOKIE=true`: /api/jwt also sets the token as the session cookie. */
  sessionCookie: boolean
}

/** The variables of the JWT minter (docs/configuration.md), one entry each. */
export const JWT_VARIABLES = {
  /** HS256 secret shared with the service; exclusive with the public-key variables. */
  JWT_HS256_SECRET: { secret: true, read: value },
  /** Ed25519 key(s), rotated as a list; public halves in the JWKS. */
  JWT_EDDSA_KEY: { secret: true, read: list },
  /** P-256 key(s) for verifiers without EdDSA; public halves in the JWKS. */
  JWT_ES256_KEY: { secret: true, read: list },
  /** Which kind of key signs when both are set. */
  JWT_ALG: { read: jwtAlg },
  /** JWT lifetime. */
  JWT_TTL_SECONDS: { read: seconds(900, 30, 86_400) },
  /** `iss` (default the site URL). */
  JWT_ISSUER: { read: value },
  /** `aud` (default the issuer). */
  JWT_AUDIENCE: { read: list },
  /** Extra claims, a JSON object. */
  JWT_CLAIMS: { read: claimsObject },
  /** The header's `typ`. */
  JWT_TYPE: { read: jwtType },
  /** True: /api/jwt also sets the session cookie of the edge gate. */
  JWT_SESSION_COOKIE: { read: flag() },
  /** The site's main URL (Netlify sets it): the default issuer. */
  URL: SITE_URL_VARIABLE,
} as const satisfies VariableTable

const parseJwtConfig: ConfigParser<typeof JWT_VARIABLES, JwtConfig> = async (
  vars,
  { crypto, deploy },
) => {
  const secret = vars.JWT_HS256_SECRET
  const eddsa = vars.JWT_EDDSA_KEY
  const es256 = vars.JWT_ES256_KEY
  const asymmetric = eddsa.length > 0 || es256.length > 0
  if (secret && asymmetric) {
    throw misconfigured(
      'Set JWT_HS256_SECRET or the public-key variables (JWT_EDDSA_KEY, JWT_ES256_KEY), not both.',
    )
  }
  if (!secret && !asymmetric) {
    throw misconfigured('JWT_HS256_SECRET, JWT_EDDSA_KEY or JWT_ES256_KEY is not set.')
  }
  const alg = vars.JWT_ALG
  let signer: JwtSigner
  const keys: PublicJwk[] = []
  if (secret) {
    if (alg !== undefined && alg !== 'HS256')
      throw misconfigured('JWT_ALG names a key that is not set.')
    signer = await importHs256(secret, crypto)
  } else {
    const imported = [
      ...(await Promise.all(eddsa.map((item) => importEdDsa(item, crypto)))),
      ...(await Promise.all(es256.map(importEs256))),
    ]
    keys.push(...imported.map((item) => item.jwk))
    // The first key of JWT_ALG's kind signs; unset, EdDSA's when there is one.
    const chosen = alg ?? (eddsa.length > 0 ? 'EdDSA' : 'ES256')
    const first = imported.find((item) => item.signer.alg === chosen)
    if (!first) throw misconfigured('JWT_ALG names a key that is not set.')
    signer = first.signer
  }
  // Never the request's own origin: outside Netlify the Host header would choose it.
  const issuer = vars.JWT_ISSUER ?? originOf(vars.URL) ?? originOf(deploy.siteUrl)
  if (!issuer) throw misconfigured('JWT_ISSUER is not set (and there is no site URL).')
  const audience = vars.JWT_AUDIENCE
  const type = vars.JWT_TYPE
  return {
    signer,
    jwks: { keys },
    ttlSeconds: vars.JWT_TTL_SECONDS,
    issuer,
    audience: audience.length > 0 ? audience : [issuer],
    type,
    claims: vars.JWT_CLAIMS,
    sessionCookie: vars.JWT_SESSION_COOKIE,
  }
}

/**
 * The configuration of the JWT minter (docs/jwt.md): its table and a parser that imports the keys
 * with the handler's crypto provider.
 *
 * @throws (from `parse`) `server_misconfigured` naming the first bad variable (never its value):
 *   no key, `JWT_HS256_SECRET` beside an asymmetric key, a short secret, an unreadable key, a
 *   `JWT_ALG` without its key, a bad TTL, or a `JWT_CLAIMS` that is not a JSON object or names a
 *   reserved claim.
 * @example
 * const { signer, ttlSeconds } = await jwtConfig.parse({ env: process.env, crypto, deploy: {} })
 */
export const jwtConfig = configSource(JWT_VARIABLES, parseJwtConfig)

function jwtAlg(env: Env, name: string): JwtAlg | undefined {
  const alg = value(env, name)
  if (alg !== undefined && !['HS256', 'EdDSA', 'ES256'].includes(alg)) {
    throw misconfigured(`${name} must be EdDSA, ES256 or HS256.`)
  }
  return alg as JwtAlg | undefined
}

function jwtType(env: Env, name: string): string {
  const type = value(env, name) ?? DEFAULT_JWT_TYPE
  if (!/^[\w.+/-]{1,64}$/.test(type)) throw misconfigured(`${name} is not a media type name.`)
  return type
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
  const kid = await jwkThumbprint(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`)
  return {
    signer: { alg: 'EdDSA', kid, sign: (input) => sign(key, input) },
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' },
  }
}

/** DER of a PKCS #8 P-256 key without its optional public key (RFC 5915 §3, RFC 5208); `d` follows. */
const P256_PKCS8_PREFIX = [
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01,
  0x01, 0x04, 0x20,
]

// ES256 for verifiers without EdDSA: the private scalar `d` of a P-256 JWK (base64url, 32 bytes).
// Web Crypto derives the public point on import; the signing key is then re-imported
// non-extractable. ECDSA has no seam in the crypto provider: Web Crypto runs it everywhere.
async function importEs256(text: string): Promise<{ signer: JwtSigner; jwk: PublicJwk }> {
  const d = decodeBase64(text)
  const unreadable = () =>
    misconfigured('JWT_ES256_KEY has an item that is not a base64url P-256 private key (JWK "d").')
  if (d?.length !== 32) throw unreadable()
  const der = new Uint8Array(P256_PKCS8_PREFIX.length + 32)
  der.set(P256_PKCS8_PREFIX)
  der.set(d, P256_PKCS8_PREFIX.length)
  const subtle = globalThis.crypto.subtle
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' }
  let key: CryptoKey
  let x: string
  let y: string
  try {
    const full = await subtle.exportKey(
      'jwk',
      await subtle.importKey('pkcs8', der, algorithm, true, ['sign']),
    )
    x = full.x!
    y = full.y!
    key = await subtle.importKey('jwk', { ...full, ext: false }, algorithm, false, ['sign'])
    full.d = ''
  } catch {
    throw unreadable()
  } finally {
    d.fill(0)
    der.fill(0)
  }
  const kid = await jwkThumbprint(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`)
  const signature = { name: 'ECDSA', hash: 'SHA-256' }
  return {
    // Web Crypto's ECDSA signature is r ‖ s, 64 bytes: the JWS form (RFC 7518 §3.4).
    signer: {
      alg: 'ES256',
      kid,
      sign: async (input) =>
        new Uint8Array(await subtle.sign(signature, key, input as BufferSource)),
    },
    jwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' },
  }
}

// RFC 7638 §3.2: SHA-256 over the required members in lexicographic order, no whitespace.
async function jwkThumbprint(members: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', utf8(members))
  return encodeBase64Url(new Uint8Array(digest))
}

function claimsObject(env: Env, name: string): Readonly<Record<string, unknown>> {
  const text = value(env, name)
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
