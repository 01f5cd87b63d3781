// POST /api/logout: deletes the session cookie that /api/jwt sets (JWT_SESSION_COOKIE=true).
// Threat model: a forced logout is the worst a forged request can do, and still it is refused: the
// request must carry an Origin, and an allowed one (the site's own or ALLOWED_ORIGINS), like every
// browser endpoint. The JWT itself stays valid until its `exp` (nothing is stored): logging out ends
// this browser's session, and JWT_TTL_SECONDS bounds a copy taken before.
import { TokenProviderError } from '../core/errors.ts'
import { createEndpoint, type HandlerOptions, type RequestHandler } from './endpoint.ts'
import { clearedSessionCookie } from './session-cookie.ts'
import { textileConfig } from './textile-config.ts'

/** The 200 body of POST /api/logout. */
export interface LogoutResponse {
  loggedOut: true
}

/**
 * Creates the logout endpoint: a POST from an allowed Origin gets the Set-Cookie that deletes the
 * session cookie. The JWT function serves it at `…/logout` ({@link createJwtHandler}).
 *
 * @throws (as problem+json) `origin_not_allowed` without an Origin or with one not allowed,
 *   `method_not_allowed` for anything but POST, `server_misconfigured` (the Textile variables).
 * @example
 * export default createLogoutHandler()
 */
export function createLogoutHandler(options: HandlerOptions = {}): RequestHandler {
  return createEndpoint(
    {
      name: 'logout',
      methods: ['POST'],
      config: textileConfig,
      origins: 'site',
      body: 'ignore',
      async run({ origin }) {
        // Browsers send Origin on every POST; a request without one did not come from a page.
        if (!origin)
          throw new TokenProviderError('origin_not_allowed', 'Logging out needs an Origin.')
        const body: LogoutResponse = { loggedOut: true }
        return { body, headers: { 'Set-Cookie': clearedSessionCookie() } }
      },
    },
    options,
  )
}
