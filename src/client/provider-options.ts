// The options every provider takes, checked once into the settings the login machinery runs on,
// and the public types of a provider.
import type { FetchLike } from './http.ts'
import type { ProviderErrorEvent } from './provider-events.ts'

/** Anything that can sign as a Textile identity, such as `@textile/hub`'s `PrivateKey`. */
export interface Identity {
  public: { toString(): string }
  sign(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/** Options every provider takes. */
export interface ProviderOptions {
  /** The functions' base URL, `'/api'` or absolute; `/challenge`, `/token`, `/jwt` are appended. */
  endpoint: string
  /** The user's key pair; only `public.toString()` and `sign(bytes)` are used. */
  identity: Identity
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

/** Checked options, ready for `createCredentialProvider`. */
export interface ProviderSettings<E> {
  endpoint: string
  identity: Identity
  pubkey: string
  fetch: FetchLike
  marginMs?: number
  timeoutMs: number
  now: () => Date
  signal?: AbortSignal
  prefetch: boolean | 'eager'
  onChange?: (event: E | ProviderErrorEvent) => void
}

const DEFAULT_TIMEOUT_MS = 15_000

/**
 * Checks the options every provider takes.
 *
 * @throws `TypeError` naming `name` when an option is misused.
 * @example
 * const settings = readProviderOptions('createJwtProvider', options)
 */
export function readProviderOptions<E>(
  name: string,
  options: ProviderOptions & { onChange?: (event: E | ProviderErrorEvent) => void },
): ProviderSettings<E> {
  const fail = (message: string) => new TypeError(`${name}: ${message}`)
  if (typeof options !== 'object' || options === null) throw fail('options must be an object')
  const { endpoint, identity, refreshMarginSeconds, timeoutMs, now, signal, prefetch, onChange } =
    options
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw fail('endpoint must be a non-empty string')
  }
  if (
    typeof identity !== 'object' ||
    identity === null ||
    typeof identity.sign !== 'function' ||
    typeof identity.public?.toString !== 'function'
  ) {
    throw fail('identity needs public.toString() and sign(bytes)')
  }
  const pubkey = identity.public.toString()
  if (typeof pubkey !== 'string' || pubkey === '') {
    throw fail('identity.public.toString() must give a key string')
  }
  const fetchFn =
    options.fetch ??
    (typeof globalThis.fetch === 'function'
      ? (input: string, init: RequestInit) => globalThis.fetch(input, init)
      : undefined)
  if (typeof fetchFn !== 'function') throw fail('fetch must be a function (no global fetch)')
  if (refreshMarginSeconds !== undefined && !isNonNegative(refreshMarginSeconds)) {
    throw fail('refreshMarginSeconds must be a number ≥ 0')
  }
  if (timeoutMs !== undefined && !(isNonNegative(timeoutMs) && timeoutMs > 0)) {
    throw fail('timeoutMs must be a positive number')
  }
  if (now !== undefined && typeof now !== 'function') {
    throw fail('now must be a function returning a Date')
  }
  if (signal !== undefined && typeof signal?.addEventListener !== 'function') {
    throw fail('signal must be an AbortSignal')
  }
  if (prefetch !== undefined && typeof prefetch !== 'boolean' && prefetch !== 'eager')
    throw fail("prefetch must be a boolean or 'eager'")
  if (onChange !== undefined && typeof onChange !== 'function')
    throw fail('onChange must be a function')
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    identity,
    pubkey,
    fetch: fetchFn,
    ...(refreshMarginSeconds === undefined ? {} : { marginMs: refreshMarginSeconds * 1000 }),
    timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
    now: now ?? (() => new Date()),
    ...(signal ? { signal } : {}),
    prefetch: prefetch ?? true,
    ...(onChange ? { onChange } : {}),
  }
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
