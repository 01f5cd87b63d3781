// POST /api/challenge {pubkey} → {envelope, expiresAt}: no storage, one HMAC.
import { issueChallenge } from '../core/envelope.ts'
import { parsePublicKey } from '../core/keys.ts'
import { subjectOf } from './account-subject.ts'
import { createEndpoint, type HandlerOptions, type RequestHandler } from './endpoint.ts'
import { checkDenied, checkPolicy } from './policy.ts'
import { stringField } from './read-json.ts'
import { textileConfig } from './textile-config.ts'

/** The 200 body of POST /api/challenge. */
export interface ChallengeResponse {
  envelope: string
  /** RFC 3339. */
  expiresAt: string
}

/**
 * Creates the challenge function: validates the key (and an optional account `link` for it),
 * refuses a `DENIED_PUBKEYS` key, applies the allowlist and the policy (unless
 * `POLICY_AT_CHALLENGE=false`; with a link they judge the account), issues an envelope bound to
 * the key and the caller's origin.
 *
 * @throws (as problem+json) `invalid_request`, `invalid_pubkey`, `unsupported_key_type`,
 *   `invalid_link`, `link_expired`, `pubkey_not_allowed`, `origin_not_allowed`, and the transport
 *   codes of every endpoint.
 * @example
 * export default createChallengeHandler({ policy: ({ pubkey }) => isMember(pubkey) })
 */
export function createChallengeHandler(options: HandlerOptions = {}): RequestHandler {
  return createEndpoint(
    {
      name: 'challenge',
      methods: ['POST'],
      config: textileConfig,
      origins: 'site',
      async run({ request, body, config, origin, now }) {
        const pubkey = stringField(body, 'pubkey')
        parsePublicKey(pubkey)
        const subject = await subjectOf({
          body,
          pubkey,
          audience: origin,
          config,
          now,
          ...(options.crypto && { crypto: options.crypto }),
        })
        if (config.policyAtChallenge) {
          await checkPolicy(config, options.policy, {
            ...subject,
            origin,
            stage: 'challenge',
            request,
          })
        } else {
          checkDenied(config, subject) // the deny list runs at every stage
        }
        const { envelope, expiresAt } = await issueChallenge({
          keyring: config.keyring,
          pubkey,
          audience: origin,
          now,
          ttlSeconds: config.challengeTtlSeconds,
        })
        const response: ChallengeResponse = { envelope, expiresAt: expiresAt.toISOString() }
        return { body: response }
      },
    },
    options,
  )
}
