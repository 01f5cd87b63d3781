// POST /api/jwt {envelope, signature} → {token, expiresAt}: a JWT for another service (the Hivekit
// pattern), after the same proof of possession as POST /api/token.
// Threat model: the same envelope checks as the token function, in the same order (MAC, expiry,
// audience = origin, Ed25519 signature, policy, single use); only then is anything signed. The JWT
// binds the proven key (`sub`), a deployment-chosen issuer and audience, a short lifetime and a
// random `jti` the service may use to refuse replays; its permission claims come from
// configuration, never from the request. Those claims go to every key the policy admits: with no
// ALLOWED_PUBKEYS and no policy hook that is anyone who makes a key, so the first log line after
// each configuration load warns (claim names only, never values). With JWT_SESSION_COOKIE=true the
// JWT also goes into the session cookie (src/http/session-cookie.ts); `…/logout` deletes it.
import { encodeBase64Url } from '../core/encoding.ts'
import { signCompactJws } from '../core/jws.ts'
import type { ConfigSource } from './config-source.ts'
import {
  createEndpoint,
  type HandlerOptions,
  type LogAnnotations,
  type RequestHandler,
} from './endpoint.ts'
import { jwtConfig, type JwtConfig } from './jwt-config.ts'
import { createLogoutHandler } from './logout-handler.ts'
import { createPossessionCheck } from './prove-possession.ts'
import { routeSegment } from './route-segment.ts'
import { sessionCookie } from './session-cookie.ts'
import { textileConfig, type TextileConfig } from './textile-config.ts'

/** The last path segment of the logout route the JWT function also serves. */
export const LOGOUT_ROUTE = 'logout'

/** The 200 body of POST /api/jwt. */
export interface JwtResponse {
  /** A compact JWS (HS256, EdDSA or ES256) with `kid`. */
  token: string
  /** RFC 3339; the JWT's `exp`. */
  expiresAt: string
}

// The envelopes come from the Textile keyring, so both configurations are needed (Textile first).
const jwtEndpointConfig: ConfigSource<TextileConfig & { jwt: JwtConfig }> = {
  variables: [...textileConfig.variables, ...jwtConfig.variables],
  secrets: [...textileConfig.secrets, ...jwtConfig.secrets],
  parse: async (input) => ({
    ...(await textileConfig.parse(input)),
    jwt: await jwtConfig.parse(input),
  }),
}

/**
 * Creates the JWT function: verifies the envelope and the user's signature over it exactly as the
 * token function does, applies the policy (stage `'token'`), and signs a JWT for the user's key
 * (with `JWT_SESSION_COOKIE=true`, also as the session cookie). A POST to a path ending in
 * `/logout` goes to {@link createLogoutHandler} instead.
 *
 * With an account `link`, `sub` is the account and `act.sub` the device (RFC 8693).
 *
 * @throws (as problem+json) `invalid_request`, `invalid_envelope` (also "already used" in
 *   single-use mode), `envelope_expired`, `origin_not_allowed`, `invalid_signature`,
 *   `invalid_link`, `link_expired`, `pubkey_not_allowed`, `server_misconfigured` (naming the JWT
 *   variable), and the transport codes.
 * @example
 * export default createJwtHandler({ policy: ({ pubkey }) => isMember(pubkey) })
 */
export function createJwtHandler(options: HandlerOptions = {}): RequestHandler {
  const prove = createPossessionCheck(options)
  const loaded = new WeakSet<object>()
  const logout = createLogoutHandler(options)
  const jwtEndpoint = createEndpoint(
    {
      name: 'jwt',
      methods: ['POST'],
      config: jwtEndpointConfig,
      origins: 'site',
      async run(input) {
        if (!loaded.has(input.config)) {
          loaded.add(input.config)
          warnOfOpenClaims(input.config, options, input.log)
        }
        const { subject } = await prove(input)
        const { jwt } = input.config
        const iat = Math.floor(input.now.getTime() / 1000)
        const exp = iat + jwt.ttlSeconds
        const claims = {
          ...jwt.claims,
          iss: jwt.issuer,
          sub: subject.pubkey,
          // RFC 8693 §4.1: the device key acts for the account the link names.
          ...(subject.device !== undefined && { act: { sub: subject.device } }),
          aud: jwt.audience.length === 1 ? jwt.audience[0] : jwt.audience,
          iat,
          exp,
          jti: encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))),
        }
        const header = { alg: jwt.signer.alg, kid: jwt.signer.kid, typ: jwt.type }
        const token = await signCompactJws(header, claims, jwt.signer.sign)
        const response: JwtResponse = { token, expiresAt: new Date(exp * 1000).toISOString() }
        if (!jwt.sessionCookie) return { body: response }
        return { body: response, headers: { 'Set-Cookie': sessionCookie(token, jwt.ttlSeconds) } }
      },
    },
    options,
  )
  return (request, context) => {
    return (routeSegment(request.url) === LOGOUT_ROUTE ? logout : jwtEndpoint)(request, context)
  }
}

/** `JWT_CLAIMS` without `ALLOWED_PUBKEYS` or a policy hook: every key that anyone makes gets them. */
function warnOfOpenClaims(
  config: TextileConfig & { jwt: JwtConfig },
  options: HandlerOptions,
  log: LogAnnotations,
): void {
  const names = Object.keys(config.jwt.claims)
  if (names.length === 0 || config.allowedPubkeys || options.policy) return
  log.level = 'warn'
  // Names only (JWT_CLAIMS is at most 4 KiB, so a few short ones): never a value.
  log.fields = {
    warning: 'jwt_claims_unrestricted',
    claims: names
      .slice(0, 32)
      .map((name) => name.slice(0, 64))
      .join(','),
  }
}
