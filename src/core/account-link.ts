// Account links, verified (docs/protocol.md, "Account links"): an account key (a passkey's or a
// wallet's, which the user recovers on any device) signs a short-lived statement that one device
// key may act for it. Threat model: the link is public (it travels with every login), so it only
// ever adds to a proof of possession of the device key, never replaces one; it binds the device
// (`sub`), the site (`aud`, never empty, so no origin-less client can use one) and a bounded
// lifetime, and only an authentic link is told apart as expired.
import type { CryptoProvider } from './crypto-provider.ts'
import { verifySignature } from './ed25519.ts'
import { CLOCK_SKEW_SECONDS } from './envelope.ts'
import { TokenProviderError } from './errors.ts'
import { parsePublicKey } from './keys.ts'
import { readLink } from './link-format.ts'

/** Default and ceiling of `LINK_MAX_TTL_SECONDS`: 90 and 400 days. */
export const LINK_MAX_TTL = { default: 7_776_000, max: 34_560_000 } as const

/** What a verified link says. */
export interface AccountLink {
  /** The account key string (the link's `iss`): credentials are minted for it. */
  account: string
  /** The device key string (the link's `sub`): the key that proved possession. */
  device: string
  expiresAt: Date
}

/** Options of {@link verifyAccountLink}. */
export interface VerifyAccountLinkOptions {
  link: string
  /** The device key the envelope is for (a canonical key string). */
  device: string
  /** The envelope's audience: the request's `Origin` ('' for clients without one). */
  audience: string
  now: Date
  /** Longest accepted `exp - iat`, seconds. */
  maxTtlSeconds: number
  crypto?: CryptoProvider
}

/**
 * Verifies that `link` lets `device` act for an account on `audience`, and returns the account.
 *
 * @throws `invalid_link` when malformed, for another device or site (or none), signed by anything
 *   but its `iss` (strict RFC 8032), issued in the future beyond the clock skew, or with a lifetime
 *   over `maxTtlSeconds`.
 * @throws `link_expired` when authentic but at or past its `exp`.
 * @example
 * const { account } = await verifyAccountLink({ link, device: pubkey, audience: origin, now, maxTtlSeconds })
 */
export async function verifyAccountLink(options: VerifyAccountLinkOptions): Promise<AccountLink> {
  const parts = readLink(options.link)
  if (!parts) throw invalid('The link is malformed.')
  const { claims } = parts
  if (claims.sub !== options.device) throw invalid('The link is for another device key.')
  if (options.audience === '' || claims.aud !== options.audience) {
    throw invalid('The link is for another site.')
  }
  let accountKey: Uint8Array
  try {
    accountKey = parsePublicKey(claims.iss)
  } catch {
    throw invalid('The link names no Ed25519 account key.')
  }
  if (claims.exp - claims.iat > options.maxTtlSeconds) throw invalid('The link lives too long.')
  const now = options.now.getTime() / 1000
  if (claims.iat > now + CLOCK_SKEW_SECONDS) throw invalid('The link is issued in the future.')
  const signed = await verifySignature({
    publicKey: accountKey,
    message: parts.signingInput,
    signature: parts.signature,
    crypto: options.crypto,
  })
  if (!signed) throw invalid('The link is not signed by its account key.')
  if (now >= claims.exp) throw new TokenProviderError('link_expired')
  return { account: claims.iss, device: claims.sub, expiresAt: new Date(claims.exp * 1000) }
}

function invalid(detail: string): TokenProviderError {
  return new TokenProviderError('invalid_link', detail)
}
