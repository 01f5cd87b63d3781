// Ed25519 (RFC 8032) on a crypto provider (Web Crypto unless the caller passes another), so it runs
// unchanged in Node, Deno and browsers. Verification is strict: a non-canonical S (S >= L) is
// rejected before the provider sees it, because not every implementation checks it
// (RFC 8032 §5.1.7 step 1).
import type { CryptoProvider } from './crypto-provider.ts'
import { webCryptoProvider } from './web-crypto.ts'

/** The group order L, little-endian (RFC 8032 §5.1). */
const L = new Uint8Array([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
])

/** True when the little-endian scalar S is below L. */
function isCanonicalScalar(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i]! < L[i]!) return true
    if (s[i]! > L[i]!) return false
  }
  return false
}

/** Options of {@link verifySignature}. */
export interface VerifySignatureOptions {
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array
  message: Uint8Array
  /** 64-byte signature R ‖ S. */
  signature: Uint8Array
  /** Default Web Crypto. */
  crypto?: CryptoProvider
}

/**
 * Verifies a plain Ed25519 signature strictly per RFC 8032. Never throws for bad input.
 *
 * @example
 * if (!(await verifySignature({ publicKey, message, signature }))) throw new TokenProviderError('invalid_signature')
 */
export async function verifySignature(options: VerifySignatureOptions): Promise<boolean> {
  const { publicKey, message, signature } = options
  if (publicKey.length !== 32 || signature.length !== 64) return false
  if (!isCanonicalScalar(signature.subarray(32))) return false
  try {
    const provider = options.crypto ?? webCryptoProvider
    return (await provider.ed25519Verify(publicKey, message, signature)) === true
  } catch {
    // A public key that is not a valid point encoding fails to import.
    return false
  }
}

/** An Ed25519 signing key, imported once and reused, with the provider that imported it. */
export interface SigningKey {
  provider: CryptoProvider
  handle: unknown
  /** Raw 32-byte public key derived from the seed. */
  publicKey: Uint8Array
}

/**
 * Imports a 32-byte seed as a signing key and derives its public key.
 *
 * @example
 * const signer = await importSigningKey(seed)
 */
export async function importSigningKey(
  seed: Uint8Array,
  provider: CryptoProvider = webCryptoProvider,
): Promise<SigningKey> {
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed has 32 bytes')
  const { key, publicKey } = await provider.importEd25519Seed(seed)
  return { provider, handle: key, publicKey }
}

/** Signs bytes with an imported key: plain Ed25519, 64 bytes. */
export async function sign(signer: SigningKey, message: Uint8Array): Promise<Uint8Array> {
  return signer.provider.ed25519Sign(signer.handle, message)
}
