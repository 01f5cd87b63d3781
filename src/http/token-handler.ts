// POST /api/token {envelope, signature} → UserAuth {key, sig, msg, token?}.
// Threat model: the caller must prove possession of the key inside a fresh envelope this
// deployment issued for the same origin (prove-possession.ts); only then is a credential minted.
import { mintApiSignature } from '../core/api-signature.ts'
import { TokenProviderError } from '../core/errors.ts'
import { mintThreadToken } from '../core/thread-token.ts'
import { createEndpoint, type HandlerOptions, type RequestHandler } from './endpoint.ts'
import { createPossessionCheck } from './prove-possession.ts'
import { optionalStringField } from './read-json.ts'
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
 * Creates the token function: verifies the envelope and the user's signature over it (and an
 * optional account `link`), applies the policy, and mints the API signature (and the thread token
 * in issuer mode, for the account with a link, with `exp` when `USER_TOKEN_TTL_SECONDS` is set).
 *
 * @throws (as problem+json) `invalid_request`, `invalid_envelope` (also "already used" in
 *   single-use mode), `envelope_expired`, `origin_not_allowed`, `invalid_signature`,
 *   `invalid_link`, `link_expired`, `link_unsupported` (a link without `HUB_ISSUER_KEY`),
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
        // Without the host key the hub mints the token and would challenge the account key,
        // which is not here: a link cannot work in hub-challenge mode.
        if (!input.config.issuer && optionalStringField(input.body, 'link') !== undefined) {
          throw new TokenProviderError('link_unsupported')
        }
        const { subject } = await prove(input)
        const { config, now } = input
        const expiresAt = new Date(now.getTime() + config.apiSigTtlSeconds * 1000)
        const { sig, msg } = await mintApiSignature({ secret: config.apiSecret, expiresAt })
        const response: TokenResponse = { key: config.apiKey, sig, msg }
        if (config.issuer) {
          response.token = await mintThreadToken({
            issuer: config.issuer,
            subject: subject.pubkey,
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
