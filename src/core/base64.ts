// RFC 4648 base64url (§5, unpadded) and standard base64 (§4). Strict decoder: anything off
// returns undefined. Apart from base32.ts so that the browser SDK takes base64url alone.

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const B64_INDEX = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) B64_INDEX[B64URL.charCodeAt(i)] = i
B64_INDEX['+'.charCodeAt(0)] = 62
B64_INDEX['/'.charCodeAt(0)] = 63

/** base64url without padding (RFC 4648 §5). */
export function encodeBase64Url(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]! + B64URL[n & 63]!
  }
  const left = bytes.length - i
  if (left === 1) {
    const n = bytes[i]! << 16
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]!
  } else if (left === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]!
  }
  return out
}

/**
 * Decodes base64url or standard base64, padding optional (not mixed alphabets).
 * Returns undefined for anything else, including non-zero trailing bits.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  let end = text.length
  if (end % 4 === 0 && end > 0) {
    if (text.charCodeAt(end - 1) === 61) end--
    if (text.charCodeAt(end - 1) === 61) end--
  }
  if (end % 4 === 1) return undefined
  let url = false
  let std = false
  const out = new Uint8Array(Math.floor((end * 3) / 4))
  let buffer = 0
  let bits = 0
  let index = 0
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? B64_INDEX[code]! : -1
    if (value < 0) return undefined
    if (code === 45 || code === 95) url = true
    else if (code === 43 || code === 47) std = true
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[index++] = (buffer >>> bits) & 0xff
    }
    buffer &= (1 << bits) - 1
  }
  if (url && std) return undefined
  if (buffer !== 0) return undefined
  return out
}
