// What the SDK reads of a thread token: its `sub`, `iat` and `exp` (RFC 7519), unverified.
// Threat model: the SDK cannot check the hub's signature and does not need to. It reads `sub` to
// refuse a token for another key (planted in its storage by an earlier XSS or a shared profile,
// or sent by a hostile answer), which would fix the user to another identity; and the times only
// to stop using a token, never to trust one more. Every genuine token names its key: go-threads
// `NewToken` and the functions' `mintThreadToken` write `sub`, as compact JSON this reader reads,
// and whoever holds a token cannot rewrite its payload without breaking the hub's signature. So a
// token whose `sub` cannot be read is not one the hub would accept, and it is refused too. A token
// without `exp` (go-threads `NewToken`, the real hub's) never ends.
import { decodeJsonSegment } from '../core/json-segment.ts'

/** The longest token the SDK reads (go-threads tokens are about 300 characters). */
export const MAX_TOKEN_LENGTH = 8192

/** A thread token's times, ms since the epoch. */
export interface TokenTimes {
  /** Its `exp`, or `Infinity` when it has none. */
  expiresAt: number
  /** Its `iat`, when it has one. */
  issuedAt?: number
}

/** What the SDK reads of a thread token. */
export interface TokenClaims extends TokenTimes {
  /** Its `sub`: the Textile public key string it was minted for, when it has one. */
  subject?: string
}

/**
 * Reads `sub`, `exp` and `iat` of a JWT's payload without verifying anything; undefined when the
 * token is not three base64url segments, is longer than {@link MAX_TOKEN_LENGTH}, its payload is
 * not a UTF-8 JSON object, `exp` / `iat` are present but not non-negative finite numbers, or `sub`
 * is present but not a string.
 *
 * @example
 * readTokenClaims(auth.token)?.subject === identity.public.toString()
 */
export function readTokenClaims(token: string): TokenClaims | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined
  const parts = token.split('.')
  if (parts.length !== 3 || !/^[\w-]+$/.test(parts[0]!) || !/^[\w-]+$/.test(parts[2]!)) {
    return undefined
  }
  const claims = decodeJsonSegment(parts[1]!)
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined
  const { exp, iat, sub } = claims as { exp?: unknown; iat?: unknown; sub?: unknown }
  if (exp !== undefined && !isNumericDate(exp)) return undefined
  if (iat !== undefined && !isNumericDate(iat)) return undefined
  if (sub !== undefined && typeof sub !== 'string') return undefined
  return {
    expiresAt: exp === undefined ? Infinity : exp * 1000,
    ...(iat !== undefined && { issuedAt: iat * 1000 }),
    ...(sub !== undefined && { subject: sub }),
  }
}

/**
 * The claims of a token minted for `pubkey`; undefined for a token that cannot be read or whose
 * `sub` is absent or another key.
 *
 * @example
 * const claims = readOwnToken(auth.token, pubkey) ?? refuse()
 */
export function readOwnToken(token: string, pubkey: string): TokenClaims | undefined {
  const claims = readTokenClaims(token)
  return claims?.subject === pubkey ? claims : undefined
}

// RFC 7519 §2: seconds since the epoch, possibly fractional.
function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
