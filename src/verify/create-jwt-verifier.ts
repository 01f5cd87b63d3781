// Verifying the JWTs that POST /api/jwt mints, in any service: jose does the verification; this
// file pins what a verifier must never leave open and turns jose's errors into stable codes.
// Threat model: the token is attacker-controlled. Issuer, audience and algorithms are pinned by
// the service (never read from the token); `alg: none` and HMAC with a public key cannot pass (a
// key set only verifies the asymmetric algorithms, a secret only HMAC, and jose binds each key
// type to its algorithm); the signature is checked before any claim is trusted; clock skew is
// bounded both ways. From a Request, the session cookie counts on a state-changing method only
// with an allowed Origin (CSRF), and a bearer header wins over the cookie.
import { jwtVerify, type JSONWebKeySet, type JWTHeaderParameters, type JWTPayload } from 'jose'
import { DEFAULT_TOKEN_TYPE, JWKS_CACHE_MAX_AGE_SECONDS } from './defaults.ts'
import { JwtVerifyError } from './errors.ts'
import { localKeySet, remoteKeySet, type KeyResolver } from './key-set.ts'
import { readCookie, SESSION_COOKIE } from './session-cookie.ts'

/** The algorithms a verifier can accept: the minter's, plus `Ed25519`, RFC 9864's name of EdDSA. */
export type JwtAlgorithm = 'EdDSA' | 'Ed25519' | 'ES256' | 'HS256'

/** Default allowance for clock skew between the minter and the verifier, both ways (seconds). */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30
/** Least time between two fetches caused by an unknown kid (seconds). */
export const JWKS_COOLDOWN_SECONDS = 30
/** Longest token read, in characters (a token travels in a header or a cookie). */
export const MAX_TOKEN_LENGTH = 8192

const ASYMMETRIC: readonly JwtAlgorithm[] = ['EdDSA', 'Ed25519', 'ES256']
const SYMMETRIC: readonly JwtAlgorithm[] = ['HS256']
/** RFC 7518 §3.2: an HS256 key of at least 256 bits. */
const MIN_SECRET_BYTES = 32
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Options of {@link createJwtVerifier}: exactly one of `jwksUrl`, `jwks` and `secret`. */
export interface JwtVerifierOptions {
  /** The minter's key set, e.g. `https://site.example/.well-known/jwks.json`; https (http on loopback only). */
  jwksUrl?: string | URL
  /** The key set itself, as an object or its JSON text (an environment variable): no network. */
  jwks?: JSONWebKeySet | string
  /** `JWT_HS256_SECRET`, shared with the minter (UTF-8, at least 32 bytes). */
  secret?: string | Uint8Array
  /** The exact `iss` to accept: the minter's `JWT_ISSUER`, else its site URL's origin. */
  issuer: string
  /** This service's identifier(s); a token must name one of them in `aud` (`JWT_AUDIENCE`). */
  audience: string | readonly string[]
  /** Default: `EdDSA`, `Ed25519` and `ES256` with a key set; `HS256` with a secret. */
  algorithms?: readonly JwtAlgorithm[]
  /** Default {@link DEFAULT_CLOCK_TOLERANCE_SECONDS}; at most 300. */
  clockToleranceSeconds?: number
  /** The header `typ` required (default {@link DEFAULT_TOKEN_TYPE}); `false` accepts any. */
  type?: string | false
  /** The cookie read from a Request without a bearer token (default {@link SESSION_COOKIE}); `false`: none. */
  cookie?: string | false
  /** Origins besides the request's own that may send the cookie on POST, PUT, PATCH or DELETE. */
  allowedOrigins?: readonly string[]
  /** The clock; default the wall clock. */
  now?: () => Date
  /** How the key set is fetched; default the global `fetch`. */
  fetch?: typeof fetch
  /** Default {@link JWKS_CACHE_MAX_AGE_SECONDS}. */
  cacheMaxAgeSeconds?: number
  /** Default {@link JWKS_COOLDOWN_SECONDS}. */
  cooldownSeconds?: number
  /** A key set fetch's time limit; default 5000 ms. */
  timeoutMs?: number
}

