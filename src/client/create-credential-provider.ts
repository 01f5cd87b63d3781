// The login machinery both providers share: challenge → sign → POST `/token` or `/jwt` → finish,
// one login in flight at a time, the result cached until shortly before it expires, the next
// envelope prefetched shortly before the refresh, events, cancellation.
// Threat model: the private key never leaves `identity`; the SDK signs only strings that are
// envelopes for its own key (readChallenge), and only when a caller needs credentials (never a
// prefetched envelope ahead of time). Failed logins are never cached. After dispose or abort
// nothing new starts: no request, no timer, no event (a `sign` already running cannot be stopped;
// its result is dropped).
import { createChallengeSource } from './challenge-source.ts'
import { UserAuthError } from './errors.ts'
import { postJson, readChallenge, type FetchLike } from './http.ts'
import type { ProviderErrorEvent, TokenSource } from './provider-events.ts'

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
   * default true. In a page, only while it is visible (`document.visibilityState`).
   */
  prefetch?: boolean
}

/** A callable provider: resolves to fresh credentials; `dispose()` stops it for good. */
export type Provider<T> = (() => Promise<T>) & {
  /**
   * Aborts pending requests, drops the credentials, the held envelope and the prefetch timer;
   * pending and later calls reject with `aborted`. Idempotent.
   */
  dispose(): void
}

/** What one login produced. */
export interface Credentials<T> {
  value: T
  /** Expiry, ms since the epoch. */
  expiresAt: number
  tokenSource: TokenSource
}

/** What a provider's last step gets. */
export interface LoginTools {
  /** Signs with the identity; rejects with `sign_failed` unless it gets 64 bytes. */
  sign(bytes: Uint8Array): Promise<Uint8Array>
  signal: AbortSignal
  timeoutMs: number
  pubkey: string
}

/** How one kind of provider turns a signed envelope into credentials. */
export interface LoginSteps<R, T, E> {
  /** The function that redeems the signed envelope: `'/token'` or `'/jwt'`. */
  path: string
  /** Checks its 2xx body; undefined means `bad_response`. */
  read(json: Record<string, unknown>): R | undefined
  /** Completes the login (the hub's GetToken in hub-challenge mode). */
  finish(result: R, tools: LoginTools): Promise<Credentials<T>>
  /** What each caller gets (a copy of an object, so callers cannot alter the cache). */
  copy(value: T): T
  /** The `onChange` event of new credentials. */
  event(type: 'login' | 'refresh', credentials: Credentials<T>): E
}

/** Checked options, ready for {@link createCredentialProvider}. */
export interface ProviderSettings<E> {
  endpoint: string
  identity: Identity
  pubkey: string
  fetch: FetchLike
  marginMs?: number
  timeoutMs: number
  now: () => Date
  signal?: AbortSignal
  prefetch: boolean
  onChange?: (event: E | ProviderErrorEvent) => void
}

const DEFAULT_TIMEOUT_MS = 15_000
const DEFAULT_MARGIN_MS = 30_000
/** The prefetch starts this long before the refresh is due. */
export const PREFETCH_LEAD_MS = 5_000
const MAX_DELAY_MS = 2 ** 31 - 1

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
  if (prefetch !== undefined && typeof prefetch !== 'boolean')
    throw fail('prefetch must be a boolean')
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

/**
 * Creates a provider from checked settings and the steps of one kind of credentials.
 *
 * @throws (rejects) the codes of {@link postJson}, `bad_response` for a `/challenge` answer that
 *   is not an envelope for this identity (nothing is signed then), `sign_failed`, `aborted`, and
 *   whatever `steps.finish` rejects with.
 * @example
 * const provider = createCredentialProvider(readProviderOptions(name, options), steps)
 * const credentials = await provider()
 */
