// The session cookie's name and how a verifier reads it. `/api/jwt` sets it when
// JWT_SESSION_COOKIE=true (src/http/session-cookie.ts writes the header); the `__Host-` prefix makes
// browsers refuse it unless it is Secure, Path=/ and without Domain, so a sibling subdomain cannot
// plant or shadow it (RFC 6265bis §4.1.3.2).

/** The session cookie's name. */
export const SESSION_COOKIE = '__Host-ttp-session'

/**
 * The first value of a cookie in a `Cookie` header, or undefined.
 *
 * @example
 * readCookie(request.headers.get('cookie'), SESSION_COOKIE)
 */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=')
    if (at > 0 && pair.slice(0, at).trim() === name) {
      const value = pair.slice(at + 1).trim()
      return value === '' ? undefined : value
    }
  }
  return undefined
}
