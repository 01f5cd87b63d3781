// Ed25519 (RFC 8032) on Web Crypto, so it runs unchanged in Node, Deno and browsers.
// Verification is strict: a non-canonical S (S >= L) is rejected before Web Crypto sees it,
// because not every implementation checks it (RFC 8032 §5.1.7 step 1). An installed native
// provider (crypto-provider.ts) takes over only after those checks.
import { getCryptoProvider, type NativeKey } from './crypto-provider.ts'
import { decodeBase64 } from './encoding.ts'

/** The group order L, little-endian (RFC 8032 §5.1). */
const L = new Uint8Array([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
])
/** PKCS #8 prefix of an Ed25519 private key (RFC 8410 §7); the 32-byte seed follows. */
const PKCS8_PREFIX = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]
const ALGORITHM = { name: 'Ed25519' }

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
    const provider = getCryptoProvider()
    if (provider) return (await provider.ed25519Verify(publicKey, message, signature)) === true
    const key = await crypto.subtle.importKey('raw', bytes(publicKey), ALGORITHM, false, ['verify'])
    return await crypto.subtle.verify(ALGORITHM, key, bytes(signature), bytes(message))
  } catch {
    // A public key that is not a valid point encoding fails to import (or the provider throws).
    return false
  }
}

/** An Ed25519 signing key, imported once and reused: a Web Crypto key or a native provider's. */
export interface SigningKey {
  key?: CryptoKey
  /** Raw 32-byte public key derived from the seed. */
  publicKey: Uint8Array
  /** Set instead of `key` when a provider was installed at import time. */
  native?: NativeKey
}

/**
 * Imports a 32-byte seed as a signing key and derives its public key.
 *
 * @example
 * const signer = await importSigningKey(seed)
 */
export async function importSigningKey(seed: Uint8Array): Promise<SigningKey> {
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed has 32 bytes')
  const provider = getCryptoProvider()
  if (provider) {
    const { key: handle, publicKey } = provider.importEd25519Seed(seed)
    return { publicKey, native: { provider, handle } }
  }
  const pkcs8 = new Uint8Array(48)
  pkcs8.set(PKCS8_PREFIX)
  pkcs8.set(seed, 16)
  const exportable = await crypto.subtle.importKey('pkcs8', pkcs8, ALGORITHM, true, ['sign'])
  const jwk = await crypto.subtle.exportKey('jwk', exportable)
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, ALGORITHM, false, ['sign'])
  pkcs8.fill(0)
  const publicKey = decodeBase64(jwk.x ?? '')
  if (publicKey?.length !== 32) throw new TypeError('Web Crypto exported no Ed25519 public key')
  return { key, publicKey }
}

/** Signs bytes with an imported key: plain Ed25519, 64 bytes. */
export async function sign(signer: SigningKey, message: Uint8Array): Promise<Uint8Array> {
  const { native } = signer
  if (native) return native.provider.ed25519Sign(native.handle, message)
  return new Uint8Array(await crypto.subtle.sign(ALGORITHM, signer.key!, bytes(message)))
}

/** Web Crypto wants an ArrayBuffer-backed view; copy only when handed something else. */
function bytes(view: Uint8Array): Uint8Array<ArrayBuffer> {
  return view.buffer instanceof ArrayBuffer
    ? (view as Uint8Array<ArrayBuffer>)
    : new Uint8Array(view)
}
