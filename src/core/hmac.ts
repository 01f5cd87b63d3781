// HMAC-SHA256 (RFC 2104), HKDF-SHA256 (RFC 5869) and key ids, on a crypto provider (Web Crypto
// unless the caller passes another). Imported keys are kept: import is the slow part of an HMAC.
import type { CryptoProvider } from './crypto-provider.ts'
import { encodeBase64Url, utf8 } from './encoding.ts'
import { webCryptoProvider } from './web-crypto.ts'

/** A reusable HMAC-SHA256 key, remembered with the provider that imported it. */
export interface HmacKey {
  provider: CryptoProvider
  handle: unknown
}

/**
 * Imports raw bytes as an HMAC-SHA256 key.
 *
 * @example
 * const key = await importHmacKey(secret, nodeCryptoProvider)
 */
export async function importHmacKey(
  secret: Uint8Array,
  provider: CryptoProvider = webCryptoProvider,
): Promise<HmacKey> {
  return { provider, handle: await provider.importHmacKey(secret) }
}

/** HMAC-SHA256 of `data` under `key`. */
export async function hmacSha256(key: HmacKey, data: Uint8Array): Promise<Uint8Array> {
  return key.provider.hmacSha256(key.handle, data)
}

/**
 * HKDF-SHA256 (RFC 5869 §2.2–2.3) with an empty salt; `length` bytes out. Built on the provider's
 * HMAC: an empty salt pads to the same HMAC key as HashLen zeros, so the bytes equal Web Crypto's
 * `deriveBits`.
 *
 * @example
 * const okm = await hkdfSha256(ikm, 'textile-token-provider/v1 challenge-hmac', 32)
 */
export async function hkdfSha256(
  ikm: Uint8Array,
  info: string,
  length: number,
  provider: CryptoProvider = webCryptoProvider,
): Promise<Uint8Array> {
  const infoBytes = utf8(info)
  const prk = await hmacSha256(await importHmacKey(new Uint8Array(32), provider), ikm)
  const key = await importHmacKey(prk, provider)
  prk.fill(0)
  const out = new Uint8Array(length)
  let block: Uint8Array = new Uint8Array(0)
  for (let i = 1, offset = 0; offset < length; i++, offset += 32) {
    const input = new Uint8Array(block.length + infoBytes.length + 1)
    input.set(block)
    input.set(infoBytes, block.length)
    input[input.length - 1] = i
    block = await hmacSha256(key, input)
    out.set(block.subarray(0, Math.min(32, length - offset)), offset)
  }
  return out
}

/**
 * A short public name for a secret: base64url of the first 6 bytes of HMAC-SHA256(key, label).
 * Stable across instances, says nothing about the secret; the label keeps uses apart.
 *
 * @example
 * const kid = await keyId(key, 'textile-token-provider/v1 key-id')
 */
export async function keyId(key: HmacKey, label: string): Promise<string> {
  return encodeBase64Url((await hmacSha256(key, utf8(label))).subarray(0, 6))
}
