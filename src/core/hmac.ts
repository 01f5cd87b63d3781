// HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869) on Web Crypto.
// Imported keys are kept per key material: import is the slow part of a Web Crypto HMAC. A key
// imported while a native provider is installed (crypto-provider.ts) lives in that provider only,
// so a host with one never initialises Web Crypto for these keys.
import { getCryptoProvider, type NativeKey } from './crypto-provider.ts'

const HMAC = { name: 'HMAC', hash: 'SHA-256' }

/** A reusable HMAC-SHA256 key: a Web Crypto key, or a native provider's. */
export interface HmacKey {
  key?: CryptoKey
  /** Set instead of `key` when a provider was installed at import time. */
  native?: NativeKey
}

/** Imports raw bytes as an HMAC-SHA256 key. */
export async function importHmacKey(secret: Uint8Array): Promise<HmacKey> {
  const provider = getCryptoProvider()
  if (provider) return { native: { provider, handle: provider.importHmacKey(secret) } }
  const key = await crypto.subtle.importKey('raw', new Uint8Array(secret), HMAC, false, ['sign'])
  return { key }
}

/** HMAC-SHA256 of `data` under `key`. */
export async function hmacSha256(key: HmacKey, data: Uint8Array): Promise<Uint8Array> {
  if (key.native) return key.native.provider.hmacSha256(key.native.handle, data)
  return new Uint8Array(await crypto.subtle.sign('HMAC', key.key!, new Uint8Array(data)))
}

/** HKDF-SHA256 with an empty salt; `length` bytes out. */
export async function hkdfSha256(
  ikm: Uint8Array,
  info: string,
  length: number,
): Promise<Uint8Array> {
  const infoBytes = new TextEncoder().encode(info)
  if (getCryptoProvider()) return hkdfOverHmac(ikm, infoBytes, length)
  const base = await crypto.subtle.importKey('raw', new Uint8Array(ikm), 'HKDF', false, [
    'deriveBits',
  ])
  const params = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: infoBytes }
  return new Uint8Array(await crypto.subtle.deriveBits(params, base, length * 8))
}

// RFC 5869 §2.2–2.3 on the provider's HMAC. An empty salt pads to the same HMAC key as
// HashLen zeros, so the output equals Web Crypto's deriveBits byte for byte.
async function hkdfOverHmac(ikm: Uint8Array, info: Uint8Array, length: number) {
  const prk = await hmacSha256(await importHmacKey(new Uint8Array(32)), ikm)
  const key = await importHmacKey(prk)
  prk.fill(0)
  const out = new Uint8Array(length)
  let block: Uint8Array = new Uint8Array(0)
  for (let i = 1, offset = 0; offset < length; i++, offset += 32) {
    const input = new Uint8Array(block.length + info.length + 1)
    input.set(block)
    input.set(info, block.length)
    input[input.length - 1] = i
    block = await hmacSha256(key, input)
    out.set(block.subarray(0, Math.min(32, length - offset)), offset)
  }
  return out
}
