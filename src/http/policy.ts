// Who may obtain credentials. The built-in user model is the ALLOWED_PUBKEYS allowlist; an app's
// own user model (a database lookup, an invite list, a paywall) plugs in as a `PubkeyPolicy`.
import { TokenProviderError } from '../core/errors.ts'
import type { TextileConfig } from './textile-config.ts'

/** What a policy decides on. `origin` is '' for clients that send no `Origin` header. */
export interface PolicyInput {
  pubkey: string
  origin: string
  stage: 'challenge' | 'token'
  request: Request
}

/** An app's own user model: return true to let the key through. Runs after the allowlist. */
export type PubkeyPolicy = (input: PolicyInput) => boolean | Promise<boolean>

/**
 * Applies the allowlist, then the app's policy.
 *
 * @throws `pubkey_not_allowed` when either refuses.
 */
export async function checkPolicy(
  config: TextileConfig,
  policy: PubkeyPolicy | undefined,
  input: PolicyInput,
): Promise<void> {
  if (config.allowedPubkeys && !config.allowedPubkeys.has(input.pubkey)) {
    throw new TokenProviderError('pubkey_not_allowed')
  }
  if (policy && (await policy(input)) !== true) throw new TokenProviderError('pubkey_not_allowed')
}
