// The hub's user token, minted as go-threads thread.NewToken does (docs/protocol.md §4):
// header {"alg":"Ed25519","typ":"JWT"}, payload {"iat","iss","sub"} in that order, no exp,
// Ed25519 over ASCII(header.payload). Holding the host key is what makes this possible at all.
import { sign, type SigningKey } from './ed25519.ts'
import { signCompactJws } from './jws.ts'
import { formatPublicKey } from './keys.ts'

/** The hub rejects an `iat` ahead of its own clock; mint this far in the past. */
export const THREAD_TOKEN_BACKDATE_SECONDS = 60

/** Options of {@link mintThreadToken}. */
export interface MintThreadTokenOptions {
  /** The hub's host key. */
  issuer: SigningKey
  /** The user's Textile public key string (already validated). */
  subject: string
  /** Now; `iat` is {@link THREAD_TOKEN_BACKDATE_SECONDS} before it unless `iat` is given. */
  now: Date
  /** Exact `iat` in seconds, for vectors. */
  iat?: number
}

/**
 * Mints a thread token byte-compatible with go-threads `NewToken(issuer, subject)`.
 *
 * @example
 * const token = await mintThreadToken({ issuer, subject: pubkey, now: new Date() })
 */
export function mintThreadToken(options: MintThreadTokenOptions): Promise<string> {
  const iat =
    options.iat ?? Math.floor(options.now.getTime() / 1000) - THREAD_TOKEN_BACKDATE_SECONDS
  const payload = { iat, iss: formatPublicKey(options.issuer.publicKey), sub: options.subject }
  return signCompactJws({ alg: 'Ed25519', typ: 'JWT' }, payload, (input) =>
    sign(options.issuer, input),
  )
}
