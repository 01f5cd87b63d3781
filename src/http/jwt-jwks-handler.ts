// GET /api/jwks (and /.well-known/jwks.json): the public keys of the JWT minter, for services that
// verify its EdDSA tokens. Public data only: any origin may read it, caches may keep it briefly.
// An HS256 deployment has nothing to publish (its key is a shared secret) and says so.
import { TokenProviderError } from '../core/errors.ts'
import { defaultEnv, requestIdOf, type Handler, type HandlerOptions } from './endpoint.ts'
import { loadJwtConfig } from './jwt-config.ts'
import { consoleLogger } from './log.ts'
import { problemResponse } from './problem.ts'

/** How long verifiers may cache the key set; short, so a rotation propagates within minutes. */
export const JWKS_MAX_AGE_SECONDS = 300

/**
 * Creates the JWKS function: `{"keys": [...]}` (RFC 7517 §5) of every `JWT_EDDSA_KEY` item.
 *
 * @throws (as problem+json) `server_misconfigured` when no EdDSA key is configured (also in HS256
 *   mode: a shared secret is never published), `method_not_allowed` for anything but GET and HEAD.
 * @example
 * export default createJwksHandler()
 */
export function createJwksHandler(options: Pick<HandlerOptions, 'env' | 'logger'> = {}): Handler {
  const readEnv = options.env ?? defaultEnv
  const logger = options.logger ?? consoleLogger
  return async (request, context) => {
    const started = performance.now()
    const requestId = requestIdOf(request, context)
    const headers = new Headers({ 'Access-Control-Allow-Origin': '*' })
    let response: Response
    let code: TokenProviderError['code'] | undefined
    try {
      if (request.method === 'OPTIONS') {
        headers.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS')
        headers.set('Access-Control-Max-Age', '600')
        response = new Response(null, { status: 204, headers })
      } else if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw new TokenProviderError('method_not_allowed')
      } else {
        const { jwks } = await loadJwtConfig(readEnv())
        if (jwks.keys.length === 0) {
          throw new TokenProviderError(
            'server_misconfigured',
            'JWT_EDDSA_KEY is not set (an HS256 secret is never published).',
          )
        }
        headers.set('Content-Type', 'application/jwk-set+json')
        headers.set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
        const body = request.method === 'HEAD' ? null : JSON.stringify(jwks)
        response = new Response(body, { status: 200, headers })
      }
    } catch (error) {
      const coded = TokenProviderError.from(error)
      code = coded.code
      if (code === 'method_not_allowed') headers.set('Allow', 'GET, HEAD, OPTIONS')
      response = problemResponse(coded, { requestId, headers })
    }
    logger({
      level: code === 'internal_error' ? 'error' : code ? 'warn' : 'info',
      event: 'request',
      fn: 'jwks',
      requestId,
      method: request.method,
      status: response.status,
      ...(code && { code }),
      ms: Math.round((performance.now() - started) * 100) / 100,
    })
    return response
  }
}
