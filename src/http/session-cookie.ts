// The session cookie's Set-Cookie headers: the JWT itself, for members-only pages behind the edge
// gate (src/netlify/gate.ts) and services on the same site (docs/edge.md, "Members-only pages").
// Threat model: HttpOnly keeps it from scripts (an XSS can still make requests while it runs, not
// carry the token away); Secure and the __Host- prefix keep it to https and to this exact host;
// SameSite=Lax keeps it off cross-site subrequests and POSTs, and verifiers still demand an
// allowed Origin before they accept it on a state-changing request (CSRF from a sibling subdomain).
import { SESSION_COOKIE } from '../verify/session-cookie.ts'

const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Lax'

/**
 * The cookie that carries a JWT for as long as the JWT lives.
 *
 * @example
 * headers['Set-Cookie'] = sessionCookie(token, 900)
 */
export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Max-Age=${maxAgeSeconds}; ${ATTRIBUTES}`
}

/** The header that deletes the session cookie (RFC 6265 §5.3: Max-Age=0). */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Max-Age=0; ${ATTRIBUTES}`
}