/** A verified token. */
export interface VerifiedJwt {
  /** Every claim, as signed. */
  claims: JWTPayload & { sub: string }
  header: JWTHeaderParameters
  /** The Textile public key the token was minted for: `sub` (with an account link, the account). */
  account: string
  /** The key that logged in: `act.sub` with an account link (RFC 8693 §4.1), else `sub`. */
  device: string
  /** True when the token came from a device linked to an account (`act` present). */
  linked: boolean
}

/** What {@link createJwtVerifier} returns. */
export interface JwtVerifier {
  /**
   * Verifies a compact JWT, or the one a Request carries (`Authorization: Bearer`, else the
   * session cookie).
   *
   * @throws {@link JwtVerifyError} `jwt_missing`, `jwt_invalid`, `jwt_expired`, `jwt_audience`,
   *   `jwt_issuer`, `origin_not_allowed` (cookie on a state-changing request without an allowed
   *   Origin) or `jwks_unavailable`.
   */
  verify(tokenOrRequest: string | Request): Promise<VerifiedJwt>
}

/**
 * Creates a verifier for the provider's JWTs.
 *
 * @throws TypeError for options that leave something open: not exactly one key source, no issuer
 *   or audience, an algorithm that does not fit the key source, a short secret, a plain-http URL.
 * @example
 * const verifier = createJwtVerifier({
 *   jwksUrl: 'https://site.example/.well-known/jwks.json',
 *   issuer: 'https://site.example',
 *   audience: 'https://api.example',
 * })
 * const { account } = await verifier.verify(request)
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const sources = [options.jwksUrl, options.jwks, options.secret].filter((s) => s !== undefined)
  if (sources.length !== 1) throw new TypeError('give exactly one of jwksUrl, jwks and secret')
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new TypeError('issuer is required')
  }
  const audience = typeof options.audience === 'string' ? [options.audience] : options.audience
  if (!Array.isArray(audience) || audience.length === 0 || audience.some((a) => !a)) {
    throw new TypeError('audience is required')
  }
  const symmetric = options.secret !== undefined
  const allowed = symmetric ? SYMMETRIC : ASYMMETRIC
  const algorithms = [...(options.algorithms ?? allowed)]
  if (algorithms.length === 0 || algorithms.some((alg) => !allowed.includes(alg))) {
    throw new TypeError(`algorithms must be among ${allowed.join(', ')} for this key source`)
  }
  const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS
  if (!(tolerance >= 0 && tolerance <= 300)) {
    throw new TypeError('clockToleranceSeconds must be from 0 to 300')
  }
  const now = options.now ?? (() => new Date())
  const key = keyOf(options, now)
  const type = options.type ?? DEFAULT_TOKEN_TYPE
  const cookie = options.cookie ?? SESSION_COOKIE
  const allowedOrigins = options.allowedOrigins ?? []
  const verifyOptions = {
    algorithms,
    issuer: options.issuer,
    audience: [...audience],
    clockTolerance: tolerance,
    ...(type !== false && { typ: type }),
  }

  return {
    async verify(input) {
      const token =
        typeof input === 'string' ? input : tokenOfRequest(input, cookie, allowedOrigins)
      if (token.length > MAX_TOKEN_LENGTH) throw new JwtVerifyError('jwt_invalid')
      const currentDate = now()
      let verified: { payload: JWTPayload; protectedHeader: JWTHeaderParameters }
      try {
        verified = await jwtVerify(token, key, { ...verifyOptions, currentDate })
      } catch (error) {
        verified = await retryEachKey(error, (candidate) =>
          jwtVerify(token, candidate, { ...verifyOptions, currentDate }),
        )
      }
      return resultOf(verified, currentDate, tolerance)
    },
  }
}

function keyOf(options: JwtVerifierOptions, now: () => Date): Uint8Array | KeyResolver {
  if (options.secret !== undefined) {
    const secret =
      typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret
    if (secret.length < MIN_SECRET_BYTES) {
      throw new TypeError(`secret must have at least ${MIN_SECRET_BYTES} bytes`)
    }
    return new Uint8Array(secret)
  }
  if (options.jwks !== undefined) return localKeySet(options.jwks)
  const url = new URL(options.jwksUrl!)
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TypeError('jwksUrl must be https:// (http:// on loopback only)')
  }
  const seconds = (value: number | undefined, fallback: number) => (value ?? fallback) * 1000
  return remoteKeySet({
    url: url.href,
    fetch: options.fetch ?? ((...args) => fetch(...args)),
    now: () => now().getTime(),
    cacheMaxAgeMs: seconds(options.cacheMaxAgeSeconds, JWKS_CACHE_MAX_AGE_SECONDS),
    cooldownMs: seconds(options.cooldownSeconds, JWKS_COOLDOWN_SECONDS),
    timeoutMs: options.timeoutMs ?? 5000,
  })
}

/** Bearer first; then the cookie, which a state-changing method may send only from an allowed Origin. */
function tokenOfRequest(
  request: Request,
  cookie: string | false,
  allowedOrigins: readonly string[],
): string {
  const bearer = /^Bearer +(\S+) *$/i.exec(request.headers.get('authorization') ?? '')
  if (bearer) return bearer[1]!
  const value = cookie ? readCookie(request.headers.get('cookie'), cookie) : undefined
  if (value === undefined) throw new JwtVerifyError('jwt_missing')
  if (!SAFE_METHODS.has(request.method.toUpperCase())) {
    // SameSite=Lax keeps cross-site POSTs cookie-less, but not same-site ones (a sibling subdomain).
    const origin = request.headers.get('origin')
    let own: string | undefined
    try {
      own = new URL(request.url).origin
    } catch {
      own = undefined
    }
    if (!origin || origin === 'null' || (origin !== own && !allowedOrigins.includes(origin))) {
      throw new JwtVerifyError('origin_not_allowed')
    }
  }
  return value
}

