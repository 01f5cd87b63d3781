// POST /api/challenge and POST /api/token from one function: a login's two requests then meet one
// instance, so the challenge call warms the instance the token call uses (one cold start per login
// instead of two: docs/performance.md). It only dispatches on the last path segment
// (route-segment.ts); each request still goes through its own endpoint's pipeline (endpoint.ts),
// exactly as in two functions.
import { TokenProviderError } from '../core/errors.ts'
import { createChallengeHandler } from './challenge-handler.ts'
import { createEndpoint, type HandlerOptions, type RequestHandler } from './endpoint.ts'
import { routeSegment } from './route-segment.ts'
import { textileConfig } from './textile-config.ts'
import { createTokenHandler } from './token-handler.ts'

/** The last path segment each endpoint answers on, below any base path. */
export const LOGIN_ROUTES = { challenge: 'challenge', token: 'token' } as const

/**
 * Creates the login function: `…/challenge` goes to {@link createChallengeHandler}, `…/token` to
 * {@link createTokenHandler}, both made with the same options; any other path is refused.
 *
 * @throws (as problem+json) everything the two endpoints answer, and `invalid_request` for a
 *   path that ends in neither `/challenge` nor `/token`.
 * @example
 * export default createLoginHandler({ policy: ({ pubkey }) => isMember(pubkey) })
 */
export function createLoginHandler(options: HandlerOptions = {}): RequestHandler {
  const challenge = createChallengeHandler(options)
  const token = createTokenHandler(options)
  // Only reachable on other hosts: Netlify routes nothing but the function's configured paths.
  const unrouted = createEndpoint(
    {
      name: 'login',
      methods: ['POST'],
      config: textileConfig,
      origins: 'site',
      body: 'ignore',
      async run() {
        throw new TokenProviderError(
          'invalid_request',
          'This function answers POST …/challenge and POST …/token only.',
        )
      },
    },
    options,
  )
  return (request, context) => {
    const segment = routeSegment(request.url)
    const handler =
      segment === LOGIN_ROUTES.token
        ? token
        : segment === LOGIN_ROUTES.challenge
          ? challenge
          : unrouted
    return handler(request, context)
  }
}
