// Compact JWS (RFC 7515 §7.1): base64url(header) . base64url(payload) . base64url(signature).
// Used for the hub's thread token (its own "Ed25519" alg name) and for the JWT minter (HS256,
// EdDSA); the signing goes through the caller's key, so the crypto provider stays the caller's.
import { encodeBase64Url, utf8 } from './encoding.ts'

/**
 * Serialises and signs a compact JWS. Member order is kept as given (go-threads' token needs it).
 *
 * @example
 * const jwt = await signCompactJws({ alg: 'HS256', typ: 'JWT' }, claims, (input) => hmacSha256(key, input))
 */
export async function signCompactJws(
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
  sign: (input: Uint8Array) => Promise<Uint8Array>,
): Promise<string> {
  const input = `${encodeJson(header)}.${encodeJson(payload)}`
  return `${input}.${encodeBase64Url(await sign(utf8(input)))}`
}

function encodeJson(value: unknown): string {
  return encodeBase64Url(utf8(JSON.stringify(value)))
}
