// The emulator's registry of user-group API keys and the hub's API-signature check
// (docs/protocol.md §3; hubd ValidateAPISigContext). Threat model: the key is
// public; the signature proves knowledge of the secret for a msg that has not passed yet, so it is
// recomputed and compared in constant time, and a msg in the past fails however well it is signed.
import { decodeApiSecret } from '../core/api-signature.ts'
import { encodeBase32, timingSafeEqual, utf8 } from '../core/encoding.ts'
import { hmacSha256, importHmacKey, type HmacKey } from '../core/hmac.ts'
import { parseRfc3339 } from './rfc3339.ts'

/** One registered user-group key. */
export interface ApiKeyRecord {
  key: string
  secret: string
  /** Secure keys require an API signature; insecure keys ignore the signature headers. */
  secure: boolean
  /** The imported secret (secure keys); imported in the background so registration is sync. */
  hmac?: Promise<HmacKey>
}

/** A freshly generated key pair, shaped as the hub issues them. */
export interface GeneratedApiKey {
  key: string
  secret: string
}

/**
 * Generates a hub-shaped key ('b' + base32 of 16 random bytes) and secret ('b' + base32 of 24).
 *
 * @example
 * const { key, secret } = generateApiKey()
 */
export function generateApiKey(): GeneratedApiKey {
  const random = (length: number) => crypto.getRandomValues(new Uint8Array(length))
  return { key: 'b' + encodeBase32(random(16)), secret: 'b' + encodeBase32(random(24)) }
}

/**
 * Builds a record: `secure` defaults to true when a secret is given.
 *
 * @throws TypeError for a secure key without a decodable multibase secret.
 * @example
 * const record = createApiKeyRecord({ key, secret })
 */
export function createApiKeyRecord(options: {
  key: string
  secret?: string
  secure?: boolean
}): ApiKeyRecord {
  if (typeof options.key !== 'string' || options.key === '') {
    throw new TypeError('an API key must be a non-empty string')
  }
  const secure = options.secure ?? options.secret !== undefined
  const secret = options.secret ?? ''
  if (!secure) return { key: options.key, secret, secure }
  const bytes = decodeApiSecret(secret)
  if (!bytes) throw new TypeError('a secure API key needs a multibase (base32) secret')
  const hmac = importHmacKey(bytes)
  hmac.catch(() => {}) // surfaces, if ever, where it is awaited
  return { key: options.key, secret, secure, hmac }
}

/** Options of {@link verifyApiSignature}. */
export interface VerifyApiSignatureOptions {
  record: ApiKeyRecord
  /** The `x-textile-api-sig-msg` header. */
  msg: string
  /** The multibase-decoded `x-textile-api-sig` header. */
  sig: Uint8Array
  now: Date
}

/**
 * True when `msg` is an RFC 3339 instant not before `now` (Go's `!date.Before(now)`) and `sig` is
 * HMAC-SHA256(secret, UTF-8(msg)).
 *
 * @example
 * if (!(await verifyApiSignature({ record, msg, sig, now }))) throw badSignature
 */
export async function verifyApiSignature(options: VerifyApiSignatureOptions): Promise<boolean> {
  const { record, msg, sig, now } = options
  if (!record.hmac) return false
  const expires = parseRfc3339(msg)
  if (expires === undefined || expires < now.getTime()) return false
  const expected = await hmacSha256(await record.hmac, utf8(msg))
  return timingSafeEqual(sig, expected)
}
