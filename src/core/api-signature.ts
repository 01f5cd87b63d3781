// The hub's API signature (docs/protocol.md §3, @textile/security createAPISig):
// msg = expiry.toISOString(); sig = 'b' + base32(HMAC-SHA256(multibase-decoded secret, UTF-8(msg))).
import { decodeBase32, encodeBase32, utf8 } from './encoding.ts'
import type { CryptoProvider } from './crypto-provider.ts'
import { hmacSha256, importHmacKey, type HmacKey } from './hmac.ts'

/** Decodes a hub API secret (multibase base32, as the hub issues it); undefined if it is not one. */
export function decodeApiSecret(secret: string): Uint8Array | undefined {
  if (secret.length < 2 || secret[0] !== 'b') return undefined
  const bytes = decodeBase32(secret.slice(1))
  return bytes && bytes.length > 0 ? bytes : undefined
}

/** Imports a decoded API secret once for {@link mintApiSignature}. */
export function importApiSecret(
  secretBytes: Uint8Array,
  provider?: CryptoProvider,
): Promise<HmacKey> {
  return importHmacKey(secretBytes, provider)
}

/** Options of {@link mintApiSignature}. */
export interface MintApiSignatureOptions {
  /** The imported user-group secret ({@link importApiSecret}). */
  secret: HmacKey
  /** When the signature stops being accepted by the hub. */
  expiresAt: Date
}

/** What {@link mintApiSignature} returns: the `sig` and `msg` of a `UserAuth`. */
export interface MintApiSignatureResult {
  sig: string
  msg: string
}

/**
 * Mints an API signature byte-identical to `createAPISig(secret, expiresAt)`.
 *
 * @example
 * const { sig, msg } = await mintApiSignature({ secret, expiresAt: new Date(now + 600_000) })
 */
export async function mintApiSignature(
  options: MintApiSignatureOptions,
): Promise<MintApiSignatureResult> {
  const msg = options.expiresAt.toISOString()
  const mac = await hmacSha256(options.secret, utf8(msg))
  return { sig: 'b' + encodeBase32(mac), msg }
}
