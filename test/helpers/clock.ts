// The one clock of the test suites. Everything under test takes "now" as an option; tests pass
// a clock that starts at NOW and moves only when told, never the wall clock.

/** The suites' fixed "now": 2030-01-01T00:00:00Z. */
export const NOW = new Date('2030-01-01T00:00:00.000Z')

/** {@link NOW} in Unix seconds, as JWT and envelope claims spell time. */
export const NOW_SECONDS = NOW.getTime() / 1000

/** The date `seconds` after {@link NOW} (before it when negative). */
export function at(seconds: number): Date {
  return new Date(NOW.getTime() + seconds * 1000)
}

/** A clock that moves only when told: pass `now` to what is tested. */
export interface Clock {
  now(): Date
  /** Moves the clock `ms` forward (back when negative). */
  advance(ms: number): void
  /** Sets the clock to `date`. */
  set(date: Date): void
}

/**
 * A clock starting at `start` (default {@link NOW}).
 *
 * @example
 * const time = clock()
 * const provider = createUserAuthProvider({ ..., now: time.now })
 * time.advance(600_000)
 */
export function clock(start: Date = NOW): Clock {
  let time = start.getTime()
  return {
    now: () => new Date(time),
    advance: (ms) => void (time += ms),
    set: (date) => void (time = date.getTime()),
  }
}
