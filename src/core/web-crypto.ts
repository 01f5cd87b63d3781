// The default crypto provider: Web Crypto (crypto.subtle), present in browsers, Deno and Node.
import { ed25519Pkcs8, type CryptoProvider } from './crypto-provider.ts'
import { decodeBase64 } from './encoding.ts'

const HMAC = { name: 'HMAC', hash: 'SHA-256' }
const ED25519 = { name: 'Ed25519' }

/**
 * Web Crypto behind the core's {@link CryptoProvider} seam; every handler's default.
 *
 * @example
 * createTokenHandler({ crypto: webCryptoProvider })
 */
export const webCryptoProvider: CryptoProvider = {
  name: 'webcrypto',
  importHmacKey: (secret) => crypto.subtle.importKey('raw', bytes(secret), HMAC, false, ['sign']),
  hmacSha256: async (key, data) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', key as CryptoKey, bytes(data))),
  ed25519Verify: async (publicKey, message, signature) => {
    const key = await crypto.subtle.importKey('raw', bytes(publicKey), ED25519, false, ['verify'])
    return crypto.subtle.verify(ED25519, key, bytes(signature), bytes(message))
  },
  importEd25519Seed: async (seed) => {
    const der = ed25519Pkcs8(seed)
    try {
      const exportable = await crypto.subtle.importKey('pkcs8', der, ED25519, true, ['sign'])
      const { x } = await crypto.subtle.exportKey('jwk', exportable)
      const key = await crypto.subtle.importKey('pkcs8', der, ED25519, false, ['sign'])
      const publicKey = decodeBase64(x ?? '')
      if (publicKey?.length !== 32) throw new TypeError('Web Crypto exported no Ed25519 public key')
      return { key, publicKey }
    } finally {
      der.fill(0)
    }
  },
  ed25519Sign: async (key, message) =>
    new Uint8Array(await crypto.subtle.sign(ED25519, key as CryptoKey, bytes(message))),
}

/** Web Crypto wants an ArrayBuffer-backed view; copy only when handed something else. */
function bytes(view: Uint8Array): Uint8Array<ArrayBuffer> {
  return view.buffer instanceof ArrayBuffer
    ? (view as Uint8Array<ArrayBuffer>)
    : new Uint8Array(view)
}