export function createCredentialProvider<R, T, E>(
  settings: ProviderSettings<E>,
  steps: LoginSteps<R, T, E>,
): Provider<T> {
  const { identity, pubkey, now, timeoutMs, onChange } = settings
  const life = new AbortController()
  const { signal } = life
  const aborted = () => new UserAuthError('aborted', { cause: signal.reason })
  // Settles every pending call at once when the provider is disposed, even mid-sign.
  const stopped = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(aborted())),
  )
  stopped.catch(() => {})

  const post = <V>(
    path: string,
    body: Record<string, string>,
    read: (json: Record<string, unknown>) => V | undefined,
  ) =>
    postJson({
      fetch: settings.fetch,
      url: settings.endpoint + path,
      body,
      timeoutMs,
      read,
      signal,
    })
  const challenges = createChallengeSource({
    now,
    fetch: () => post('/challenge', { pubkey }, (json) => readChallenge(json, pubkey)),
  })

  const sign = async (bytes: Uint8Array): Promise<Uint8Array> => {
    let signature: unknown
    try {
      signature = await identity.sign(bytes)
    } catch (cause) {
      throw new UserAuthError('sign_failed', { cause })
    }
    // RFC 8032 §5.1.6: an Ed25519 signature is 64 bytes.
    if (!ArrayBuffer.isView(signature) || signature.byteLength !== 64) {
      throw new UserAuthError('sign_failed')
    }
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength)
  }

  let current: { credentials: Credentials<T>; refreshAt: number; prefetchAt: number } | undefined
  let inflight: Promise<T> | undefined
  // Armed from a login until its one prefetch starts: at most one extra challenge per credentials.
  let armed = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const page = settings.prefetch ? visiblePage() : undefined

  const emit = (event: E | ProviderErrorEvent) => {
    if (!onChange || signal.aborted) return
    try {
      const result: unknown = onChange(event)
      if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
        ;(result as PromiseLike<unknown>).then(undefined, report)
      }
    } catch (error) {
      report(error)
    }
  }

  const tryPrefetch = () => {
    if (!armed || inflight || !current || now().getTime() < current.prefetchAt) return
    if (page && page.visibilityState !== 'visible') return // retried on visibilitychange
    disarm()
    challenges.prefetch()
  }
  const schedule = () => {
    timer = undefined
    if (!armed || !current) return
    const delay = current.prefetchAt - now().getTime()
    if (delay <= 0) return tryPrefetch()
    timer = setTimeout(schedule, Math.min(delay, MAX_DELAY_MS))
    // Node and Deno: a pending prefetch must not keep the process alive.
    ;(timer as unknown as { unref?: () => void }).unref?.()
  }
  const arm = () => {
    if (!settings.prefetch) return
    armed = true
    page?.addEventListener('visibilitychange', tryPrefetch)
    schedule()
  }
  function disarm() {
    armed = false
    clearTimeout(timer)
    timer = undefined
    page?.removeEventListener('visibilitychange', tryPrefetch)
  }

  const keep = (credentials: Credentials<T>) => {
    const issuedAt = now().getTime()
    const lifetime = credentials.expiresAt - issuedAt
    const margin = settings.marginMs ?? Math.min(DEFAULT_MARGIN_MS, lifetime / 10)
    // Capped at half the lifetime so a short TTL cannot turn every call into a login.
    const refreshAt = credentials.expiresAt - Math.max(0, Math.min(margin, lifetime / 2))
    current = {
      credentials,
      refreshAt,
      prefetchAt: Math.max(issuedAt, refreshAt - PREFETCH_LEAD_MS),
    }
    arm()
  }

  const redeem = async (envelope: string) => {
    const signature = await sign(new TextEncoder().encode(envelope))
    return post(steps.path, { envelope, signature: encodeBase64Url(signature) }, steps.read)
  }

  async function login(): Promise<T> {
    disarm()
    try {
      const taken = await challenges.take()
      let result: R
      try {
        result = await redeem(taken.envelope)
      } catch (error) {
        // A prefetched envelope the server no longer takes (the client's clock jumped back, the
        // secret that sealed it was rotated out): one more try with a fresh one, as without prefetch.
        const code = error instanceof UserAuthError && error.code
        if (!taken.prefetched || (code !== 'envelope_expired' && code !== 'invalid_envelope')) {
          throw error
        }
        result = await redeem((await challenges.fresh()).envelope)
      }
      const credentials = await steps.finish(result, { sign, signal, timeoutMs, pubkey })
      if (signal.aborted) throw aborted()
      const type = current ? 'refresh' : 'login'
      keep(credentials)
      emit(steps.event(type, credentials))
      return credentials.value
    } catch (error) {
      if (error instanceof UserAuthError) {
        const held = current && { expiresAt: new Date(current.credentials.expiresAt) }
        emit({ type: 'error', error, ...held })
      }
      throw error
    }
  }

  const dispose = () => life.abort()
  const onOuterAbort = () => life.abort(settings.signal?.reason)
  signal.addEventListener('abort', () => {
    disarm()
    challenges.clear()
    current = undefined
    settings.signal?.removeEventListener('abort', onOuterAbort)
  })
  if (settings.signal?.aborted) onOuterAbort()
  else settings.signal?.addEventListener('abort', onOuterAbort)

  const provider = (): Promise<T> => {
    if (signal.aborted) return Promise.reject(aborted())
    const time = now().getTime()
    if (current && time < current.refreshAt) {
      if (time >= current.prefetchAt) tryPrefetch()
      return Promise.resolve(steps.copy(current.credentials.value))
    }
    inflight ??= Promise.race([login(), stopped]).finally(() => {
      inflight = undefined
    })
    return inflight.then(steps.copy)
  }
  return Object.assign(provider, { dispose })
}

// base64url without padding (RFC 4648 §5), with `btoa`: encoding.ts would add its base32 tables
// to the browser bundle for 64 bytes.
function encodeBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

/** The page's `document` when there is one that reports visibility (not in Node or workers). */
function visiblePage(): Document | undefined {
  const page = (globalThis as { document?: Document }).document
  return typeof page?.visibilityState === 'string' && typeof page.addEventListener === 'function'
    ? page
    : undefined
}

// A listener's bug is reported the way the platform reports uncaught errors (browsers, Deno),
// never thrown into the login.
function report(error: unknown): void {
  try {
    ;(globalThis as { reportError?: (error: unknown) => void }).reportError?.(error)
  } catch {
    // Nothing else to do.
  }
}
