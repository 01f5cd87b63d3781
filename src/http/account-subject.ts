// Whom a login acts for: the key that proved possession, or the account an optional `"link"` in
// the body names (src/core/account-link.ts). One place for the challenge, token and JWT
// endpoints, so a link is judged the same way at each.
import { verifyAccountLink } from '../core/account-link.ts'
import type { CryptoProvider } from '../core/crypto-provider.ts'
import { optionalStringField } from './read-json.ts'
import type { TextileConfig } from './textile-config.ts'

/** The subject of a login. */
export interface Subject {
  /** The key credentials are minted for: the account with a link, else the device key itself. */
  pubkey: string
  /** With a link: the device key that proved possession. */
  device?: string
}

/** What {@link subjectOf} needs. */
export interface SubjectInput {
  body: Record<string, unknown>
  /** The device key: the challenge's `pubkey`, or the opened envelope's. */
  pubkey: string
  /** The envelope's audience (the request's `Origin`, '' without one). */
  audience: string
  config: TextileConfig
  now: Date
  crypto?: CryptoProvider
}

/**
 * The subject of a request: `{pubkey}` without a `link`, `{pubkey: account, device}` with a
 * valid one.
 *
 * @throws `invalid_request` for a `link` that is not a string; `invalid_link`, `link_expired` as
 *   `verifyAccountLink`.
 * @example
 * const subject = await subjectOf({ body, pubkey, audience: origin, config, now })
 */
export async function subjectOf(input: SubjectInput): Promise<Subject> {
  const link = optionalStringField(input.body, 'link')
  if (link === undefined) return { pubkey: input.pubkey }
  const { account, device } = await verifyAccountLink({
    link,
    device: input.pubkey,
    audience: input.audience,
    now: input.now,
    maxTtlSeconds: input.config.linkMaxTtlSeconds,
    ...(input.crypto && { crypto: input.crypto }),
  })
  return { pubkey: account, device }
}
