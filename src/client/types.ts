// The SDK's public types, in one place: what an app passes (the options, the identity, the link,
// the storage, the fetch), what it gets back (the provider, the UserAuth) and what `onChange`
// hears. The implementation files import them from here; index.ts re-exports them. The error
// codes stay with the error class (errors.ts).
import type { UserAuthError } from './errors.ts'

/** The fetch the SDK calls: the global one, or one the app injects (tests, proxies). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** A `@textile/hub` `UserAuth`: API key, API signature and message, and the thread token. */
export interface UserAuth {
  key: string
  sig: string
  msg: string
  token?: string
}

/** A `@textile/hub` API object: `Users`, `Buckets` or `Client`, made with `withUserAuth(provider)`. */
export interface HubApi {
  context: object
}

/** Anything that can sign as a Textile identity, such as `@textile/hub`'s `PrivateKey`. */
export interface Identity {
  public: { toString(): string }
  sign(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/**
 * Where a provider gets the account link: the link itself, an object whose `link` is the current
 * one (what `linkBrowser()` and `linkedBrowser()` of `textile-token-provider/identity` resolve
 * to), or a function returning it.
 *
 * @example
 * const link: LinkSource = () => sessionStorage.getItem('link') ?? ''
 */
export type LinkSource = string | { readonly link: string } | (() => string | Promise<string>)

/** Options every provider takes. */
export interface ProviderOptions {
  /** The functions' base URL, `'/api'` or absolute; `/challenge`, `/token`, `/jwt` are appended. */
  endpoint: string
  /** The user's key pair; only `public.toString()` and `sign(bytes)` are used. */
  identity: Identity
  /**
   * An account link for `identity` (docs/identity.md, "One account on every device"): sent with
   * every `/challenge` and `/token` or `/jwt` call, read afresh each time; credentials are then
   * the link's account's, and the thread token must name the account. `linkBrowser()` and
   * `linkedBrowser()` of `textile-token-provider/identity` give one.
   */
  link?: LinkSource
  /** The fetch to use; default the global `fetch`. */
  fetch?: FetchLike
  /** Refresh this many seconds before expiry; default min(30, 10% of the lifetime), at most half. */
  refreshMarginSeconds?: number
  /** Limit for each HTTP request and for the hub's GetToken, in milliseconds; default 15000. */
  timeoutMs?: number
  /** The clock; default the wall clock. */
  now?: () => Date
  /** Aborting it disposes the provider (see `dispose()`). */
  signal?: AbortSignal
  /**
   * Fetch the next envelope shortly before a refresh is due, so the refresh waits for one request;
   * default true. `'eager'` also fetches the first envelope as soon as the provider exists, so the
   * first login waits for `/token` only and the functions' cold start overlaps with the page:
   * that costs one `/challenge` call (naming the identity's public key) per provider even if it
   * never logs in, so create the provider when a login is likely. Nothing is signed early. In a
   * page, only while it is visible (`document.visibilityState`).
   */
  prefetch?: boolean | 'eager'
}

/** Options of `createUserAuthProvider()`. */
export interface CreateUserAuthProviderOptions extends ProviderOptions {
  /**
   * The hub's gRPC-web URL; required when the server runs in hub-challenge mode (no token), and
   * then `https://`, or `http://` on loopback only (`hub_url_insecure` otherwise).
   */
  hubUrl?: string
  /** Keeps the thread token across page loads: `localStorage` itself, or `{get, set}` (sync or async). */
  storage?: TokenStorage
  /** Told about every login, refresh and failed call; a throwing listener never fails a login. */
  onChange?: (event: UserAuthEvent) => void
}

/** Options of `createJwtProvider()`. */
export interface CreateJwtProviderOptions extends ProviderOptions {
  /** Told about every login, refresh and failed call; a throwing listener never fails a login. */
  onChange?: (event: JwtEvent) => void
}

/**
 * A callable provider: resolves to fresh credentials; `reset()` makes the next call log in
 * afresh, `dispose()` stops it for good.
 */
export type Provider<T> = (() => Promise<T>) & {
  /**
   * Aborts pending requests, drops the credentials, the held envelope and the prefetch timer;
   * pending and later calls reject with `aborted`. Idempotent.
   */
  dispose(): void
  /**
   * Forgets the cached credentials (and, for the UserAuth provider, the thread token, from memory
   * and `storage`), so that the next call logs in afresh; a login already running is not reused.
   * Call it when the service refuses what the provider gave (the hub: UNAUTHENTICATED, "invalid
   * thread token"). Storage failures are ignored; the promise settles once storage was asked.
   */
  reset(): Promise<void>
}

/** What `createUserAuthProvider()` returns: a `@textile/hub` `UserAuth` callback with `dispose()`. */
export type UserAuthProvider = Provider<UserAuth>

/** What `createJwtProvider()` returns: resolves to a JWT string; has `dispose()`. */
export type JwtProvider = Provider<string>

/**
 * Where a login's token came from: `'function'` (in the `/token` or `/jwt` response), `'hub'` (the
 * hub's GetToken, answered by the SDK), `'cache'` (the SDK's memory or `storage`).
 */
export type TokenSource = 'function' | 'hub' | 'cache'

/**
 * A call failed. `expiresAt` is the expiry of the credentials the provider still holds, if any
 * (possibly past). Sent once per failed login, however many callers shared it.
 *
 * @example
 * if (event.type === 'error') status.textContent = `${event.error.code}: ${event.error.message}`
 */
export interface ProviderErrorEvent {
  type: 'error'
  error: UserAuthError
  expiresAt?: Date
}

/**
 * New credentials from `createUserAuthProvider()`: `'login'` the first time, `'refresh'` after.
 * `expiresAt` is the API signature's expiry (`auth.msg`), or the thread token's `exp` when that
 * comes first.
 *
 * @example
 * countdown.start(event.expiresAt)
 */
export interface UserAuthChangeEvent {
  type: 'login' | 'refresh'
  expiresAt: Date
  tokenSource: TokenSource
  auth: UserAuth
}

/**
 * New JWT from `createJwtProvider()`: `'login'` the first time, `'refresh'` after; the token
 * always comes from the function.
 *
 * @example
 * countdown.start(event.expiresAt)
 */
export interface JwtChangeEvent {
  type: 'login' | 'refresh'
  expiresAt: Date
  tokenSource: 'function'
  token: string
}

/** Everything a UserAuth provider's `onChange` receives. */
export type UserAuthEvent = UserAuthChangeEvent | ProviderErrorEvent

/** Everything a JWT provider's `onChange` receives. */
export type JwtEvent = JwtChangeEvent | ProviderErrorEvent

/**
 * A key-value store with `get`/`set`, sync or async (an async wrapper, a `Map`).
 *
 * @example
 * const storage: KeyValueStorage = new Map<string, string>()
 */
export interface KeyValueStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>
  set(key: string, value: string): unknown
  /**
   * Removes an entry (expired, foreign or forgotten tokens); without it such an entry stays until
   * overwritten (the SDK ignores it meanwhile).
   */
  delete?(key: string): unknown
}

/** The part of Web Storage the SDK uses: `localStorage` or `sessionStorage` themselves fit. */
export interface WebStorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem?(key: string): void
}

/**
 * Where the SDK may persist thread tokens: Web Storage (`localStorage`) or `{get, set}`.
 *
 * @example
 * const storage: TokenStorage = localStorage
 */
export type TokenStorage = KeyValueStorage | WebStorageLike
