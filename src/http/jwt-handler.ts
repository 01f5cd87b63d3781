// POST /api/jwt {envelope, signature} → {token, expiresAt}: a JWT for another service (the Hivekit
// pattern), after the same proof of possession as POST /api/token.
// Threat model: the same envelope checks as the token function, in the same order (MAC, expiry,
// audience = origin, Ed25519 signature, policy, single use); only then is anything signed. The JWT
// binds the proven key (`sub`), a short lifetime and a random `jti` the service may use to refuse
// replays; its permission claims come from configuration, never from the request.
import { SignJWT } from 'jose'
import { verifySignature } from '../core/ed25519.ts'
import { decodeBase64, encodeBase64Url, utf8 } from '../core/encoding.ts'
import { openChallenge } from '../core/envelope.ts'
import { TokenProviderError } from '../core/errors.ts'
import { parsePublicKey } from '../core/keys.ts'
import { createEndpoint, type Handler, type HandlerOptions } from './endpoint.ts'
import { createBlobsEnvelopeStore, type EnvelopeStore } from './envelope-store.ts'
import { loadJwtConfig } from './jwt-config.ts'
import { checkPolicy } from './policy.ts'
import { stringField } from './read-json.ts'

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
  let envelopeStore: EnvelopeStore | undefined
  return createEndpoint('jwt', options, async ({ request, body, config, origin, now, env }) => {
    // Configuration first: a deployment without a JWT key answers every request the same way.
    const jwt = await loadJwtConfig(env)
    const envelope = stringField(body, 'envelope')
    const signature = decodeBase64(stringField(body, 'signature'))
    if (!signature) throw new TokenProviderError('invalid_request', '"signature" is not base64.')

    const claims = await openChallenge({ keyring: config.keyring, envelope, now })
    if (claims.audience !== origin) throw new TokenProviderError('origin_not_allowed')
    const publicKey = parsePublicKey(claims.pubkey)
    if (!(await verifySignature({ publicKey, message: utf8(envelope), signature }))) {
      throw new TokenProviderError('invalid_signature')
    }
    const pubkey = claims.pubkey
    await checkPolicy(config, options.policy, { pubkey, origin, stage: 'token', request })
    if (config.singleUse) {
      envelopeStore ??= options.envelopeStore ?? createBlobsEnvelopeStore()
      let fresh: boolean
      try {
        fresh = await envelopeStore.claim(claims.nonce, claims.expiresAt)
      } catch (error) {
        throw new TokenProviderError('internal_error', undefined, { cause: error })
      }
      if (!fresh) throw new TokenProviderError('invalid_envelope', 'The envelope was already used.')
    }

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
