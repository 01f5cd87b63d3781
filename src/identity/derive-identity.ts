// Secret bytes (a passkey's PRF output, a wallet's signature) → HKDF-SHA-256 → 32-byte Ed25519
// seed → non-extractable key. Threat model: the input and the seed exist as bytes in the page for
// the few milliseconds of the derivation and are zeroed after; a script already running in the
// page at that moment could read them (it could hook crypto.subtle) or keep the CryptoKey, and
// then holds the identity for good. One that comes later cannot, but it can sign while it runs.
// Web Crypto cannot export the public key of a non-extractable private key, so the core's
// importSigningKey reads it from a short-lived extractable import of the same seed (which exposes
// nothing the seed bytes beside it do not) and keeps only the non-extractable one.
import { importSigningKey } from '../core/ed25519.ts'
import { hkdfSha256 } from '../core/hmac.ts'
import {
  rethrowUnsupported,
  subtleCrypto,
  webCryptoIdentity,
  type WebCryptoIdentity,
} from './web-crypto-identity.ts'

/**
 * Derives an identity from secret bytes: the same bytes and `info` always give the same key.
 * Zeroes the seed; the caller zeroes `ikm`.
 *
 * @throws `ed25519_unsupported` when Web Crypto has no Ed25519.
 * @example
 * const identity = await deriveIdentity(prfOutput, PASSKEY_SEED_INFO)
 */
export async function deriveIdentity(ikm: Uint8Array, info: string): Promise<WebCryptoIdentity> {
  subtleCrypto() // ed25519_unsupported, not a TypeError, where the page has no Web Crypto
  // The core's HKDF (src/core/hmac.ts): the same bytes as Web Crypto's HKDF deriveBits.
  const seed = await hkdfSha256(ikm, info, 32).catch(rethrowUnsupported)
  try {
    const signer = await importSigningKey(seed).catch(rethrowUnsupported)
    return webCryptoIdentity(signer.handle as CryptoKey, signer.publicKey)
  } finally {
    seed.fill(0)
  }
}
