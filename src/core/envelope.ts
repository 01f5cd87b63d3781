// Challenge envelopes: the stateless stand-in for the hub's GetToken challenge.
// Threat model: the envelope travels through the browser, so anyone may read, replay or alter it.
// - Integrity: HMAC-SHA256 under a server secret; the MAC is checked (constant time) before any
//   payload byte is parsed, so forged JSON never reaches the parser.
// - Binding: the MAC covers the user's pubkey, the audience (browser origin), issue time, expiry
//   and a 128-bit nonce; a captured envelope is worth its remaining lifetime, for that key and origin.
// - Domain separation: the signed bytes start with "ttp1.", so a user's signature over an envelope
//   can never pass as a hub challenge answer (32 raw bytes) or a JWT.
// - Rotation: a key id names the secret; the first secret signs, all verify.
import { decodeBase64, encodeBase64Url, timingSafeEqual, utf8 } from './encoding.ts'
import { decodeEnvelopePayload, ENVELOPE_VERSION, splitEnvelope } from './envelope-format.ts'
import { TokenProviderError } from './errors.ts'
import type { CryptoProvider } from './crypto-provider.ts'
import { hkdfSha256, hmacSha256, importHmacKey, keyId, type HmacKey } from './hmac.ts'

/** Allowance for clocks of different function instances. */
export const CLOCK_SKEW_SECONDS = 5
const NONCE_BYTES = 16
const HKDF_INFO = 'textile-token-provider/v1 challenge-hmac'
const KID_LABEL = 'textile-token-provider/v1 key-id'

/** The HMAC keys of a deployment: the first signs, every one verifies. */
export interface ChallengeKeyring {
  signing: { kid: string; key: HmacKey }
  verifying: ReadonlyMap<string, HmacKey>
}

/**
 * Imports challenge secrets (raw bytes each) into a keyring. Key ids are derived from the secrets,
 * so they are stable across instances and say nothing about the secret.
 *
 * @example
 * const keyring = await createChallengeKeyring([utf8(process.env.CHALLENGE_SECRET)])
 */
export async function createChallengeKeyring(
  secrets: Uint8Array[],
  provider?: CryptoProvider,
): Promise<ChallengeKeyring> {
  if (secrets.length === 0) throw new TypeError('at least one challenge secret')
  const verifying = new Map<string, HmacKey>()
  let signing: ChallengeKeyring['signing'] | undefined
  for (const secret of secrets) {
    const key = await importHmacKey(secret, provider)
    const kid = await keyId(key, KID_LABEL)
    verifying.set(kid, key)
    signing ??= { kid, key }
  }
  return { signing: signing!, verifying }
}

/** Derives the challenge secret from the API secret when `CHALLENGE_SECRET` is unset (own label). */
export function deriveChallengeSecret(
  apiSecret: string,
  provider?: CryptoProvider,
): Promise<Uint8Array> {
  return hkdfSha256(utf8(apiSecret), HKDF_INFO, 32, provider)
}

/** Options of {@link issueChallenge}. */
export interface IssueChallengeOptions {
  keyring: ChallengeKeyring
  /** The user's Textile public key string, already validated. */
  pubkey: string
  /** The browser origin the envelope is for, or '' for clients that send no `Origin`. */
  audience: string
  now: Date
  ttlSeconds: number
}

/** What {@link issueChallenge} returns. */
export interface IssueChallengeResult {
  envelope: string
  expiresAt: Date
}

/**
 * Issues a signed challenge envelope; the client signs `UTF-8(envelope)`.
 *
 * @example
 * const { envelope, expiresAt } = await issueChallenge({ keyring, pubkey, audience, now, ttlSeconds: 60 })
 */
export async function issueChallenge(
  options: IssueChallengeOptions,
): Promise<IssueChallengeResult> {
  const iat = Math.floor(options.now.getTime() / 1000)
  const exp = iat + options.ttlSeconds
  const nonce = encodeBase64Url(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)))
  const claims = { sub: options.pubkey, aud: options.audience, iat, exp, nonce }
  const signed = `${ENVELOPE_VERSION}.${options.keyring.signing.kid}.${encodeBase64Url(utf8(JSON.stringify(claims)))}`
  const mac = await hmacSha256(options.keyring.signing.key, utf8(signed))
  return { envelope: `${signed}.${encodeBase64Url(mac)}`, expiresAt: new Date(exp * 1000) }
}

/** The verified content of an envelope. */
export interface ChallengeClaims {
  pubkey: string
  audience: string
  issuedAt: Date
  expiresAt: Date
  nonce: string
}

/** Options of {@link openChallenge}. */
export interface OpenChallengeOptions {
  keyring: ChallengeKeyring
  envelope: string
  now: Date
}

/**
 * Verifies an envelope's MAC and lifetime and returns what it binds.
 *
 * @throws `invalid_envelope` when malformed, tampered, of another version or an unknown key id,
 *   or issued in the future (beyond {@link CLOCK_SKEW_SECONDS}).
 * @throws `envelope_expired` when past its expiry plus {@link CLOCK_SKEW_SECONDS}.
 * @example
 * const { pubkey, audience } = await openChallenge({ keyring, envelope, now: new Date() })
 */
export async function openChallenge(options: OpenChallengeOptions): Promise<ChallengeClaims> {
  const parts = splitEnvelope(options.envelope)
  if (!parts) throw invalid()
  const key = options.keyring.verifying.get(parts.kid)
  const mac = decodeBase64(parts.mac)
  if (!key || mac?.length !== 32) throw invalid()
  if (!timingSafeEqual(mac, await hmacSha256(key, utf8(parts.signed)))) throw invalid()

  // Authenticated by the MAC already; parsed strictly anyway so a leaked key cannot smuggle odd
  // shapes.
  const claims = decodeEnvelopePayload(parts.payload)
  if (!claims) throw invalid()
  const now = options.now.getTime() / 1000
  if (claims.iat > now + CLOCK_SKEW_SECONDS) throw invalid()
  if (now > claims.exp + CLOCK_SKEW_SECONDS) throw new TokenProviderError('envelope_expired')
  return {
    pubkey: claims.sub,
    audience: claims.aud,
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    nonce: claims.nonce,
  }
}

function invalid(): TokenProviderError {
  return new TokenProviderError('invalid_envelope')
}
