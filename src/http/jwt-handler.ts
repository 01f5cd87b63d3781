// POST /api/jwt {envelope, signature} → {token, expiresAt}: a JWT for another service (the Hivekit
// pattern), after the same proof of possession as POST /api/token.
// Threat model: the same envelope checks as the token function, in the same order (MAC, expiry,
// audience = origin, Ed25519 signature, policy, single use); only then is anything signed. The JWT
// binds the proven key (`sub`), a short lifetime and a random `jti` the service may use to refuse
// replays; its permission claims come from configuration, never from the request.
import { SignJWT } from 'jose'
import { encodeBase64Url } from '../core/encoding.ts'
import { createEndpoint, type Handler, type HandlerOptions } from './endpoint.ts'
import { loadJwtConfig } from './jwt-config.ts'
import { createPossessionCheck } from './prove-possession.ts'

/** The 200 body of POST /api/jwt. */
export interface JwtResponse {
  /** A compact JWS (HS256 or EdDSA) with `kid`. */
  token: string
  /** RFC 3339; the JWT's `exp`. */
  expiresAt: string
}

/**
 * Creates the JWT function: verifies the envelope and the user's signature over it exactly as the
 * token function does, applies the policy (stage `'token'`), and signs a JWT for the user's key.
 *
 * @throws (as problem+json) `invalid_request`, `invalid_envelope` (also "already used" in
 *   single-use mode), `envelope_expired`, `origin_not_allowed`, `invalid_signature`,
 *   `pubkey_not_allowed`, `server_misconfigured` (naming the JWT variable), and the transport codes.
 * @example
 * export default createJwtHandler({ policy: ({ pubkey }) => isMember(pubkey) })
 */
export function createJwtHandler(options: HandlerOptions = {}): Handler {
  const prove = createPossessionCheck(options)
  return createEndpoint('jwt', options, async (input) => {
    // Configuration first: a deployment without a JWT key answers every request the same way.
    const jwt = await loadJwtConfig(input.env)
    const { pubkey } = await prove(input)
    const { request, now } = input

    const iat = Math.floor(now.getTime() / 1000)
    const exp = iat + jwt.ttlSeconds
    const builder = new SignJWT({ ...jwt.claims })
      .setProtectedHeader({ alg: jwt.signer.alg, kid: jwt.signer.kid, typ: 'JWT' })
      .setIssuer(jwt.issuer ?? new URL(request.url).origin)
      .setSubject(pubkey)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))))
    if (jwt.audience)
      builder.setAudience(jwt.audience.length === 1 ? jwt.audience[0]! : jwt.audience)
    const response: JwtResponse = {
      token: await builder.sign(jwt.signer.key),
      expiresAt: new Date(exp * 1000).toISOString(),
    }
    return response
  })
}
