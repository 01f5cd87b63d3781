// The challenge envelope's wire format, `ttp1.<kid>.<payload>.<mac>`: the facts the server (which
// seals and opens envelopes) and the SDK (which checks what it is about to sign) share. Web APIs
// only. Nothing here authenticates: the MAC is checked by envelope.ts under the server's secret;
// `readEnvelopePayload` reads what anyone could have written, which is enough for the SDK to refuse
// to sign a string that is not an envelope for its own key (no cross-protocol signing oracle).
import { decodeJsonSegment } from './json-segment.ts'

/** The first segment of every envelope; also what makes the signed bytes start with `ttp1.`. */
export const ENVELOPE_VERSION = 'ttp1'
/** Longest envelope accepted; real ones are ~330 characters with a 60-character pubkey. */
export const MAX_ENVELOPE_LENGTH = 2048
/** Each of the four segments: non-empty, unpadded base64url (the version too). */
export const ENVELOPE_SEGMENT = /^[A-Za-z0-9_-]+$/

/** The four segments of an envelope, and the text the MAC covers. */
export interface EnvelopeParts {
  kid: string
  payload: string
  mac: string
  /** `ttp1.<kid>.<payload>`: everything before the last dot. */
  signed: string
}

/** The payload's claims (base64url JSON with exactly these keys). */
export interface EnvelopePayload {
  /** The user's Textile public key string. */
  sub: string
  /** The browser origin the envelope was issued to, or ''. */
  aud: string
  /** Issue time, seconds since the epoch (server clock). */
  iat: number
  /** Expiry, seconds since the epoch (server clock); never before `iat`. */
  exp: number
  nonce: string
}

/**
 * Splits an envelope into its segments; undefined unless it is a string of at most
 * {@link MAX_ENVELOPE_LENGTH} characters made of `ttp1` and three base64url segments.
 *
 * @example
 * const parts = splitEnvelope(envelope) // { kid, payload, mac, signed } or undefined
 */
export function splitEnvelope(envelope: unknown): EnvelopeParts | undefined {
  if (typeof envelope !== 'string' || envelope.length > MAX_ENVELOPE_LENGTH) return undefined
  const parts = envelope.split('.')
  if (parts.length !== 4 || parts[0] !== ENVELOPE_VERSION) return undefined
  const [, kid, payload, mac] = parts as [string, string, string, string]
  if (!ENVELOPE_SEGMENT.test(kid) || !ENVELOPE_SEGMENT.test(payload)) return undefined
  if (!ENVELOPE_SEGMENT.test(mac)) return undefined
  return { kid, payload, mac, signed: envelope.slice(0, envelope.length - mac.length - 1) }
}

const PAYLOAD_KEYS = 'aud,exp,iat,nonce,sub'

/**
 * Decodes a payload segment: unpadded base64url of UTF-8 JSON (strict base64url and UTF-8), an
 * object with exactly the keys sub, aud, iat, exp, nonce, strings and safe integers, `exp ≥ iat`;
 * else undefined. Only the MAC makes a payload authentic; this reads its shape.
 *
 * @example
 * const claims = decodeEnvelopePayload(parts.payload)
 */
export function decodeEnvelopePayload(segment: string): EnvelopePayload | undefined {
  if (!ENVELOPE_SEGMENT.test(segment)) return undefined
  const value = decodeJsonSegment(segment)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  if (Object.keys(value).sort().join() !== PAYLOAD_KEYS) return undefined
  const { sub, aud, iat, exp, nonce } = value as Record<string, unknown>
  const ok =
    typeof sub === 'string' &&
    typeof aud === 'string' &&
    typeof nonce === 'string' &&
    Number.isSafeInteger(iat) &&
    Number.isSafeInteger(exp) &&
    (exp as number) >= (iat as number)
  return ok ? (value as EnvelopePayload) : undefined
}

/**
 * Reads an envelope's payload without checking its MAC (the client cannot): undefined unless the
 * string has the envelope's shape and a well-formed payload. Never trust the result for access
 * decisions; the server's `openChallenge` is the authenticated reader.
 *
 * @example
 * if (readEnvelopePayload(envelope)?.sub !== identity.public.toString()) throw refuse()
 */
export function readEnvelopePayload(envelope: unknown): EnvelopePayload | undefined {
  const parts = splitEnvelope(envelope)
  return parts && decodeEnvelopePayload(parts.payload)
}
