// The login machinery both providers share: challenge → sign → POST `/token` or `/jwt` → finish,
// one login in flight at a time, the result cached until shortly before it expires, the next
// envelope prefetched shortly before the refresh (and the first one at once with 'eager'), events,
// cancellation, reset. Expiries come on the servers' clock; each login re-estimates how far the
// page's clock is from theirs (server-clock.ts) and schedules on the page's clock from that.
// Threat model: the private key never leaves `identity`; the SDK signs only strings that are
// envelopes for its own key (readChallenge), and only when a caller needs credentials (never a
// prefetched envelope ahead of time). Failed logins are never cached. After dispose or abort
// nothing new starts: no request, no timer, no event (a `sign` already running cannot be stopped;
// its result is dropped).
import { encodeBase64Url } from '../core/base64.ts'
import { currentLink, type CurrentLink } from './account-link.ts'
import { callListener } from './call-listener.ts'
import { createChallengeSource } from './challenge-source.ts'
import { UserAuthError } from './errors.ts'
import { postJson, readChallenge } from './http.ts'
import { createPrefetchTimer } from './prefetch-timer.ts'
import type { ProviderSettings } from './provider-options.ts'
import { scheduleRefresh } from './refresh-schedule.ts'
import { clockOffset } from './server-clock.ts'
import { signWithIdentity } from './sign-with-identity.ts'
import type { Provider, ProviderErrorEvent, TokenSource } from './types.ts'

/** What one login produced. */
export interface Credentials<T> {
  value: T
  /** Expiry, ms since the epoch: on the servers' clock from `finish`, on the page's in events. */
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
  /** Whom the credentials are for: the link's account, else `pubkey` (a thread token's `sub`). */
  subject: string
  /** The servers' clock now, as this login estimated it (ms since the epoch). */
  serverNow: number
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
  /** The `onChange` event of new credentials (`expiresAt` on the page's clock). */
  event(type: 'login' | 'refresh', credentials: Credentials<T>): E
  /** What `reset()` drops beyond the credentials (the UserAuth provider's thread token). */
  reset?(): Promise<void>
}

/**
 * Creates a provider from checked settings and the steps of one kind of credentials.
 *
 * @throws (rejects) `invalid_link` for an account link that is unreadable or for another device
 *   key (checked before anything is sent), the codes of {@link postJson}, `bad_response` for a
 *   `/challenge` answer that
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
  // With an account link, each login reads the current link once and sends it with its
  // `/challenge` and its `/token` or `/jwt`; a prefetch reads it itself (without one, no extra
  // await: the calls start in the same tick as before).
  const { link: readLink } = settings
  const withLink = (body: Record<string, string>, linked: CurrentLink | undefined) =>
    linked ? { ...body, link: linked.link } : body
  const challenges = createChallengeSource<CurrentLink>({
    now,
    fetch: async (linked) => {
      linked ??= readLink && (await currentLink(readLink, pubkey))
      const body = withLink({ pubkey }, linked)
      return post('/challenge', body, (json) => readChallenge(json, pubkey))
    },
  })

  const sign = (bytes: Uint8Array) => signWithIdentity(identity, bytes)

  let current: { credentials: Credentials<T>; refreshAt: number; prefetchAt: number } | undefined
  let inflight: Promise<T> | undefined
  /** Counts resets: a login that started before one keeps nothing. */
  let resets = 0
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

  /** Keeps credentials whose expiry is on the page's clock. */
  const keep = (credentials: Credentials<T>) => {
    const { expiresAt } = credentials
    const issuedAt = now().getTime()
    const { marginMs } = settings
    current = { credentials, ...scheduleRefresh({ expiresAt, issuedAt, marginMs }) }
    prefetcher?.arm(current.prefetchAt)
  }

  const redeem = async (envelope: string, linked: CurrentLink | undefined) => {
    const signature = await sign(new TextEncoder().encode(envelope))
    const body = withLink({ envelope, signature: encodeBase64Url(signature) }, linked)
    return post(steps.path, body, steps.read)
  }

  async function login(): Promise<T> {
    prefetcher?.disarm()
    const epoch = resets
    try {
      // Checked before anything is signed: a link this identity cannot use is invalid_link here.
      const linked = readLink ? await currentLink(readLink, pubkey) : undefined
      let taken = await challenges.take(linked)
      let result: R
      try {
        result = await redeem(taken.envelope, linked)
      } catch (error) {
        // A prefetched envelope the server no longer takes (the client's clock jumped back, the
        // secret that sealed it was rotated out): one more try with a fresh one, as without prefetch.
        const code = error instanceof UserAuthError && error.code
        if (!taken.prefetched || (code !== 'envelope_expired' && code !== 'invalid_envelope')) {
          throw error
        }
        taken = await challenges.fresh(linked)
        result = await redeem(taken.envelope, linked)
      }
      // The envelope the functions just took tells how far their clock is from the page's.
      const offset = clockOffset(taken.clock)
      const serverNow = now().getTime() + offset
      const subject = linked?.account ?? pubkey
      const tools = { sign, signal, timeoutMs, pubkey, subject, serverNow }
      const finished = await steps.finish(result, tools)
      if (signal.aborted) throw aborted()
      const credentials = { ...finished, expiresAt: finished.expiresAt - offset }
      const type = current ? 'refresh' : 'login'
      if (epoch === resets) keep(credentials)
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
  const reset = async () => {
    resets++
    current = undefined
    inflight = undefined
    prefetcher?.disarm()
    await steps.reset?.()
  }
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
    if (!inflight) {
      const started: Promise<T> = Promise.race([login(), stopped]).finally(() => {
        if (inflight === started) inflight = undefined
      })
      inflight = started
    }
    return inflight.then(steps.copy)
  }
  return Object.assign(provider, { dispose, reset })
}
