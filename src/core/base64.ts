// RFC 4648 base64url (§5, unpadded) and standard base64 (§4). Strict decoder: one alphabet,
// padding only to a multiple of four, and one spelling per byte string (non-zero bits after the
// last byte are refused); anything off returns undefined. Apart from base32.ts so that the browser
// SDK takes base64url alone; a table rather than `atob`/`btoa`, which are slow in Node.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const URL_ALPHABET = /^[A-Za-z0-9_-]*$/
const STANDARD_ALPHABET = /^[A-Za-z0-9+/]*$/
const INDEX = new Uint8Array(128)
for (let i = 0; i < 64; i++) INDEX[ALPHABET.charCodeAt(i)] = i
INDEX[43] = 62 // '+'
INDEX[47] = 63 // '/'

/** base64url without padding (RFC 4648 §5). */
export function encodeBase64Url(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!
    out += ALPHABET[n & 63]!
  }
  return out.slice(0, Math.ceil((bytes.length * 4) / 3))
}

/**
 * Decodes base64url or standard base64, padding optional (not mixed alphabets).
 * Returns undefined for anything else, including non-zero trailing bits.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const body = text.length % 4 === 0 ? text.replace(/={1,2}$/, '') : text
  if (body.length % 4 === 1) return undefined
  if (!URL_ALPHABET.test(body) && !STANDARD_ALPHABET.test(body)) return undefined
  const out = new Uint8Array((body.length * 3) >> 2)
  let buffer = 0
  let bits = 0
  let index = 0
  for (let i = 0; i < body.length; i++) {
    buffer = (buffer << 6) | INDEX[body.charCodeAt(i)]!
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[index++] = buffer >>> bits
    }
    buffer &= (1 << bits) - 1
  }
  return buffer === 0 ? out : undefined
}
