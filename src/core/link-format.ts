// The account link's wire format (docs/protocol.md, "Account links"): a compact JWS (RFC 7515
// §7.1) by which an account key lets one device key act for it. The facts the server (which
// verifies links) and the browser (which signs them) share. Web APIs only, and no base32: the
// identity entry signs links in the browser. Nothing here verifies a signature or a key string:
// `verifyAccountLink` (account-link.ts) is the authenticated reader.
import { decodeBase64, encodeBase64Url } from './base64.ts'
import { decodeJsonSegment } from './json-segment.ts'

/** The link's JOSE `typ` (RFC 8725 §3.11: explicit typing, so no other JWT passes as a link). */
export const LINK_TYPE = 'ttp-link+jwt'

/** The one protected header a link may carry, member for member. */
export const LINK_HEADER = { alg: 'EdDSA', typ: LINK_TYPE } as const

/** Longest link read; real ones are ~430 characters (two 59-character keys and an origin). */
export const MAX_LINK_LENGTH = 2048

/** The payload of a link (exactly these members). */
export interface LinkClaims {
  /** The account's Textile public key string: the key that signs the link. */
  iss: string
  /** The device's Textile public key string: the key that may act for the account. */
  sub: string
  /** The site origin the link is for (`https://app.example`); never empty. */
  aud: string
  /** Issue time, seconds since the epoch (the signer's clock). */
  iat: number
  /** Expiry, seconds since the epoch. */
  exp: number
}

/** A link taken apart, before anything about it is verified. */
export interface LinkParts {
  claims: LinkClaims
  /** ASCII of `header.payload`: the bytes the account key signed. */
  signingInput: Uint8Array
  /** The third segment, decoded (64 bytes for a well-formed link). */
  signature: Uint8Array
}

const SEGMENT = /^[A-Za-z0-9_-]+$/
const CLAIM_KEYS = 'aud,exp,iat,iss,sub'
const HEADER_KEYS = 'alg,typ'

/**
 * Serialises a link and signs it with the account key (`sign` is the account identity's).
 *
 * @throws TypeError when the claims are not well-formed (the caller built them).
 * @example
 * const link = await signLink({ iss: account, sub: device, aud: location.origin, iat, exp }, sign)
 */
export async function signLink(
  claims: LinkClaims,
  sign: (bytes: Uint8Array) => Promise<Uint8Array>,
): Promise<string> {
  if (!isLinkClaims(claims)) throw new TypeError('link claims are not well-formed')
  const { iss, sub, aud, iat, exp } = claims
  const input = `${segment(LINK_HEADER)}.${segment({ iss, sub, aud, iat, exp })}`
  const signature = await sign(new TextEncoder().encode(input))
  return `${input}.${encodeBase64Url(signature)}`
}

/**
 * Takes a link apart: three unpadded base64url segments, the header exactly {@link LINK_HEADER},
 * a payload of exactly the {@link LinkClaims} members (strings, safe integers, `exp > iat`,
 * non-empty `aud`). Undefined for anything else; the signature and the key strings are not
 * checked here.
 *
 * @example
 * const account = readLink(link)?.claims.iss
 */
export function readLink(link: unknown): LinkParts | undefined {
  if (typeof link !== 'string' || link.length > MAX_LINK_LENGTH) return undefined
  const parts = link.split('.')
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) return undefined
  const [header, payload, signature] = parts as [string, string, string]
  const decodedHeader = decodeJsonSegment(header)
  if (!hasExactly(decodedHeader, HEADER_KEYS)) return undefined
  if (decodedHeader.alg !== LINK_HEADER.alg || decodedHeader.typ !== LINK_HEADER.typ) {
    return undefined
  }
  const claims = decodeJsonSegment(payload)
  if (!isLinkClaims(claims)) return undefined
  const signatureBytes = decodeSignature(signature)
  if (!signatureBytes) return undefined
  return {
    claims,
    signingInput: new TextEncoder().encode(`${header}.${payload}`),
    signature: signatureBytes,
  }
}

function isLinkClaims(value: unknown): value is LinkClaims {
  if (!hasExactly(value, CLAIM_KEYS)) return false
  const { iss, sub, aud, iat, exp } = value
  return (
    typeof iss === 'string' &&
    typeof sub === 'string' &&
    typeof aud === 'string' &&
    aud !== '' &&
    Number.isSafeInteger(iat) &&
    Number.isSafeInteger(exp) &&
    (exp as number) > (iat as number)
  )
}

function hasExactly(value: unknown, keys: string): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  return Object.keys(value).sort().join() === keys
}

function segment(value: object): string {
  return encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)))
}

// The signature segment is binary, not JSON: strict unpadded base64url (SEGMENT), 64 bytes.
function decodeSignature(text: string): Uint8Array | undefined {
  const bytes = decodeBase64(text)
  return bytes?.length === 64 ? bytes : undefined
}
