// Configuration of the Textile endpoints from environment variables, validated once per distinct
// set of values (and deploy facts).
// Threat model: the values are secrets. Errors name the variable, never the value; the parsed
// config holds imported CryptoKeys (non-extractable) rather than the secret strings where it can.
import { LINK_MAX_TTL } from '../core/account-link.ts'
import { decodeApiSecret, importApiSecret } from '../core/api-signature.ts'
import type { CryptoProvider } from '../core/crypto-provider.ts'
import { importSigningKey, type SigningKey } from '../core/ed25519.ts'
import { timingSafeEqual, utf8 } from '../core/encoding.ts'
import {
  createChallengeKeyring,
  deriveChallengeSecret,
  type ChallengeKeyring,
} from '../core/envelope.ts'
import type { HmacKey } from '../core/hmac.ts'
import { formatPublicKey, parsePrivateKey, parsePublicKey } from '../core/keys.ts'
import {
  configSource,
  SITE_URL_VARIABLE,
  type ConfigParser,
  type VariableTable,
} from './config-source.ts'
import type { OriginRules } from './cors.ts'
import {
  flag,
  list,
  misconfigured,
  optionalSeconds,
  seconds,
  value,
  type Env,
} from './env-values.ts'
import { compileOriginPattern, originOf } from './origin.ts'

/** Validated, imported configuration of the Textile endpoints. */
export interface TextileConfig extends OriginRules {
  apiKey: string
  apiSecret: HmacKey
  keyring: ChallengeKeyring
  /** Present in issuer mode. */
  issuer?: SigningKey
  apiSigTtlSeconds: number
  challengeTtlSeconds: number
  /** Issuer mode, `USER_TOKEN_TTL_SECONDS`: minted thread tokens carry `exp`. Absent: no `exp`. */
  userTokenTtlSeconds?: number
  /** When set, only these public key strings get credentials. */
  allowedPubkeys?: ReadonlySet<string>
  /** `DENIED_PUBKEYS`, canonical key strings: refused at every stage, before the allowlist. */
  deniedPubkeys: ReadonlySet<string>
  /** Also run the policy at challenge time (`POLICY_AT_CHALLENGE`, default true). */
  policyAtChallenge: boolean
  /** Each envelope is redeemable once (`SINGLE_USE_ENVELOPES=true`; needs an envelope store). */
  singleUse: boolean
  /** `LINK_MAX_TTL_SECONDS`: the longest `exp - iat` of an account link accepted. */
  linkMaxTtlSeconds: number
}

/** Shortest accepted `CHALLENGE_SECRET` item, in characters. */
export const MIN_CHALLENGE_SECRET_LENGTH = 32

/** API signature lifetime when `API_SIG_TTL_SECONDS` is unset, per deploy context (seconds). */
export const DEFAULT_API_SIG_TTL_SECONDS = { production: 600, preview: 300 } as const

/** Bounds of `USER_TOKEN_TTL_SECONDS` (a minute to a year). */
export const USER_TOKEN_TTL_BOUNDS = { min: 60, max: 31_536_000 } as const

/** Deploy contexts that count as previews: shorter default lifetimes. */
const PREVIEW_CONTEXTS = new Set(['deploy-preview', 'branch-deploy'])

/**
 * The variables of /api/challenge and /api/token (docs/configuration.md): one entry each, read
 * with the bounded readers of env-values.ts.
 */
export const TEXTILE_VARIABLES = {
  /** The hub user-group key. */
  USER_API_KEY: { read: value },
  /** The key's secret, multibase as issued. */
  USER_API_SECRET: { secret: true, read: value },
  /** HMAC key(s) of the envelopes, rotated as a list; unset, derived from USER_API_SECRET. */
  CHALLENGE_SECRET: { secret: true, read: list },
  /** The hub's host private key: issuer mode. */
  HUB_ISSUER_KEY: { secret: true, read: value },
  /** Lifetime of API signatures (default per deploy context). */
  API_SIG_TTL_SECONDS: { read: optionalSeconds(30, 86_400) },
  /** Lifetime of envelopes. */
  CHALLENGE_TTL_SECONDS: { read: seconds(60, 5, 600) },
  /** Issuer mode: lifetime of minted user tokens (unset: no `exp`). */
  USER_TOKEN_TTL_SECONDS: {
    read: optionalSeconds(USER_TOKEN_TTL_BOUNDS.min, USER_TOKEN_TTL_BOUNDS.max),
  },
  /** Extra browser origins allowed. */
  ALLOWED_ORIGINS: { read: originPatterns },
  /** If set, only these keys get credentials. */
  ALLOWED_PUBKEYS: { read: pubkeySet },
  /** Keys that never get credentials. */
  DENIED_PUBKEYS: { read: pubkeySet },
  /** False: the allowlist and the policy run at token time only. */
  POLICY_AT_CHALLENGE: { read: flag(true) },
  /** True: each envelope is redeemable once (Netlify Blobs). */
  SINGLE_USE_ENVELOPES: { read: flag() },
  /** The longest lifetime of an account link accepted. */
  LINK_MAX_TTL_SECONDS: { read: seconds(LINK_MAX_TTL.default, 60, LINK_MAX_TTL.max) },
  /** The site's main URL (Netlify sets it): its origin is allowed. */
  URL: SITE_URL_VARIABLE,
  /** The deploy's branch or preview URL (netlify dev sets it; deployed functions never see it). */
  DEPLOY_PRIME_URL: { netlify: true, read: value },
  /** The deploy's own URL (netlify dev sets it; deployed functions never see it). */
  DEPLOY_URL: { netlify: true, read: value },
} as const satisfies VariableTable

