// Textile key strings: multibase 'b' (base32) of the libp2p protobuf key (textile-protocol.md).
// PublicKey = 08 <type> 12 <len> <data>; Ed25519 is type 1 with 32 bytes of data.
import { decodeBase32, encodeBase32 } from './encoding.ts'
import { TokenProviderError } from './errors.ts'

/** libp2p key types (libp2p crypto.proto). */
const KEY_TYPES = new Set([0, 1, 2, 3])
const ED25519 = 1
/** Longest key string worth decoding: an RSA-4096 public key is ~900 base32 chars. */
const MAX_KEY_STRING = 2048

/** A parsed libp2p key protobuf, or undefined when the bytes are not exactly one. */
function parseKeyProto(bytes: Uint8Array): { type: number; data: Uint8Array } | undefined {
  let offset = 0
  const varint = (): number | undefined => {
    let value = 0
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = bytes[offset++]
      if (byte === undefined) return undefined
      value |= (byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return value
    }
    return undefined
  }
  if (bytes[offset++] !== 0x08) return undefined
  const type = varint()
  if (type === undefined || bytes[offset++] !== 0x12) return undefined
  const length = varint()
  if (length === undefined || offset + length !== bytes.length) return undefined
  return { type, data: bytes.subarray(offset) }
}

function decodeKeyString(text: string): { type: number; data: Uint8Array } | undefined {
  if (text.length < 2 || text.length > MAX_KEY_STRING || text[0] !== 'b') return undefined
  const bytes = decodeBase32(text.slice(1))
  return bytes && parseKeyProto(bytes)
}

/**
 * Decodes a Textile public key string into the raw 32-byte Ed25519 key.
 *
 * @throws `invalid_pubkey` when the string is not a decodable libp2p public key.
 * @throws `unsupported_key_type` for a valid libp2p key of another type (RSA, Secp256k1, ECDSA).
 * @example
 * const raw = parsePublicKey('bbaareiekrdr525aj6gk72uw3fu6luxlszjtqtpy5sqjbx43uraa3id3plq')
 */
export function parsePublicKey(text: string): Uint8Array {
  const key = decodeKeyString(text)
  if (!key || !KEY_TYPES.has(key.type)) throw new TokenProviderError('invalid_pubkey')
  if (key.type !== ED25519) throw new TokenProviderError('unsupported_key_type')
  if (key.data.length !== 32) throw new TokenProviderError('invalid_pubkey')
  return key.data.slice()
}

/**
 * Encodes a raw 32-byte Ed25519 public key as a Textile public key string.
 *
 * @example
 * formatPublicKey(raw) // 'bbaarei…'
 */
export function formatPublicKey(raw: Uint8Array): string {
  if (raw.length !== 32) throw new TypeError('an Ed25519 public key has 32 bytes')
  const bytes = new Uint8Array(36)
  bytes.set([0x08, 0x01, 0x12, 0x20])
  bytes.set(raw, 4)
  return 'b' + encodeBase32(bytes)
}

/** The parts of a Textile Ed25519 private key string. */
export interface ParsedPrivateKey {
  /** The 32-byte RFC 8032 seed (the only part that matters for signing). */
  seed: Uint8Array
  /** The 32-byte public key stored beside it. */
  publicKey: Uint8Array
}

/**
 * Decodes a Textile private key string (`08 01 12 40 ‖ seed ‖ pub`).
 * Used for configuration only: the caller maps failure to `server_misconfigured`.
 *
 * @example
 * const { seed } = parsePrivateKey(process.env.HUB_ISSUER_KEY)
 */
export function parsePrivateKey(text: string): ParsedPrivateKey | undefined {
  const key = decodeKeyString(text)
  if (!key || key.type !== ED25519 || key.data.length !== 64) return undefined
  return { seed: key.data.slice(0, 32), publicKey: key.data.slice(32) }
}

/** Encodes a seed and its public key as a Textile private key string. */
export function formatPrivateKey(seed: Uint8Array, publicKey: Uint8Array): string {
  if (seed.length !== 32 || publicKey.length !== 32) throw new TypeError('32-byte seed and key')
  const bytes = new Uint8Array(68)
  bytes.set([0x08, 0x01, 0x12, 0x40])
  bytes.set(seed, 4)
  bytes.set(publicKey, 36)
  return 'b' + encodeBase32(bytes)
}
