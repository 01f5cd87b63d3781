// Origin checks and CORS headers. Same origin always works; the site's own deploy URLs and
// ALLOWED_ORIGINS patterns are allowed; any other Origin (including "null") is refused.
import type { Config } from './config.ts'

/** True when a request's `Origin` may use the functions. */
export function isOriginAllowed(config: Config, origin: string, requestUrl: string): boolean {
  if (origin === 'null') return false
  if (config.siteOrigins.has(origin)) return true
  if (config.allowedOrigins.some((matches) => matches(origin))) return true
  try {
    return new URL(requestUrl).origin === origin
  } catch {
    return false
  }
}

/** Headers that let an allowed cross origin read the response (errors included). */
export function corsHeaders(origin: string): Headers {
  const headers = new Headers()
  if (origin) {
    headers.set('Access-Control-Allow-Origin', origin)
    headers.set('Vary', 'Origin')
  }
  return headers
}

/** The 204 answer to an allowed preflight. */
export function preflightResponse(origin: string): Response {
  const headers = corsHeaders(origin)
  headers.set('Access-Control-Allow-Methods', 'POST, OPTIONS')
  headers.set('Access-Control-Allow-Headers', 'Content-Type')
  headers.set('Access-Control-Max-Age', '600')
  headers.set('Cache-Control', 'no-store')
  return new Response(null, { status: 204, headers })
}