const parseTextileConfig: ConfigParser<typeof TEXTILE_VARIABLES, TextileConfig> = async (
  vars,
  { crypto, deploy },
) => {
  const apiKey = vars.USER_API_KEY
  if (!apiKey) throw misconfigured('USER_API_KEY is not set.')
  if (!/^[\x21-\x7e]{1,256}$/.test(apiKey)) throw misconfigured('USER_API_KEY is not a hub key.')
  const apiSecretText = vars.USER_API_SECRET
  if (!apiSecretText) throw misconfigured('USER_API_SECRET is not set.')
  const apiSecretBytes = decodeApiSecret(apiSecretText)
  if (!apiSecretBytes) throw misconfigured('USER_API_SECRET is not a multibase base32 secret.')

  const challengeSecrets = vars.CHALLENGE_SECRET
  if (challengeSecrets.some((secret) => secret.length < MIN_CHALLENGE_SECRET_LENGTH)) {
    throw misconfigured(
      `CHALLENGE_SECRET items must be at least ${MIN_CHALLENGE_SECRET_LENGTH} characters.`,
    )
  }
  const keyring = await createChallengeKeyring(
    challengeSecrets.length > 0
      ? challengeSecrets.map(utf8)
      : [await deriveChallengeSecret(apiSecretText, crypto)],
    crypto,
  )
  const preview = deploy.context !== undefined && PREVIEW_CONTEXTS.has(deploy.context)

  const config: TextileConfig = {
    apiKey,
    apiSecret: await importApiSecret(apiSecretBytes, crypto),
    keyring,
    apiSigTtlSeconds:
      vars.API_SIG_TTL_SECONDS ?? DEFAULT_API_SIG_TTL_SECONDS[preview ? 'preview' : 'production'],
    challengeTtlSeconds: vars.CHALLENGE_TTL_SECONDS,
    siteOrigins: new Set(
      [vars.URL, vars.DEPLOY_PRIME_URL, vars.DEPLOY_URL, deploy.siteUrl]
        .map(originOf)
        .filter((origin): origin is string => origin !== undefined),
    ),
    allowedOrigins: vars.ALLOWED_ORIGINS,
    deniedPubkeys: vars.DENIED_PUBKEYS,
    policyAtChallenge: vars.POLICY_AT_CHALLENGE,
    singleUse: vars.SINGLE_USE_ENVELOPES,
    linkMaxTtlSeconds: vars.LINK_MAX_TTL_SECONDS,
  }

  const issuerText = vars.HUB_ISSUER_KEY
  if (issuerText) config.issuer = await importIssuer(issuerText, crypto)
  const userTokenTtl = vars.USER_TOKEN_TTL_SECONDS
  if (userTokenTtl !== undefined) {
    // Hub-challenge tokens come from the hub, without `exp`: a lifetime here would limit nothing.
    if (!config.issuer) {
      throw misconfigured('USER_TOKEN_TTL_SECONDS needs issuer mode (HUB_ISSUER_KEY is not set).')
    }
    config.userTokenTtlSeconds = userTokenTtl
  }

  const allowed = vars.ALLOWED_PUBKEYS
  if (allowed.size > 0) config.allowedPubkeys = allowed
  return config
}

/**
 * The configuration of /api/challenge and /api/token (docs/configuration.md): its table and a
 * parser that imports every key once with the handler's crypto provider.
 *
 * @throws (from `parse`) `server_misconfigured` naming the first bad variable (never its value).
 * @example
 * const config = await textileConfig.parse({ env: process.env, crypto: webCryptoProvider, deploy: {} })
 */
export const textileConfig = configSource(TEXTILE_VARIABLES, parseTextileConfig)

/**
 * A comma list of origin patterns (`scheme://host[:port]`, `*` in the host: origin.ts).
 *
 * @throws `server_misconfigured` naming the variable for an item that is not such a pattern.
 */
function originPatterns(env: Env, name: string): OriginRules['allowedOrigins'] {
  return list(env, name).map((pattern) => {
    const matcher = compileOriginPattern(pattern)
    if (!matcher) throw misconfigured(`${name} has an item that is not scheme://host[:port].`)
    return matcher
  })
}

/**
 * A comma list of Ed25519 public key strings, each in its one canonical spelling
 * (`src/core/keys.ts`), so a set lookup is an identity comparison.
 *
 * @throws `server_misconfigured` naming the variable for an item that is not such a key.
 */
function pubkeySet(env: Env, name: string): ReadonlySet<string> {
  return new Set(
    list(env, name).map((item) => {
      try {
        return canonicalPubkey(item)
      } catch {
        throw misconfigured(`${name} has an item that is not an Ed25519 public key string.`)
      }
    }),
  )
}

/**
 * The canonical spelling of a Textile Ed25519 public key string.
 *
 * @throws `invalid_pubkey` / `unsupported_key_type` as {@link parsePublicKey}.
 */
export function canonicalPubkey(text: string): string {
  return formatPublicKey(parsePublicKey(text))
}

async function importIssuer(text: string, crypto: CryptoProvider): Promise<SigningKey> {
  const parsed = parsePrivateKey(text)
  if (!parsed) throw misconfigured('HUB_ISSUER_KEY is not an Ed25519 private key string.')
  const issuer = await importSigningKey(parsed.seed, crypto)
  parsed.seed.fill(0)
  // A key string whose stored public half does not match its seed would mint tokens the hub rejects.
  if (!timingSafeEqual(issuer.publicKey, parsed.publicKey)) {
    throw misconfigured('HUB_ISSUER_KEY is inconsistent (its public half does not match).')
  }
  return issuer
}
