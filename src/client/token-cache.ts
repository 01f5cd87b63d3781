// The thread token cache of hub-challenge mode: one GetToken per (hub, pubkey) while the token
// lasts; the cache keeps it in memory and, when the app gives one, in its storage. A token alone
// grants nothing without a fresh API signature and is bound to its pubkey, but it is still a
// credential: an XSS reads localStorage, so apps should prefer memory or sessionStorage, and apps
// that share a browser profile between users should not persist it. Storage is untrusted input:
// a stored token is used only if its `sub` is this cache's key (token-claims.ts), so a token
// planted there (by an earlier XSS, or another user of a shared profile) cannot fix the user to
// another identity. A token with `exp` is dropped (memory and storage) once `exp` has passed; a
// foreign or unreadable one is dropped at once, and never kept.
import { isJwtShaped } from './http.ts'
import { readOwnToken, type TokenTimes } from './token-claims.ts'
import type { KeyValueStorage, WebStorageLike } from './types.ts'

/**
 * Reads `storage` as `{get, set}`; Web Storage when it has `getItem` and `setItem`, else its own
 * `get` and `set`; undefined when it has neither pair.
 *
 * @example
 * const store = asKeyValueStorage(localStorage)
 */
export function asKeyValueStorage(storage: unknown): KeyValueStorage | undefined {
  if (typeof storage !== 'object' || storage === null) return undefined
  const s = storage as Partial<WebStorageLike & KeyValueStorage>
  if (typeof s.getItem === 'function' && typeof s.setItem === 'function') {
    return {
      get: (key) => s.getItem!(key),
      set: (key, value) => s.setItem!(key, value),
      ...(typeof s.removeItem === 'function' && { delete: (key) => s.removeItem!(key) }),
    }
  }
  return typeof s.get === 'function' && typeof s.set === 'function'
    ? (storage as KeyValueStorage)
    : undefined
}

/** A cached token and its times (`issuedAt`: its `iat`, else when the cache first saw it). */
export interface CachedToken extends TokenTimes {
  token: string
  issuedAt: number
}

/** The cache of one provider: a single hub and public key. */
export interface TokenCache {
  /** The key the cached tokens must name (`sub`). */
  readonly pubkey: string
  /**
   * The cached token if it is for this key and has not expired at `now` (ms since the epoch, on
   * the servers' clock), or undefined. An expired, foreign or unreadable entry is dropped from
   * memory and storage; storage failures count as a miss.
   */
  get(now: number): Promise<CachedToken | undefined>
  /**
   * Remembers a token received at `now`, unless it is not readably this key's; storage failures
   * are ignored (the memory copy holds).
   */
  set(token: string, now: number): Promise<void>
  /**
   * Drops the token from memory and storage; a copy that storage keeps (no `delete`, or a failed
   * one) is ignored from then on. Storage failures are ignored.
   */
  forget(): Promise<void>
}

/** Prefix of the storage keys the SDK writes. */
export const STORAGE_KEY_PREFIX = 'textile-token-provider:token:'

/**
 * The storage key for a hub and public key: `textile-token-provider:token:<hubUrl> <pubkey>`.
 *
 * @example
 * tokenStorageKey('https://hub.example', id.public.toString())
 */
export function tokenStorageKey(hubUrl: string, pubkey: string): string {
  return `${STORAGE_KEY_PREFIX}${hubUrl} ${pubkey}`
}

/**
 * Creates the token cache for one hub and public key.
 *
 * @example
 * const cache = createTokenCache({ hubUrl, pubkey, storage })
 * await cache.set(token, Date.now())
 * const cached = await cache.get(Date.now())
 */
export function createTokenCache(options: {
  hubUrl: string
  pubkey: string
  storage?: KeyValueStorage
}): TokenCache {
  const { pubkey, storage } = options
  const key = tokenStorageKey(options.hubUrl, pubkey)
  let memory: CachedToken | undefined
  /** The last token forgotten: storage that could not delete it may still hand it back. */
  let forgotten: string | undefined
  // A token without iat counts from when the cache first saw it (its own refresh margin needs a start).
  const read = (token: string, now: number): CachedToken | undefined => {
    const claims = readOwnToken(token, pubkey)
    return claims && { token, issuedAt: claims.issuedAt ?? now, expiresAt: claims.expiresAt }
  }
  const drop = async () => {
    memory = undefined
    try {
      await storage?.delete?.(key)
    } catch {
      // A store that cannot delete keeps a dead token, which is dropped again on the next read.
    }
  }
  return {
    pubkey,
    async get(now) {
      if (memory === undefined && storage) {
        let stored: unknown
        try {
          stored = await storage.get(key)
        } catch {
          // An unreadable store must not block login: the hub can always issue a new token.
          return undefined
        }
        if (isJwtShaped(stored) && stored !== forgotten) {
          memory = read(stored, now)
          if (!memory) await drop()
        }
      }
      if (memory && memory.expiresAt <= now) await drop()
      return memory && { ...memory }
    },
    async set(token, now) {
      const entry = read(token, now)
      if (!entry) return drop()
      memory = entry
      forgotten = undefined
      try {
        await storage?.set(key, token)
      } catch {
        // A full or blocked store costs one extra GetToken on the next page load, nothing more.
      }
    },
    async forget() {
      if (memory) forgotten = memory.token
      if (storage && !memory) {
        try {
          const stored = await storage.get(key)
          if (typeof stored === 'string') forgotten = stored
        } catch {
          // Unreadable now: nothing more to remember; the delete below still runs.
        }
      }
      await drop()
    },
  }
}
