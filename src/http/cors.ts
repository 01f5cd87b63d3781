// Origin checks and CORS headers. Same origin always works; the site's own deploy URLs and
// ALLOWED_ORIGINS patterns are allowed; any other Origin (including "null") is refused.
import type { OriginMatcher } from './origin.ts'

/** The origin rules of a deployment (part of its configuration). */
export interface OriginRules {
  /** The site's own origins (URL, DEPLOY_PRIME_URL, DEPLOY_URL, the deploy's site URL). */
  siteOrigins: ReadonlySet<string>
  allowedOrigins: readonly OriginMatcher[]
}

/** True when a request's `Origin` may use the functions. */
export function isOriginAllowed(rules: OriginRules, origin: string, requestUrl: string): boolean {
  if (origin === 'null') return false
  if (rules.siteOrigins.has(origin)) return true
  if (rules.allowedOrigins.some((matches) => matches(origin))) return true
  try {
    return new URL(requestUrl).origin === origin
  } catch {
    return false
  }
}

/** Headers that let an allowed cross origin (or `*` for public data) read the response. */
export function corsHeaders(origin: string): Headers {
  const headers = new Headers()
  if (origin) {
    headers.set('Access-Control-Allow-Origin', origin)
    if (origin !== '*') headers.set('Vary', 'Origin')
  }
  return headers
}

/** The 204 answer to an allowed preflight. */
export function preflightResponse(cors: Headers, methods: string): Response {
  const headers = new Headers(cors)
  headers.set('Access-Control-Allow-Methods', methods)
  headers.set('Access-Control-Allow-Headers', 'Content-Type')
  headers.set('Access-Control-Max-Age', '600')
  headers.set('Cache-Control', 'no-store')
  return new Response(null, { status: 204, headers })
}
