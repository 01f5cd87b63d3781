// The runtime seam (SimpleWebAuthn's helpers/iso/* is the model): the core's HMAC and Ed25519 go
// through a provider that the caller passes in. Web Crypto (web-crypto.ts) is the default and runs
// everywhere; a host may pass faster native primitives (src/node/crypto.ts for node:crypto).
// Threat model: a provider sees secrets and must be byte-identical to Web Crypto; the core still
// runs every strictness check (Ed25519 S < L, lengths) before a provider sees a signature.
// A key remembers the provider that imported it, so one handler never mixes two.

/**
 * HMAC-SHA256 and Ed25519 primitives. Handles are opaque to the core; results must equal Web
 * Crypto's byte for byte. Any method may return synchronously.
 */
export interface CryptoProvider {
  /** Shown in benchmarks and logs, such as `'node:crypto'`. */
  readonly name: string
  /** Prepares an HMAC-SHA256 key from raw secret bytes. */
  importHmacKey(secret: Uint8Array): unknown
  /** HMAC-SHA256 (RFC 2104) of `data` under a key from {@link CryptoProvider.importHmacKey}. */
  hmacSha256(key: unknown, data: Uint8Array): Uint8Array | Promise<Uint8Array>
  /** Plain Ed25519 verification (RFC 8032) of 64-byte `signature` by a raw 32-byte key. */
  ed25519Verify(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): boolean | Promise<boolean>
  /** Prepares an Ed25519 signing key from its 32-byte seed and derives the raw public key. */
  importEd25519Seed(
    seed: Uint8Array,
  ): { key: unknown; publicKey: Uint8Array } | Promise<{ key: unknown; publicKey: Uint8Array }>
  /** Plain Ed25519 signature (64 bytes) with a key from {@link CryptoProvider.importEd25519Seed}. */
  ed25519Sign(key: unknown, message: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/** PKCS #8 prefix of an Ed25519 private key (RFC 8410 §7); the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]

/**
 * The PKCS #8 DER of an Ed25519 seed (RFC 8410 §7), the form key imports take. Zero it after use.
 *
 * @example
 * const der = ed25519Pkcs8(seed) // 48 bytes
 */
export function ed25519Pkcs8(seed: Uint8Array): Uint8Array<ArrayBuffer> {
  if (seed.length !== 32) throw new TypeError('an Ed25519 seed has 32 bytes')
  const der = new Uint8Array(48)
  der.set(ED25519_PKCS8_PREFIX)
  der.set(seed, 16)
  return der
}
