// Who may obtain credentials. The built-in user model is the ALLOWED_PUBKEYS allowlist; an app's
// own user model (a database lookup, an invite list, a paywall) plugs in as a `PubkeyPolicy`.
// DENIED_PUBKEYS revokes keys without code: it is checked at every stage (even with
// POLICY_AT_CHALLENGE=false, and for envelopes issued before the key was denied) and beats both.
// Threat model: a key string is an identity, so every list compares canonical spellings only
// (src/core/keys.ts accepts no other); a second spelling of a denied key cannot slip through.
import { TokenProviderError } from '../core/errors.ts'
import { canonicalPubkey, type TextileConfig } from './textile-config.ts'

/**
 * What a policy decides on. `origin` is '' for clients that send no `Origin` header. With an
 * account link, `pubkey` is the account key (credentials are minted for it) and `device` the key
 * that proved possession; without one, `device` is absent.
 */
export interface PolicyInput {
  pubkey: string
  device?: string
  origin: string
  stage: 'challenge' | 'token'
  request: Request
}

/** An app's own user model: return true to let the key through. Runs after the allowlist. */
export type PubkeyPolicy = (input: PolicyInput) => boolean | Promise<boolean>

/**
 * Refuses a login whose key is on the deny list (`DENIED_PUBKEYS`), whatever the allowlist and
 * the policy say: the account's and, with a link, the device's.
 *
 * @throws `pubkey_not_allowed` for a denied key; `invalid_pubkey` / `unsupported_key_type` for
 *   a string that is not an Ed25519 public key.
 * @example
 * checkDenied(config, subject) // { pubkey, device? } from account-subject.ts
 */
export function checkDenied(
  config: TextileConfig,
  keys: Pick<PolicyInput, 'pubkey' | 'device'>,
): void {
  if (config.deniedPubkeys.size === 0) return
  for (const key of [keys.pubkey, keys.device]) {
    // Canonical on both sides, so the comparison cannot depend on how the key was spelled.
    if (key !== undefined && config.deniedPubkeys.has(canonicalPubkey(key))) {
      throw new TokenProviderError('pubkey_not_allowed')
    }
  }
}

/**
 * Applies the deny list (to the account and the device), then the allowlist and the app's policy
 * (to the account, the policy seeing the device too).
 *
 * @throws `pubkey_not_allowed` when any of them refuses.
 */
export async function checkPolicy(
  config: TextileConfig,
  policy: PubkeyPolicy | undefined,
  input: PolicyInput,
): Promise<void> {
  checkDenied(config, input)
  if (config.allowedPubkeys && !config.allowedPubkeys.has(input.pubkey)) {
    throw new TokenProviderError('pubkey_not_allowed')
  }
  if (policy && (await policy(input)) !== true) throw new TokenProviderError('pubkey_not_allowed')
}
