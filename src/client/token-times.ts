// What the SDK reads of a thread token: its `iat` and `exp` (RFC 7519 NumericDates), unverified.
// Threat model: the SDK cannot check the hub's signature and does not need to; it reads the times
// only to stop using a token, never to trust one more. So a token whose payload cannot be read
// counts as "unknown", and the provider keeps such a token for one login only (never in storage),
// rather than forever; a token without `exp` (go-threads `NewToken`, the real hub's) never ends.

/** The longest token the SDK reads (go-threads tokens are about 300 characters). */
export const MAX_TOKEN_LENGTH = 8192

/** A thread token's times, ms since the epoch. */
export interface TokenTimes {
  /** Its `exp`, or `Infinity` when it has none. */
  expiresAt: number
  /** Its `iat`, when it has one. */
  issuedAt?: number
}

/**
 * Reads `exp` and `iat` of a JWT's payload without verifying anything; undefined when the token
 * is not three base64url segments, is longer than {@link MAX_TOKEN_LENGTH}, its payload is not a
 * UTF-8 JSON object, or `exp` / `iat` are present but not non-negative finite numbers.
 *
 * @example
 * readTokenTimes(auth.token)?.expiresAt // Infinity for a go-threads NewToken token
 */
export function readTokenTimes(token: string): TokenTimes | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined
  const parts = token.split('.')
  if (parts.length !== 3 || !/^[\w-]+$/.test(parts[1]!)) return undefined
  let claims: unknown
  try {
    const base64 = parts[1]!.replace(/-/g, '+').replace(/_/g, '/')
    const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return undefined
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined
  const { exp, iat } = claims as { exp?: unknown; iat?: unknown }
  if (exp !== undefined && !isNumericDate(exp)) return undefined
  if (iat !== undefined && !isNumericDate(iat)) return undefined
  return {
    expiresAt: exp === undefined ? Infinity : exp * 1000,
    ...(iat !== undefined && { issuedAt: iat * 1000 }),
  }
}

// RFC 7519 §2: seconds since the epoch, possibly fractional.
function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
