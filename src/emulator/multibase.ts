// Multibase decoding of the `x-textile-api-sig` header: the hub reads it with go-multibase's
// Decode, so any common base is accepted, not only the 'b' (base32) that createAPISig writes.
import { Buffer } from 'node:buffer'
import { decodeBase32 } from '../core/encoding.ts'

const HEX = /^(?:[0-9a-f]{2})*$/
const B64 = /^[A-Za-z0-9+/]*={0,2}$/
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/

/**
 * Decodes a multibase string in base32 (b/B), base16 (f/F), base64 (m/M) or base64url (u/U).
 * Undefined for anything else.
 *
 * @example
 * decodeMultibase('bgovf4j2y…') // Uint8Array(32)
 */
export function decodeMultibase(text: string): Uint8Array | undefined {
  const body = text.slice(1)
  switch (text[0]) {
    case 'b':
      return decodeBase32(body)
    case 'B':
      return decodeBase32(body.toLowerCase())
    case 'f':
    case 'F':
      return HEX.test(body.toLowerCase()) ? new Uint8Array(Buffer.from(body, 'hex')) : undefined
    case 'm':
    case 'M':
      return B64.test(body) ? new Uint8Array(Buffer.from(body, 'base64')) : undefined
    case 'u':
    case 'U':
      return B64URL.test(body) ? new Uint8Array(Buffer.from(body, 'base64url')) : undefined
    default:
      return undefined
  }
}
