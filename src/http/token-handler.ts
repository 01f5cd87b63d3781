// POST /api/token {envelope, signature} → UserAuth {key, sig, msg, token?}.
// Threat model: the caller must prove possession of the key inside a fresh envelope this
// deployment issued for the same origin. Checks run cheapest first; the MAC is checked before any
// envelope content is trusted, the signature before any credential is minted.
import { mintApiSignature } from '../core/api-signature.ts'
import { verifySignature } from '../core/ed25519.ts'
import { decodeBase64, utf8 } from '../core/encoding.ts'
import { openChallenge, type ChallengeClaims } from '../core/envelope.ts'
import { TokenProviderError } from '../core/errors.ts'
import { parsePublicKey } from '../core/keys.ts'
import { mintThreadToken } from '../core/thread-token.ts'
import { createEndpoint, type Handler, type HandlerOptions } from './endpoint.ts'
import { createBlobsEnvelopeStore, type EnvelopeStore } from './envelope-store.ts'
import { checkPolicy } from './policy.ts'
import { stringField } from './read-json.ts'

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
 * policy, and mints the API signature (and the thread token in issuer mode).
 *
 * @throws (as problem+json) `invalid_request`, `invalid_envelope` (also "already used" in
 *   single-use mode), `envelope_expired`, `origin_not_allowed`, `invalid_signature`,
 *   `pubkey_not_allowed`, `internal_error` when the single-use store cannot answer, and the
 *   transport codes.
 * @example
 * export default createTokenHandler()
 */
export function createTokenHandler(options: HandlerOptions = {}): Handler {
  let envelopeStore: EnvelopeStore | undefined
  return createEndpoint('token', options, async ({ request, body, config, origin, now }) => {
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
      await redeemOnce(envelopeStore, claims)
    }

    const expiresAt = new Date(now.getTime() + config.apiSigTtlSeconds * 1000)
    const { sig, msg } = await mintApiSignature({ secret: config.apiSecret, expiresAt })
    const response: TokenResponse = { key: config.apiKey, sig, msg }
    if (config.issuer)
      response.token = await mintThreadToken({ issuer: config.issuer, subject: pubkey, now })
    return response
  })
}

/** Single-use mode: the first redemption of a nonce wins; a store failure fails closed. */
async function redeemOnce(store: EnvelopeStore, claims: ChallengeClaims): Promise<void> {
  let fresh: boolean
  try {
    fresh = await store.claim(claims.nonce, claims.expiresAt)
  } catch (error) {
    throw new TokenProviderError('internal_error', undefined, { cause: error })
  }
  if (!fresh) throw new TokenProviderError('invalid_envelope', 'The envelope was already used.')
}
