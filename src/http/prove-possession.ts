// The proof of possession that every credential-minting endpoint runs, in one place and one order:
// body shape → envelope MAC and lifetime → audience = origin → Ed25519 signature over the envelope
// → an optional account link for the proven key (account-subject.ts) → policy (DENIED_PUBKEYS,
// ALLOWED_PUBKEYS, the app's hook: policy.ts) → (single-use mode) first redemption. Nothing is
// minted until all of it passed.
import { verifySignature } from '../core/ed25519.ts'
import { decodeBase64, utf8 } from '../core/encoding.ts'
import { openChallenge, type ChallengeClaims } from '../core/envelope.ts'
import { TokenProviderError } from '../core/errors.ts'
import { parsePublicKey } from '../core/keys.ts'
import { subjectOf, type Subject } from './account-subject.ts'
import type { EndpointInput, HandlerOptions } from './endpoint.ts'
import { createBlobsEnvelopeStore, type EnvelopeStore } from './envelope-store.ts'
import { checkPolicy } from './policy.ts'
import { stringField } from './read-json.ts'
import type { TextileConfig } from './textile-config.ts'

/** What a passed check proved: the envelope's claims and whom the login acts for. */
export interface Possession {
  claims: ChallengeClaims
  subject: Subject
}

/** Checks a `{envelope, signature, link?}` body and returns what it proved. */
export type PossessionCheck = (input: EndpointInput<TextileConfig>) => Promise<Possession>

/**
 * Creates the check for one handler (it keeps that handler's single-use store, made on first use).
 *
 * @throws `invalid_request`, `invalid_envelope` (also "already used" in single-use mode),
 *   `envelope_expired`, `origin_not_allowed`, `invalid_signature`, `invalid_link`,
 *   `link_expired`, `pubkey_not_allowed`, `internal_error` when the single-use store cannot answer.
 * @example
 * const prove = createPossessionCheck(options)
 * const { subject } = await prove(input) // subject.pubkey: the account with a link
 */
export function createPossessionCheck(options: HandlerOptions): PossessionCheck {
  let store: EnvelopeStore | undefined
  return async ({ request, body, config, origin, now }) => {
    const envelope = stringField(body, 'envelope')
    const signature = decodeBase64(stringField(body, 'signature'))
    if (!signature) throw new TokenProviderError('invalid_request', '"signature" is not base64.')

    const claims = await openChallenge({ keyring: config.keyring, envelope, now })
    if (claims.audience !== origin) throw new TokenProviderError('origin_not_allowed')
    const publicKey = parsePublicKey(claims.pubkey)
    const message = utf8(envelope)
    if (!(await verifySignature({ publicKey, message, signature, crypto: options.crypto }))) {
      throw new TokenProviderError('invalid_signature')
    }
    const subject = await subjectOf({
      body,
      pubkey: claims.pubkey,
      audience: claims.audience,
      config,
      now,
      ...(options.crypto && { crypto: options.crypto }),
    })
    await checkPolicy(config, options.policy, { ...subject, origin, stage: 'token', request })
    if (config.singleUse) {
      store ??= options.envelopeStore ?? createBlobsEnvelopeStore()
      await redeemOnce(store, claims)
    }
    return { claims, subject }
  }
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
