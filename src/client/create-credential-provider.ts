// The login machinery both providers share: challenge → sign → POST `/token` or `/jwt` → finish,
// one login in flight at a time, the result cached until shortly before it expires, the next
// envelope prefetched shortly before the refresh (and the first one at once with 'eager'), events,
// cancellation.
// Threat model: the private key never leaves `identity`; the SDK signs only strings that are
// envelopes for its own key (readChallenge), and only when a caller needs credentials (never a
// prefetched envelope ahead of time). Failed logins are never cached. After dispose or abort
// nothing new starts: no request, no timer, no event (a `sign` already running cannot be stopped;
// its result is dropped).
import { callListener } from './call-listener.ts'
import { createChallengeSource } from './challenge-source.ts'
import { UserAuthError } from './errors.ts'
import { postJson, readChallenge } from './http.ts'
import { createPrefetchTimer } from './prefetch-timer.ts'
import type { Provider, ProviderSettings } from './provider-options.ts'
import type { ProviderErrorEvent, TokenSource } from './provider-events.ts'
import { scheduleRefresh } from './refresh-schedule.ts'
import { signWithIdentity } from './sign-with-identity.ts'

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

  const sign = (bytes: Uint8Array) => signWithIdentity(identity, bytes)

  let current: { credentials: Credentials<T>; refreshAt: number; prefetchAt: number } | undefined
  let inflight: Promise<T> | undefined
  const prefetcher = settings.prefetch
    ? createPrefetchTimer({
        now,
        busy: () => inflight !== undefined,
        prefetch: () => challenges.prefetch(),
      })
    : undefined

  const emit = (event: E | ProviderErrorEvent) => {
    if (onChange && !signal.aborted) callListener(onChange, event)
  }

  const keep = (credentials: Credentials<T>) => {
    const { expiresAt } = credentials
    const issuedAt = now().getTime()
    const { marginMs } = settings
    current = { credentials, ...scheduleRefresh({ expiresAt, issuedAt, marginMs }) }
    prefetcher?.arm(current.prefetchAt)
  }

  const redeem = async (envelope: string) => {
    const signature = await sign(new TextEncoder().encode(envelope))
    return post(steps.path, { envelope, signature: encodeBase64Url(signature) }, steps.read)
  }

  async function login(): Promise<T> {
    prefetcher?.disarm()
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
    prefetcher?.disarm()
    challenges.clear()
    current = undefined
    settings.signal?.removeEventListener('abort', onOuterAbort)
  })
  if (settings.signal?.aborted) onOuterAbort()
  else settings.signal?.addEventListener('abort', onOuterAbort)
  // `prefetch: 'eager'`: the first envelope now (in a visible page), so the first login waits for
  // the redeeming request only; it is signed only when that login takes it.
  if (settings.prefetch === 'eager' && !signal.aborted) prefetcher?.arm(now().getTime())

  const provider = (): Promise<T> => {
    if (signal.aborted) return Promise.reject(aborted())
    const time = now().getTime()
    if (current && time < current.refreshAt) {
      if (time >= current.prefetchAt) prefetcher?.tryPrefetch()
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
