// Byte encodings used on the wire: base32 (base32.ts) and base64url / base64 (base64.ts),
// re-exported here beside UTF-8, hex and constant-time equality. Code bound for the browser
// imports base64.ts itself, so that a bundle does not carry base32's tables with it.
export { decodeBase32, encodeBase32 } from './base32.ts'
export { decodeBase64, encodeBase64Url } from './base64.ts'

const encoder = new TextEncoder()

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text)
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

/** Constant-time equality of two byte strings (length is not secret). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
