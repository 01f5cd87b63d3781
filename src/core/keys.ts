// Textile key strings: multibase 'b' (base32) of the libp2p protobuf key (docs/protocol.md §2).
// PublicKey = 08 <type> 12 <len> <data>; Ed25519 is type 1 with 32 bytes of data.
// Threat model: a key string is an identity (allowlists, policy hooks and the hub compare strings),
// so each key has exactly one accepted spelling: canonical base32, minimal varints, y < p. Keys of
// small order are refused outright: for them an all-zero-S signature verifies for every message
// (the identity point) or a fixed share of messages, so possession would prove nothing.
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
      // A last byte of 0 after a continuation is an overlong (second) spelling of the same value.
      if ((byte & 0x80) === 0) return byte === 0 && shift > 0 ? undefined : value
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

/** Ed25519 encodings of small order, sign bit cleared (libsodium's blocklist, y < p ones). */
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
]

/** True for a canonical (y < p, RFC 8032 §5.1.3) encoding of a point that is not of small order. */
function isStrongPoint(key: Uint8Array): boolean {
  let hex = ''
  for (let i = 0; i < 32; i++)
    hex += (i === 31 ? key[i]! & 0x7f : key[i]!).toString(16).padStart(2, '0')
  if (SMALL_ORDER.includes(hex)) return false
  // y >= p = 2^255 - 19 only when y is ffff…ff7f with a low byte of ed or more.
  return !/^(e[d-f]|f[0-9a-f])f{60}7f$/.test(hex)
}

function decodeKeyString(text: string): { type: number; data: Uint8Array } | undefined {
  if (text.length < 2 || text.length > MAX_KEY_STRING || text[0] !== 'b') return undefined
  const bytes = decodeBase32(text.slice(1))
  return bytes && parseKeyProto(bytes)
}

/**
 * Decodes a Textile public key string into the raw 32-byte Ed25519 key.
 *
 * @throws `invalid_pubkey` when the string is not a decodable libp2p public key, not its one
 *   canonical spelling, or an Ed25519 point of small order.
 * @throws `unsupported_key_type` for a valid libp2p key of another type (RSA, Secp256k1, ECDSA).
 * @example
 * const raw = parsePublicKey('bbaareiekrdr525aj6gk72uw3fu6luxlszjtqtpy5sqjbx43uraa3id3plq')
 */
export function parsePublicKey(text: string): Uint8Array {
  const key = decodeKeyString(text)
  if (!key || !KEY_TYPES.has(key.type)) throw new TokenProviderError('invalid_pubkey')
  if (key.type !== ED25519) throw new TokenProviderError('unsupported_key_type')
  if (key.data.length !== 32 || !isStrongPoint(key.data)) {
    throw new TokenProviderError('invalid_pubkey')
  }
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
