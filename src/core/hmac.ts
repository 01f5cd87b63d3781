// HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869) on Web Crypto.
// Imported keys are kept per key material: import is the slow part of a Web Crypto HMAC.

const HMAC = { name: 'HMAC', hash: 'SHA-256' }

/** A reusable HMAC-SHA256 key. */
export interface HmacKey {
  key: CryptoKey
}

/** Imports raw bytes as an HMAC-SHA256 key. */
export async function importHmacKey(secret: Uint8Array): Promise<HmacKey> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(secret), HMAC, false, ['sign'])
  return { key }
}

/** HMAC-SHA256 of `data` under `key`. */
export async function hmacSha256(key: HmacKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key.key, new Uint8Array(data)))
}

/** HKDF-SHA256 with an empty salt; `length` bytes out. */
export async function hkdfSha256(
  ikm: Uint8Array,
  info: string,
  length: number,
): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey('raw', new Uint8Array(ikm), 'HKDF', false, [
    'deriveBits',
  ])
  const params = {
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(0),
    info: new TextEncoder().encode(info),
  }
  return new Uint8Array(await crypto.subtle.deriveBits(params, base, length * 8))
}
