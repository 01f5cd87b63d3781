// Starts the one prefetch of the next envelope when it is due: a timer armed after each login,
// and in a page, only while the page is visible (retried on `visibilitychange`). The timer never
// keeps a Node or Deno process alive.

const MAX_DELAY_MS = 2 ** 31 - 1

/** Options of {@link createPrefetchTimer}. */
export interface PrefetchTimerOptions {
  /** The provider's clock. */
  now: () => Date
  /** True while a login is in flight (it takes the envelope itself, no prefetch then). */
  busy: () => boolean
  /** Starts the prefetch (POST `/challenge` into the envelope slot). */
  prefetch: () => void
}

/** The prefetch timer of one provider. */
export interface PrefetchTimer {
  /** Arms it for one prefetch at `dueAt` (ms since the epoch), after a login. */
  arm(dueAt: number): void
  /** Disarms it: clears the timer and the page listener. */
  disarm(): void
  /** Starts the prefetch now if armed, due, not busy and the page (if any) is visible. */
  tryPrefetch(): void
}

/**
 * Creates the prefetch timer of one provider; armed from a login until its one prefetch starts,
 * so there is at most one extra challenge per credentials.
 *
 * @example
 * const timer = createPrefetchTimer({ now, busy: () => !!inflight, prefetch: challenges.prefetch })
 * timer.arm(prefetchAt)
 */
export function createPrefetchTimer({ now, busy, prefetch }: PrefetchTimerOptions): PrefetchTimer {
  const page = visiblePage()
  let armedAt: number | undefined
  let timer: ReturnType<typeof setTimeout> | undefined

  const tryPrefetch = () => {
    if (armedAt === undefined || busy() || now().getTime() < armedAt) return
    if (page && page.visibilityState !== 'visible') return // retried on visibilitychange
    disarm()
    prefetch()
  }
  const schedule = () => {
    timer = undefined
    if (armedAt === undefined) return
    const delay = armedAt - now().getTime()
    if (delay <= 0) return tryPrefetch()
    timer = setTimeout(schedule, Math.min(delay, MAX_DELAY_MS))
    // Node and Deno: a pending prefetch must not keep the process alive.
    ;(timer as unknown as { unref?: () => void }).unref?.()
  }
  function disarm() {
    armedAt = undefined
    clearTimeout(timer)
    timer = undefined
    page?.removeEventListener('visibilitychange', tryPrefetch)
  }
  const arm = (dueAt: number) => {
    armedAt = dueAt
    page?.addEventListener('visibilitychange', tryPrefetch)
    schedule()
  }
  return { arm, disarm, tryPrefetch }
}

/** The page's `document` when there is one that reports visibility (not in Node or workers). */
function visiblePage(): Document | undefined {
  const page = (globalThis as { document?: Document }).document
  return typeof page?.visibilityState === 'string' && typeof page.addEventListener === 'function'
    ? page
    : undefined
}
