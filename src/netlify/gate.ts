// Members-only pages on a static site: a Netlify Edge Function that lets a request through to the
// page only with a valid JWT of this site, from the session cookie /api/jwt sets
// (JWT_SESSION_COOKIE=true) or an `Authorization: Bearer` header. Navigations without one go to the
// login page (`?next=` the path they asked for); other requests get 401 problem+json.
// Threat model: the gate is the only thing between the page and the world, so it fails closed: a
// bad configuration is 500, an unreachable key set 503, and the edge function's `onError` stays
// Netlify's default (`fail`), never `bypass`. The keys come from the site's own JWT variables (the
// public halves only are used; no network), or from a verifier passed in. What passes is marked
// `Cache-Control: private, no-cache`, so no shared cache keeps a members-only page and browsers
// ask (through the gate) again each time.
import { createConfigLoader, type ConfigSource } from '../http/config-source.ts'
import { defaultEnv, deployFactsOf, requestIdOf } from '../http/endpoint.ts'
import { misconfigured, value, type Env } from '../http/env-values.ts'
import { jwtConfig } from '../http/jwt-config.ts'
import { consoleLogger, type Logger } from '../http/log.ts'
import { PROBLEM_TYPE_BASE, problemResponse } from '../http/problem.ts'
import { TokenProviderError } from '../core/errors.ts'
import { webCryptoProvider } from '../core/web-crypto.ts'
import { createJwtVerifier, JwtVerifyError, type JwtVerifier } from '../verify/index.ts'
import { edgeEnv } from './edge.ts'

/** Options of {@link createGate}. */
export interface GateOptions {
  /** Where navigations without a valid session go, with `?next=<path and query>`; default `/`. */
  loginPath?: string
  /**
   * A verifier of your own (say, for a provider on another site:
   * `createJwtVerifier({ jwksUrl, issuer, audience })`). Default: one from this site's JWT
   * variables (`JWT_EDDSA_KEY`/`JWT_ES256_KEY` or `JWT_HS256_SECRET`, `JWT_ISSUER`,
   * `JWT_AUDIENCE`, `JWT_TYPE`), which then needs `JWT_SESSION_COOKIE=true`.
   */
  verifier?: JwtVerifier
  /** Where the variables come from; default `Netlify.env` (else `process.env`). */
  env?: () => Env
  /** The clock; default the wall clock. */
  now?: () => Date
  /** Where refusals and errors are logged (one line each); default JSON on the console. */
  logger?: Logger
}

/** An edge function: a Response answers; `undefined` lets Netlify serve the page. */
export type EdgeGate = (request: Request, context?: unknown) => Promise<Response | undefined>

interface GateConfig {
  verifier: JwtVerifier
}

/**
 * Creates the gate edge function. Declare its paths in the edge function file's `config`.
 *
 * @throws TypeError for a `loginPath` that is not a path on this site (`/…`, not `//…`).
 * @example
 * export default createGate({ loginPath: '/login/' })
 * export const config = { path: ['/members', '/members/*'] }
 */
export function createGate(options: GateOptions = {}): EdgeGate {
  const loginPath = options.loginPath ?? '/'
  if (!/^\/(?![/\\])/.test(loginPath))
    throw new TypeError('loginPath must be a path such as /login')
  const now = options.now ?? (() => new Date())
  const readEnv = options.env ?? siteEnv
  const logger = options.logger ?? consoleLogger
  const load = options.verifier ? undefined : createConfigLoader(gateConfig(now), webCryptoProvider)

  return async (request, context) => {
    const started = performance.now()
    const url = new URL(request.url)
    // The login page is never gated, whatever the paths: no redirect loop.
    if (url.pathname === loginPath) return pass(context)
    try {
      const verifier = options.verifier ?? (await load!(readEnv(), deployFactsOf(context))).verifier
      await verifier.verify(request)
    } catch (error) {
      const response = refusal(error, request, url, loginPath)
      const code = codeOf(error)
      logger({
        level: response.status >= 500 ? 'error' : 'warn',
        event: 'request',
        fn: 'gate',
        requestId: requestIdOf(request, context),
        method: request.method,
        status: response.status,
        code,
        ms: Math.round((performance.now() - started) * 100) / 100,
      })
      return response
    }
    return pass(context)
  }
}

/** The gate with the default options: the site's own JWT variables, login page `/`. */
const gate = createGate()
export default gate

function gateConfig(now: () => Date): ConfigSource<GateConfig> {
  return {
    variables: jwtConfig.variables,
    secrets: jwtConfig.secrets,
    async parse(input) {
      const jwt = await jwtConfig.parse(input)
      if (!jwt.sessionCookie) {
        throw misconfigured('JWT_SESSION_COOKIE must be true for the members-only gate.')
      }
      const common = { issuer: jwt.issuer, audience: jwt.audience, type: jwt.type, now }
      const verifier =
        jwt.signer.alg === 'HS256'
          ? createJwtVerifier({ ...common, secret: value(input.env, 'JWT_HS256_SECRET')! })
          : createJwtVerifier({ ...common, jwks: jwt.jwks })
      return { verifier }
    },
  }
}

/** `Netlify.env` on Netlify (Deno's own `process.env` is not the site's variables), else `process.env`. */
function siteEnv(): Env {
  return (globalThis as { Netlify?: unknown }).Netlify ? edgeEnv() : defaultEnv()
}

async function pass(context: unknown): Promise<Response | undefined> {
  const next = (context as { next?: () => Promise<Response> } | undefined)?.next
  if (typeof next !== 'function') return undefined
  const response = await next()
  const headers = new Headers(response.headers)
  headers.set('Cache-Control', 'private, no-cache')
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  })
}

function codeOf(error: unknown): string {
  return error instanceof JwtVerifyError ? error.code : TokenProviderError.from(error).code
}

/** A navigation goes to the login page; anything else gets problem+json with the code's status. */
function refusal(error: unknown, request: Request, url: URL, loginPath: string): Response {
  const refused = error instanceof JwtVerifyError && error.status < 500
  if (refused && isNavigation(request)) {
    const next = encodeURIComponent(url.pathname + url.search)
    return new Response(null, {
      status: 303,
      headers: { Location: `${loginPath}?next=${next}`, 'Cache-Control': 'no-store' },
    })
  }
  const nosniff = { 'X-Content-Type-Options': 'nosniff' }
  // The gate's own failures (configuration, a bug) are the endpoints' codes: their renderer.
  if (!(error instanceof JwtVerifyError)) {
    return problemResponse(TokenProviderError.from(error), { headers: nosniff })
  }
  const { code, status } = error
  const body = { type: PROBLEM_TYPE_BASE + code, title: error.message, status, code }
  const headers: Record<string, string> = {
    'Content-Type': 'application/problem+json',
    'Cache-Control': 'no-store',
    ...nosniff,
  }
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer'
  return new Response(JSON.stringify(body), { status, headers })
}

/** A top-level page load: the browser says so (Sec-Fetch-Mode), or, without it, asks for HTML. */
function isNavigation(request: Request): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const mode = request.headers.get('sec-fetch-mode')
  if (mode) return mode === 'navigate'
  return (request.headers.get('accept') ?? '').includes('text/html')
}
