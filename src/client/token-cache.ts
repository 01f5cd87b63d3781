// The thread token cache. Hub tokens never expire, so one GetToken per (hub, pubkey) is enough;
// the cache keeps it in memory and, when the app gives one, in its storage (e.g. localStorage).
// A token alone grants nothing without a fresh API signature and is bound to its pubkey, but it
// is still a credential: apps that share a browser profile between users should not persist it.
import { isJwtShaped } from './http.ts'

/**
 * A key-value store with `get`/`set`, sync or async (an async wrapper, a `Map`).
 *
 * @example
 * const storage: KeyValueStorage = new Map<string, string>()
 */
export interface KeyValueStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>
  set(key: string, value: string): unknown
}

/** The part of Web Storage the SDK uses: `localStorage` or `sessionStorage` themselves fit. */
export interface WebStorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/**
 * Where the SDK may persist thread tokens: Web Storage (`localStorage`) or `{get, set}`.
 *
 * @example
 * const storage: TokenStorage = localStorage
 */
export type TokenStorage = KeyValueStorage | WebStorageLike

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
    return { get: (key) => s.getItem!(key), set: (key, value) => s.setItem!(key, value) }
  }
  return typeof s.get === 'function' && typeof s.set === 'function'
    ? (storage as KeyValueStorage)
    : undefined
}

/** The cache of one provider: a single hub and public key. */
export interface TokenCache {
  /** The cached token, or undefined. Storage failures count as a miss. */
  get(): Promise<string | undefined>
  /** Remembers a token; storage failures are ignored (the memory copy still holds). */
  set(token: string): Promise<void>
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
 * await cache.set(token)
 */
export function createTokenCache(options: {
  hubUrl: string
  pubkey: string
  storage?: KeyValueStorage
}): TokenCache {
  const key = tokenStorageKey(options.hubUrl, options.pubkey)
  const storage = options.storage
  let memory: string | undefined
  return {
    async get() {
      if (memory !== undefined || !storage) return memory
      try {
        const stored = await storage.get(key)
        if (isJwtShaped(stored)) memory = stored
      } catch {
        // An unreadable store must not block login: the hub can always issue a new token.
      }
      return memory
    },
    async set(token) {
      memory = token
      try {
        await storage?.set(key, token)
      } catch {
        // A full or blocked store costs one extra GetToken on the next page load, nothing more.
      }
    },
  }
}
