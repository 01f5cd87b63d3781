// One base64url segment of JSON, as compact JWS (RFC 7515 §7.1) and the challenge envelope carry
// their payloads: read by the server (envelopes) and the browser SDK (envelopes, thread tokens).
// Imports base64.ts alone, so the SDK's bundle takes no base32 tables with it.
import { decodeBase64 } from './base64.ts'

/** Longest segment read; longer ones are refused before any decoding. */
export const MAX_JSON_SEGMENT_LENGTH = 16_384

const BASE64URL = /^[A-Za-z0-9_-]*$/
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes unpadded base64url (strict: one spelling per byte string) of strict UTF-8 JSON;
 * undefined for anything else, including a segment over {@link MAX_JSON_SEGMENT_LENGTH}.
 *
 * @example
 * decodeJsonSegment(token.split('.')[1]!) // { iat: …, iss: …, sub: … }
 */
export function decodeJsonSegment(segment: string): unknown {
  if (segment.length > MAX_JSON_SEGMENT_LENGTH || !BASE64URL.test(segment)) return undefined
  const bytes = decodeBase64(segment)
  if (!bytes) return undefined
  try {
    return JSON.parse(decoder.decode(bytes)) as unknown
  } catch {
    return undefined
  }
}
