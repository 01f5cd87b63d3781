// GET /api/jwks (and /.well-known/jwks.json): the public keys of the JWT minter, for services that
// verify its EdDSA tokens. Public data only: any origin may read it, caches may keep it briefly.
// An HS256 deployment has nothing to publish (its key is a shared secret) and says so.
import { TokenProviderError } from '../core/errors.ts'
import { createEndpoint, type HandlerOptions, type RequestHandler } from './endpoint.ts'
import { jwtConfig } from './jwt-config.ts'

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
export function createJwksHandler(options: HandlerOptions = {}): RequestHandler {
  return createEndpoint(
    {
      name: 'jwks',
      methods: ['GET', 'HEAD'],
      config: jwtConfig,
      origins: 'any',
      async run({ config }) {
        if (config.jwks.keys.length === 0) {
          throw new TokenProviderError(
            'server_misconfigured',
            'JWT_EDDSA_KEY is not set (an HS256 secret is never published).',
          )
        }
        return {
          body: config.jwks,
          headers: {
            'Content-Type': 'application/jwk-set+json',
            'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
          },
        }
      },
    },
    options,
  )
}
