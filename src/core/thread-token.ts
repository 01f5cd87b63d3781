// The hub's user token, minted as go-threads thread.NewToken does (docs/protocol.md §4):
// header {"alg":"Ed25519","typ":"JWT"}, payload {"iat","iss","sub"} in that order, no exp,
// Ed25519 over ASCII(header.payload). Holding the host key is what makes this possible at all.
// Threat model: a token without `exp` works until the hub's host key changes, so a leaked one
// works forever. With a lifetime (`USER_TOKEN_TTL_SECONDS`) the payload also carries `exp`, first,
// where golang-jwt's StandardClaims puts it: the hub's jwt-go validation refuses the token once its
// clock passes `exp`, and clients read `exp` as a standard JWT NumericDate (RFC 7519 §2).
import { sign, type SigningKey } from './ed25519.ts'
import { signCompactJws } from './jws.ts'
import { formatPublicKey } from './keys.ts'

/** The hub rejects an `iat` ahead of its own clock; mint this far in the past. */
export const THREAD_TOKEN_BACKDATE_SECONDS = 60

/** Options of {@link mintThreadToken}. */
export interface MintThreadTokenOptions {
  /** The hub's host key. */
  issuer: SigningKey
  /** The user's Textile public key string (already validated). */
  subject: string
  /** Now; `iat` is {@link THREAD_TOKEN_BACKDATE_SECONDS} before it unless `iat` is given. */
  now: Date
  /** Exact `iat` in seconds, for vectors. */
  iat?: number
  /**
   * Lifetime in whole seconds: the token carries `exp` = `now` (whole seconds) + `ttlSeconds`.
   * Counted from `now`, not from the backdated `iat`, so a token lives the full lifetime on the
   * minter's clock. Absent: no `exp`, byte-exact go-threads `NewToken`.
   */
  ttlSeconds?: number
}

/**
 * Mints a thread token byte-compatible with go-threads `NewToken(issuer, subject)`, or, with
 * `ttlSeconds`, the same token with `exp` as golang-jwt's `StandardClaims` would encode it.
 *
 * @throws `TypeError` for a `ttlSeconds` that is not a positive whole number.
 * @example
 * const token = await mintThreadToken({ issuer, subject: pubkey, now: new Date(), ttlSeconds: 3600 })
 */
export function mintThreadToken(options: MintThreadTokenOptions): Promise<string> {
  const now = Math.floor(options.now.getTime() / 1000)
  const iat = options.iat ?? now - THREAD_TOKEN_BACKDATE_SECONDS
  const claims = { iat, iss: formatPublicKey(options.issuer.publicKey), sub: options.subject }
  const { ttlSeconds } = options
  if (ttlSeconds !== undefined && !(Number.isSafeInteger(ttlSeconds) && ttlSeconds > 0)) {
    throw new TypeError('ttlSeconds must be a positive whole number')
  }
  // StandardClaims field order: aud, exp, jti, iat, iss, nbf, sub (docs/protocol.md §4).
  const payload = ttlSeconds === undefined ? claims : { exp: now + ttlSeconds, ...claims }
  return signCompactJws({ alg: 'Ed25519', typ: 'JWT' }, payload, (input) =>
    sign(options.issuer, input),
  )
}
