// At most one challenge envelope, fetched when a login needs it or ahead of time (prefetch), so
// that a refresh can start at the sign step. Threat model: an unsigned envelope is worth nothing
// to a thief (only the identity can sign it), so holding one costs nothing; it is signed only when
// a login takes it (a signed pair is replayable until the envelope expires), and a held envelope
// is used only while well within its lifetime. A failed prefetch is forgotten: the login then
// fetches a fresh envelope as if there had been no prefetch.
import type { ChallengeResult } from './http.ts'
import type { ClockSample } from './server-clock.ts'

/**
 * A prefetched envelope is used only while at least this much of its lifetime remains (a quarter
 * of the lifetime for envelopes shorter than 40 s), leaving time to sign and reach `/token`.
 */
export const ENVELOPE_SAFETY_MS = 10_000

/** Options of {@link createChallengeSource}. */
export interface ChallengeSourceOptions<A> {
  /**
   * Fetches and checks one envelope (POST `/challenge`); rejects with a coded error. `arg` is what
   * the login passed to `take` or `fresh`; undefined for a prefetch.
   */
  fetch: (arg?: A) => Promise<ChallengeResult>
  /** The provider's clock. */
  now: () => Date
}

/** An envelope to sign, whether it was fetched ahead of time, and what it says of the clocks. */
export interface TakenEnvelope {
  envelope: string
  prefetched: boolean
  clock: ClockSample
}

/** The envelope slot of one provider. */
export interface ChallengeSource<A> {
  /** The held envelope if still usable (waiting for one in flight), else one fetched with `arg`. */
  take(arg?: A): Promise<TakenEnvelope>
  /** An envelope freshly fetched with `arg`, ignoring the slot. */
  fresh(arg?: A): Promise<TakenEnvelope>
  /** Starts fetching one in the background, unless a usable one is held or on its way. */
  prefetch(): void
  /** Forgets the held envelope. */
  clear(): void
}

interface Fetched {
  envelope: string
  /** The provider's clock, ms: after this, a held envelope is refetched instead of signed. */
  usableUntil: number
  clock: ClockSample
}

interface Slot {
  promise: Promise<Fetched | undefined>
  /** Set once the fetch settled: the envelope, or undefined after a failure. */
  settled?: { value: Fetched | undefined }
}

/**
 * Creates the envelope slot. Expiry is judged by the envelope's own lifetime (`exp - iat`) from
 * the moment it was requested, on the provider's clock, so a skewed client clock does not matter.
 *
 * @example
 * const challenges = createChallengeSource({ fetch: fetchChallenge, now })
 * challenges.prefetch() // shortly before the refresh
 * const { envelope } = await challenges.take() // at the refresh
 */
export function createChallengeSource<A>(options: ChallengeSourceOptions<A>): ChallengeSource<A> {
  const { now } = options
  let held: Slot | undefined

  const fetchOne = async (arg?: A): Promise<Fetched> => {
    const requestedAt = now().getTime()
    const { envelope, lifetimeMs, issuedAt } = await options.fetch(arg)
    const clock = { iat: issuedAt, sentAt: requestedAt, receivedAt: now().getTime() }
    // `iat` is whole seconds, rounded down: the envelope may end up to 1 s before requestedAt + lifetime.
    const safety = Math.min(ENVELOPE_SAFETY_MS, lifetimeMs / 4)
    return { envelope, usableUntil: requestedAt + lifetimeMs - 1000 - safety, clock }
  }
  const usable = (fetched: Fetched | undefined): fetched is Fetched =>
    fetched !== undefined && now().getTime() < fetched.usableUntil

  const fresh = async (arg?: A): Promise<TakenEnvelope> => {
    const { envelope, clock } = await fetchOne(arg)
    return { envelope, prefetched: false, clock }
  }

  return {
    async take(arg) {
      const slot = held
      held = undefined
      const prefetched = slot && (await slot.promise)
      if (!usable(prefetched)) return fresh(arg)
      return { envelope: prefetched.envelope, prefetched: true, clock: prefetched.clock }
    },
    fresh,
    prefetch() {
      if (held && (!held.settled || usable(held.settled.value))) return
      const slot: Slot = {
        promise: fetchOne().then(
          (value) => ((slot.settled = { value }), value),
          () => ((slot.settled = { value: undefined }), undefined),
        ),
      }
      held = slot
    },
    clear() {
      held = undefined
    },
  }
}
