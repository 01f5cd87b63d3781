// RFC 4648 base32, lowercase and unpadded, as multibase 'b' spells Textile keys and secrets.
// Strict decoder: anything off returns undefined. Apart from base64.ts so that code that needs
// only base64url (the browser SDK) does not carry these tables.

const B32 = 'abcdefghijklmnopqrstuvwxyz234567'
const B32_INDEX = new Int8Array(128).fill(-1)
for (let i = 0; i < 32; i++) B32_INDEX[B32.charCodeAt(i)] = i

/** RFC 4648 base32, lowercase, no padding. */
export function encodeBase32(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += B32[(buffer >>> bits) & 31]
    }
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) out += B32[(buffer << (5 - bits)) & 31]
  return out
}

/** Decodes lowercase unpadded base32; undefined for any other character or non-canonical tail. */
export function decodeBase32(text: string): Uint8Array | undefined {
  const rem = text.length % 8
  if (rem === 1 || rem === 3 || rem === 6) return undefined
  const out = new Uint8Array(Math.floor((text.length * 5) / 8))
  let buffer = 0
  let bits = 0
  let index = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? B32_INDEX[code]! : -1
    if (value < 0) return undefined
    buffer = (buffer << 5) | value
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[index++] = (buffer >>> bits) & 0xff
    }
    buffer &= (1 << bits) - 1
  }
  // Leftover bits must be zero, so that each byte string has exactly one encoding.
  if (buffer !== 0) return undefined
  return out
}
