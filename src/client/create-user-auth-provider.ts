// The browser side of the login: challenge → sign → token (→ hub GetToken once), then keep the
// UserAuth fresh. Threat model: the private key never leaves `identity`; the SDK sees only
// signatures. The API signature is minted server-side on every refresh (the secret is there);
// the thread token never expires and is reused. Failed logins are never cached.
import { encodeBase64Url } from '../core/encoding.ts'
import { UserAuthError } from './errors.ts'
import { postJson, readChallenge, readUserAuth, type FetchLike, type UserAuth } from './http.ts'
import { createTokenCache, type TokenStorage } from './token-cache.ts'

/** Anything that can sign as a Textile identity, such as `@textile/hub`'s `PrivateKey`. */
export interface Identity {
  public: { toString(): string }
  sign(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/** Options of {@link createUserAuthProvider}. */
export interface CreateUserAuthProviderOptions {
  /** The functions' base URL: `'/api'` or absolute; `/challenge` and `/token` are appended. */
  endpoint: string
  /** The user's key pair; only `public.toString()` and `sign(bytes)` are used. */
  identity: Identity
  /** The hub's gRPC-web URL; required when the server runs in hub-challenge mode (no token). */
  hubUrl?: string
  /** The fetch to use; default the global `fetch`. */
  fetch?: FetchLike
  /** Persists the thread token across page loads (e.g. a `localStorage` wrapper). */
  storage?: TokenStorage
  /** Refresh this many seconds before the API signature expires; default min(30, 10% of its lifetime). */
  refreshMarginSeconds?: number
  /** Limit for each HTTP request and for the hub's GetToken, in milliseconds; default 15000. */
  timeoutMs?: number
  /** The clock; default the wall clock. */
  now?: () => Date
}

/** What the provider returns: a `@textile/hub` `UserAuth` callback. */
export type UserAuthProvider = () => Promise<UserAuth>

const DEFAULT_TIMEOUT_MS = 15_000
const DEFAULT_MARGIN_MS = 30_000

/**
 * Creates a `UserAuth` callback for `Client.withUserAuth(provider, hubUrl)`.
 *
 * @throws `TypeError` (synchronously) when the options are misused.
 * @throws (rejects) a server code from design.md (`invalid_signature`, `pubkey_not_allowed`, …)
 *   when the functions answer problem+json; `network_error`, `request_timeout`, `rate_limited`,
 *   `bad_response`, `sign_failed`, `hub_url_required`, `hub_error`, `hub_timeout` otherwise.
 * @example
 * const provider = createUserAuthProvider({ endpoint: '/api', identity, hubUrl })
 * const client = Client.withUserAuth(provider, hubUrl)
 */
export function createUserAuthProvider(options: CreateUserAuthProviderOptions): UserAuthProvider {
  const settings = validate(options)
  const { identity, pubkey, hubUrl, now } = settings
  const cache = hubUrl ? createTokenCache({ hubUrl, pubkey, storage: options.storage }) : undefined

  let current: { auth: UserAuth; refreshAt: number } | undefined
  let inflight: Promise<UserAuth> | undefined

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

  const { fetch, endpoint, timeoutMs } = settings

  async function login(): Promise<UserAuth> {
    const { envelope } = await postJson({
      fetch,
      url: `${endpoint}/challenge`,
      body: { pubkey },
      timeoutMs,
      read: readChallenge,
    })
    const signature = await sign(new TextEncoder().encode(envelope))
    const auth = await postJson({
      fetch,
      url: `${endpoint}/token`,
      body: { envelope, signature: encodeBase64Url(signature) },
      timeoutMs,
      read: readUserAuth,
    })
    if (auth.token === undefined) auth.token = await hubToken(auth)
    const issuedAt = now().getTime()
    const expiresAt = Date.parse(auth.msg)
    const lifetime = expiresAt - issuedAt
    // Capped at half the lifetime so a short TTL cannot turn every call into a login.
    const margin = settings.marginMs ?? Math.min(DEFAULT_MARGIN_MS, lifetime / 10)
    current = { auth, refreshAt: expiresAt - Math.max(0, Math.min(margin, lifetime / 2)) }
    return { ...auth }
  }

  // Hub-challenge mode: the cached token when there is one, else the hub's GetToken, once.
  async function hubToken(auth: UserAuth): Promise<string> {
    if (!hubUrl || !cache) throw new UserAuthError('hub_url_required')
    const cached = await cache.get()
    if (cached !== undefined) return cached
    const { getHubToken } = await import('./hub-challenge.ts')
    const token = await getHubToken({ hubUrl, pubkey, auth, sign, timeoutMs })
    await cache.set(token)
    return token
  }

  return () => {
    if (current && now().getTime() < current.refreshAt) return Promise.resolve({ ...current.auth })
    inflight ??= login().finally(() => {
      inflight = undefined
    })
    return inflight.then((auth) => ({ ...auth }))
  }
}

function validate(options: CreateUserAuthProviderOptions) {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createUserAuthProvider: options must be an object')
  }
  const { endpoint, identity, hubUrl, storage, refreshMarginSeconds, timeoutMs, now } = options
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw new TypeError('createUserAuthProvider: endpoint must be a non-empty string')
  }
  if (
    typeof identity !== 'object' ||
    identity === null ||
    typeof identity.sign !== 'function' ||
    typeof identity.public?.toString !== 'function'
  ) {
    throw new TypeError('createUserAuthProvider: identity needs public.toString() and sign(bytes)')
  }
  const pubkey = identity.public.toString()
  if (typeof pubkey !== 'string' || pubkey === '') {
    throw new TypeError('createUserAuthProvider: identity.public.toString() must give a key string')
  }
  if (hubUrl !== undefined && (typeof hubUrl !== 'string' || !/^https?:\/\/[^/]/i.test(hubUrl))) {
    throw new TypeError('createUserAuthProvider: hubUrl must be an http:// or https:// URL')
  }
  const fetchFn =
    options.fetch ??
    (typeof globalThis.fetch === 'function'
      ? (input: string, init: RequestInit) => globalThis.fetch(input, init)
      : undefined)
  if (typeof fetchFn !== 'function') {
    throw new TypeError('createUserAuthProvider: fetch must be a function (no global fetch)')
  }
  if (
    storage !== undefined &&
    (typeof storage !== 'object' ||
      storage === null ||
      typeof storage.get !== 'function' ||
      typeof storage.set !== 'function')
  ) {
    throw new TypeError('createUserAuthProvider: storage needs get(key) and set(key, value)')
  }
  if (refreshMarginSeconds !== undefined && !isNonNegative(refreshMarginSeconds)) {
    throw new TypeError('createUserAuthProvider: refreshMarginSeconds must be a number ≥ 0')
  }
  if (timeoutMs !== undefined && !(isNonNegative(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError('createUserAuthProvider: timeoutMs must be a positive number')
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError('createUserAuthProvider: now must be a function returning a Date')
  }
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    identity,
    pubkey,
    hubUrl: hubUrl?.replace(/\/+$/, ''),
    fetch: fetchFn,
    marginMs: refreshMarginSeconds === undefined ? undefined : refreshMarginSeconds * 1000,
    timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
    now: now ?? (() => new Date()),
  }
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
