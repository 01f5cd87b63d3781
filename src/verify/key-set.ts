// Where a verifier's public keys come from: a key set given as data (an object, or JSON from an
// environment variable: no network at all) or fetched from a JWKS URL. Key selection is jose's
// (`createLocalJWKSet`: kid, key type and curve per alg, `use`, `key_ops`), so a key can only verify
// the algorithm of its own type; the one addition is that an Ed25519 key answers to both names of
// its algorithm, `EdDSA` (RFC 8037) and `Ed25519` (RFC 9864, which deprecates `EdDSA`).
// Remote sets are cached at module scope, keyed by URL, so every verifier (and every request) of an
// isolate shares one copy: fetched single-flight, kept `cacheMaxAge`, refetched at most once per
// cooldown when a token names a kid the set lacks (a rotation), and kept a while longer when a
// refresh fails (a JWKS outage must not fail every request at once).
import {
  createLocalJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
} from 'jose'
import { JwtVerifyError } from './errors.ts'

/** What jose's `jwtVerify` takes as a key: a function of the token's header. */
export type KeyResolver = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey | Uint8Array>

/** Largest key set accepted, in characters (a set is a few hundred bytes per key). */
const MAX_KEY_SET_LENGTH = 256 * 1024

/**
 * A key set from data: the object, or its JSON text (an environment variable).
 *
 * @throws TypeError when it is not a JWK Set (RFC 7517 §5) of public keys jose can read.
 * @example
 * const resolve = localKeySet(process.env.TTP_JWKS!)
 */
export function localKeySet(jwks: JSONWebKeySet | string): KeyResolver {
  let parsed: unknown = jwks
  if (typeof jwks === 'string') {
    try {
      parsed = JSON.parse(jwks)
    } catch (cause) {
      throw new TypeError('jwks is not JSON', { cause })
    }
  }
  const set = toKeySet(parsed)
  if (!set) throw new TypeError('jwks is not a JWK Set ({"keys": [...]}) of public keys')
  return set
}

/** jose's local set over the keys, Ed25519 ones under both alg names; undefined if malformed. */
function toKeySet(value: unknown): KeyResolver | undefined {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as JSONWebKeySet).keys))
    return undefined
  const keys = (value as JSONWebKeySet).keys
  if (keys.some((key) => typeof key !== 'object' || key === null || 'd' in key || 'k' in key))
    return undefined
  try {
    return createLocalJWKSet({ keys: keys.flatMap(withBothEd25519Names) })
  } catch {
    return undefined
  }
}

const ED25519_NAMES = ['EdDSA', 'Ed25519']

// RFC 9864 §2: `Ed25519` is the fully specified name of `EdDSA` over Ed25519. jose selects a key
// whose `alg` equals the header's, so a key published under one name gets a twin under the other.
function withBothEd25519Names(key: JWK): JWK[] {
  if (key.kty !== 'OKP' || key.crv !== 'Ed25519' || !ED25519_NAMES.includes(key.alg ?? '')) {
    return [key]
  }
  return ED25519_NAMES.map((alg) => ({ ...key, alg }))
}

/** Options of {@link remoteKeySet}. */
export interface RemoteKeySetOptions {
  url: string
  fetch: typeof fetch
  /** Milliseconds since the epoch. */
  now: () => number
  cacheMaxAgeMs: number
  cooldownMs: number
  timeoutMs: number
}

interface CachedSet {
  resolve: KeyResolver
  /** When the set was last fetched or confirmed (304). */
  fetchedAt: number
  etag?: string
}

interface Entry {
  set?: CachedSet
  pending?: Promise<CachedSet>
  /** When the last refresh failed; 0 when none has. */
  failedAt: number
}

// Module scope on purpose: one copy per isolate, shared by every verifier of the same URL.
const remoteSets = new Map<string, Entry>()

/**
 * The key set at a URL, cached at module scope (see the file's head).
 *
 * @throws (from the resolver) `jwks_unavailable` when the set cannot be fetched and no usable
 *   copy is cached; jose's `JWKSNoMatchingKey` when the kid stays unknown after the refetch.
 * @example
 * const resolve = remoteKeySet({ url, fetch, now: Date.now, cacheMaxAgeMs: 300_000, cooldownMs: 30_000, timeoutMs: 5000 })
 */
export function remoteKeySet(options: RemoteKeySetOptions): KeyResolver {
  const { url, now, cacheMaxAgeMs, cooldownMs } = options
  let entry = remoteSets.get(url)
  if (!entry) {
    entry = { failedAt: 0 }
    remoteSets.set(url, entry)
  }
  const shared = entry

  const refresh = (): Promise<CachedSet> => {
    shared.pending ??= fetchKeySet(options, shared.set)
      .then(
        (set) => {
          shared.set = set
          shared.failedAt = 0
          return set
        },
        (error: unknown) => {
          shared.failedAt = now()
          throw error
        },
      )
      .finally(() => {
        shared.pending = undefined
      })
    return shared.pending
  }

  // Fresh: as cached. Expired: refreshed, or, when that fails, the old copy for up to one more
  // max age (one attempt per cooldown meanwhile).
  const current = async (): Promise<CachedSet> => {
    const { set } = shared
    const time = now()
    if (set && time - set.fetchedAt < cacheMaxAgeMs) return set
    const usable = set && time - set.fetchedAt < 2 * cacheMaxAgeMs ? set : undefined
    if (usable && shared.failedAt && time - shared.failedAt < cooldownMs) return usable
    try {
      return await refresh()
    } catch (error) {
      if (usable) return usable
      throw error
    }
  }

  return async (header, token) => {
    const set = await current()
    try {
      return await set.resolve(header, token)
    } catch (error) {
      // A kid the set lacks: a key rotated in since the fetch. One refetch, then no other for a
      // cooldown, so tokens with made-up kids cannot make the verifier hammer the JWKS.
      if ((error as { code?: unknown })?.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error
      // Another call refreshed the set meanwhile: the newer copy decides.
      if (shared.set && shared.set !== set) return shared.set.resolve(header, token)
      const time = now()
      if (time - set.fetchedAt < cooldownMs) throw error
      if (shared.failedAt && time - shared.failedAt < cooldownMs) throw error
      const fresh = await refresh()
      return fresh.resolve(header, token)
    }
  }
}

async function fetchKeySet(options: RemoteKeySetOptions, previous?: CachedSet): Promise<CachedSet> {
  const headers: Record<string, string> = { accept: 'application/jwk-set+json, application/json' }
  if (previous?.etag) headers['if-none-match'] = previous.etag
  let response: Response
  try {
    response = await options.fetch(options.url, {
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    })
  } catch (cause) {
    throw new JwtVerifyError('jwks_unavailable', { cause })
  }
  const fetchedAt = options.now()
  if (response.status === 304 && previous) {
    await response.body?.cancel()
    return { ...previous, fetchedAt }
  }
  if (response.status !== 200) {
    await response.body?.cancel()
    throw new JwtVerifyError('jwks_unavailable')
  }
  let set: KeyResolver | undefined
  try {
    const text = await response.text()
    set = text.length <= MAX_KEY_SET_LENGTH ? toKeySet(JSON.parse(text)) : undefined
  } catch (cause) {
    throw new JwtVerifyError('jwks_unavailable', { cause })
  }
  if (!set) throw new JwtVerifyError('jwks_unavailable')
  const etag = response.headers.get('etag') ?? undefined
  return { resolve: set, fetchedAt, ...(etag && { etag }) }
}