// A token without a kid that several keys of the set could verify: jose hands the candidates over
// (JWKSMultipleMatchingKeys is async-iterable); the first whose signature verifies decides.
async function retryEachKey<T>(
  error: unknown,
  attempt: (key: CryptoKey) => Promise<T>,
): Promise<T> {
  const candidates = error as { code?: unknown } & Partial<AsyncIterable<CryptoKey>>
  if (candidates?.code !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS' || !candidates[Symbol.asyncIterator]) {
    throw coded(error)
  }
  for await (const candidate of candidates as AsyncIterable<CryptoKey>) {
    try {
      return await attempt(candidate)
    } catch (failure) {
      if ((failure as { code?: unknown })?.code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
        throw coded(failure)
      }
    }
  }
  throw new JwtVerifyError('jwt_invalid', { cause: error })
}

/** jose's error as a stable code; anything unknown is `jwt_invalid`. */
function coded(error: unknown): JwtVerifyError {
  if (error instanceof JwtVerifyError) return error
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown }
  if (code === 'ERR_JWT_EXPIRED') return new JwtVerifyError('jwt_expired', { cause: error })
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'iss') {
    return new JwtVerifyError('jwt_issuer', { cause: error })
  }
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'aud') {
    return new JwtVerifyError('jwt_audience', { cause: error })
  }
  return new JwtVerifyError('jwt_invalid', { cause: error })
}

function resultOf(
  verified: { payload: JWTPayload; protectedHeader: JWTHeaderParameters },
  now: Date,
  tolerance: number,
): VerifiedJwt {
  const { payload, protectedHeader } = verified
  // jose checks iat only with maxTokenAge; a token issued beyond the skew allowance in the future
  // means the clocks disagree by more than the tolerance (or a minter that lies about time).
  if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + tolerance) {
    throw new JwtVerifyError('jwt_invalid')
  }
  const { sub, act } = payload as { sub?: unknown; act?: unknown }
  if (typeof sub !== 'string' || sub === '') throw new JwtVerifyError('jwt_invalid')
  let device = sub
  if (act !== undefined) {
    const actor = (act as { sub?: unknown } | null)?.sub
    if (typeof act !== 'object' || typeof actor !== 'string' || actor === '') {
      throw new JwtVerifyError('jwt_invalid')
    }
    device = actor
  }
  return {
    claims: payload as JWTPayload & { sub: string },
    header: protectedHeader,
    account: sub,
    device,
    linked: act !== undefined,
  }
}
