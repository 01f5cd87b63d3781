// POST /api/token {envelope, signature} → UserAuth {key, sig, msg, token?}.
// Threat model: the caller must prove possession of the key inside a fresh envelope this
// deployment issued for the same origin (prove-possession.ts); only then is a credential minted.
import { mintApiSignature } from '../core/api-signature.ts'
import { mintThreadToken } from '../core/thread-token.ts'
import { createEndpoint, type HandlerOptions, type RequestHandler } from './endpoint.ts'
import { createPossessionCheck } from './prove-possession.ts'
import { textileConfig } from './textile-config.ts'

/** The 200 body of POST /api/token: a `@textile/hub` `UserAuth`. */
export interface TokenResponse {
  key: string
  sig: string
  msg: string
  /** Present exactly in issuer mode (`HUB_ISSUER_KEY` set). */
  token?: string
}

/**
 * Creates the token function: verifies the envelope and the user's signature over it, applies the
 * policy, and mints the API signature (and the thread token in issuer mode, with `exp` when
 * `USER_TOKEN_TTL_SECONDS` is set).
 *
 * @throws (as problem+json) `invalid_request`, `invalid_envelope` (also "already used" in
 *   single-use mode), `envelope_expired`, `origin_not_allowed`, `invalid_signature`,
 *   `pubkey_not_allowed`, `internal_error` when the single-use store cannot answer, and the
 *   transport codes.
 * @example
 * export default createTokenHandler()
 */
export function createTokenHandler(options: HandlerOptions = {}): RequestHandler {
  const prove = createPossessionCheck(options)
  return createEndpoint(
    {
      name: 'token',
      methods: ['POST'],
      config: textileConfig,
      origins: 'site',
      async run(input) {
        const { pubkey } = await prove(input)
        const { config, now } = input
        const expiresAt = new Date(now.getTime() + config.apiSigTtlSeconds * 1000)
        const { sig, msg } = await mintApiSignature({ secret: config.apiSecret, expiresAt })
        const response: TokenResponse = { key: config.apiKey, sig, msg }
        if (config.issuer) {
          response.token = await mintThreadToken({
            issuer: config.issuer,
            subject: pubkey,
            now,
            ttlSeconds: config.userTokenTtlSeconds,
          })
        }
        return { body: response }
      },
    },
    options,
  )
}
