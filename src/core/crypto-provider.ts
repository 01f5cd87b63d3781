// The runtime seam (SimpleWebAuthn's helpers/iso/* is the model): the core speaks Web Crypto only,
// and a host may install faster native primitives behind this interface. Web Crypto's HMAC and
// Ed25519 are asynchronous (a thread-pool hop per call in Node), which dominates a request that
// needs only microseconds of work. Threat model: a provider sees secrets and must be byte-identical
// to Web Crypto; the core still runs every strictness check (Ed25519 S < L, lengths) before it.
// A key belongs to whichever side imported it: keys imported with a provider installed use it,
// keys imported without one use Web Crypto, whatever is installed later.

/**
 * Native HMAC-SHA256 and Ed25519 primitives. Handles are opaque to the core; results must equal
 * Web Crypto's byte for byte. Any method may return synchronously.
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
  importEd25519Seed(seed: Uint8Array): { key: unknown; publicKey: Uint8Array }
  /** Plain Ed25519 signature (64 bytes) with a key from {@link CryptoProvider.importEd25519Seed}. */
  ed25519Sign(key: unknown, message: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/** A key prepared by a provider, remembered with the provider that made it. */
export interface NativeKey {
  provider: CryptoProvider
  handle: unknown
}

let installed: CryptoProvider | undefined

/**
 * Installs a native provider for the core's HMAC and Ed25519 (or removes it with `undefined`).
 * Call it once at startup, before keys are imported; hosts without one use Web Crypto.
 *
 * @example
 * setCryptoProvider(nodeCryptoProvider) // functions/token.ts, from src/node/crypto.ts
 */
export function setCryptoProvider(provider: CryptoProvider | undefined): void {
  installed = provider
}

/**
 * The installed provider, if any.
 *
 * @example
 * getCryptoProvider()?.name // 'node:crypto' in the Netlify functions, undefined elsewhere
 */
export function getCryptoProvider(): CryptoProvider | undefined {
  return installed
}
