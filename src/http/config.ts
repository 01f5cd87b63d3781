// Configuration from environment variables, validated once per distinct set of values.
// Threat model: the values are secrets. Errors name the variable, never the value; the parsed
// config holds imported CryptoKeys (non-extractable) rather than the secret strings where it can.
import { decodeApiSecret, importApiSecret } from '../core/api-signature.ts'
import { importSigningKey, type SigningKey } from '../core/ed25519.ts'
import { timingSafeEqual, utf8 } from '../core/encoding.ts'
import {
  createChallengeKeyring,
  deriveChallengeSecret,
  type ChallengeKeyring,
} from '../core/envelope.ts'
import type { HmacKey } from '../core/hmac.ts'
import { parsePrivateKey, parsePublicKey } from '../core/keys.ts'
import {
  cachedByValues,
  flag,
  list,
  misconfigured,
  seconds,
  value,
  type Env,
} from './env-values.ts'
import { compileOriginPattern, originOf, type OriginMatcher } from './origin.ts'

export type { Env } from './env-values.ts'

/** The environment variables the functions read (design.md, Configuration). */
export const CONFIG_VARIABLES = [
  'USER_API_KEY',
  'USER_API_SECRET',
  'CHALLENGE_SECRET',
  'HUB_ISSUER_KEY',
  'API_SIG_TTL_SECONDS',
  'CHALLENGE_TTL_SECONDS',
  'ALLOWED_ORIGINS',
  'ALLOWED_PUBKEYS',
  'SINGLE_USE_ENVELOPES',
  'URL',
  'DEPLOY_PRIME_URL',
  'DEPLOY_URL',
] as const

/** Validated, imported configuration. */
export interface Config {
  apiKey: string
  apiSecret: HmacKey
  keyring: ChallengeKeyring
  /** Present in issuer mode. */
  issuer?: SigningKey
  apiSigTtlSeconds: number
  challengeTtlSeconds: number
  /** The site's own origins (URL, DEPLOY_PRIME_URL, DEPLOY_URL). */
  siteOrigins: ReadonlySet<string>
  allowedOrigins: readonly OriginMatcher[]
  /** When set, only these public key strings get credentials. */
  allowedPubkeys?: ReadonlySet<string>
  /** Each envelope is redeemable once (`SINGLE_USE_ENVELOPES=true`; needs an envelope store). */
  singleUse: boolean
}

/** Shortest accepted `CHALLENGE_SECRET` item, in characters. */
export const MIN_CHALLENGE_SECRET_LENGTH = 32

/**
 * Loads and validates the configuration; cached while the relevant values stay the same.
 *
 * @throws `server_misconfigured` naming the first bad variable (never its value).
 * @example
 * const config = await loadConfig(process.env)
 */
export const loadConfig: (env: Env) => Promise<Config> = cachedByValues(
  CONFIG_VARIABLES,
  parseConfig,
)

async function parseConfig(env: Env): Promise<Config> {
  const apiKey = value(env, 'USER_API_KEY')
  if (!apiKey) throw misconfigured('USER_API_KEY is not set.')
  if (!/^[\x21-\x7e]{1,256}$/.test(apiKey)) throw misconfigured('USER_API_KEY is not a hub key.')
  const apiSecretText = value(env, 'USER_API_SECRET')
  if (!apiSecretText) throw misconfigured('USER_API_SECRET is not set.')
  const apiSecretBytes = decodeApiSecret(apiSecretText)
  if (!apiSecretBytes) throw misconfigured('USER_API_SECRET is not a multibase base32 secret.')

  const challengeSecrets = list(env, 'CHALLENGE_SECRET')
  if (challengeSecrets.some((secret) => secret.length < MIN_CHALLENGE_SECRET_LENGTH)) {
    throw misconfigured(
      `CHALLENGE_SECRET items must be at least ${MIN_CHALLENGE_SECRET_LENGTH} characters.`,
    )
  }
  const keyring = await createChallengeKeyring(
    challengeSecrets.length > 0
      ? challengeSecrets.map(utf8)
      : [await deriveChallengeSecret(apiSecretText)],
  )

  const config: Config = {
    apiKey,
    apiSecret: await importApiSecret(apiSecretBytes),
    keyring,
    apiSigTtlSeconds: seconds(env, 'API_SIG_TTL_SECONDS', 600, 30, 86_400),
    challengeTtlSeconds: seconds(env, 'CHALLENGE_TTL_SECONDS', 60, 5, 600),
    siteOrigins: new Set(
      ['URL', 'DEPLOY_PRIME_URL', 'DEPLOY_URL']
        .map((name) => originOf(value(env, name)))
        .filter((origin): origin is string => origin !== undefined),
    ),
    allowedOrigins: list(env, 'ALLOWED_ORIGINS').map((pattern) => {
      const matcher = compileOriginPattern(pattern)
      if (!matcher)
        throw misconfigured('ALLOWED_ORIGINS has an item that is not scheme://host[:port].')
      return matcher
    }),
    singleUse: flag(env, 'SINGLE_USE_ENVELOPES'),
  }

  const issuerText = value(env, 'HUB_ISSUER_KEY')
  if (issuerText) config.issuer = await importIssuer(issuerText)

  const pubkeys = list(env, 'ALLOWED_PUBKEYS')
  if (pubkeys.length > 0) {
    for (const pubkey of pubkeys) {
      try {
        parsePublicKey(pubkey)
      } catch {
        throw misconfigured('ALLOWED_PUBKEYS has an item that is not an Ed25519 public key string.')
      }
    }
    config.allowedPubkeys = new Set(pubkeys)
  }
  return config
}

async function importIssuer(text: string): Promise<SigningKey> {
  const parsed = parsePrivateKey(text)
  if (!parsed) throw misconfigured('HUB_ISSUER_KEY is not an Ed25519 private key string.')
  const issuer = await importSigningKey(parsed.seed)
  parsed.seed.fill(0)
  // A key string whose stored public half does not match its seed would mint tokens the hub rejects.
  if (!timingSafeEqual(issuer.publicKey, parsed.publicKey)) {
    throw misconfigured('HUB_ISSUER_KEY is inconsistent (its public half does not match).')
  }
  return issuer
}
