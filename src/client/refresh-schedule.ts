// When cached credentials are refreshed, and when the next envelope is prefetched for that
// refresh: a margin before expiry (default min(30 s, 10% of the lifetime), never more than half
// the lifetime), the prefetch a few seconds earlier.

const DEFAULT_MARGIN_MS = 30_000
/** The prefetch starts this long before the refresh is due. */
export const PREFETCH_LEAD_MS = 5_000

/** Options of {@link scheduleRefresh}. */
export interface ScheduleRefreshOptions {
  /** The credentials' expiry, ms since the epoch. */
  expiresAt: number
  /** When they were issued (now), ms since the epoch. */
  issuedAt: number
  /** The caller's refresh margin in ms; default min(30 s, 10% of the lifetime). */
  marginMs?: number
}

/** What {@link scheduleRefresh} returns: both times in ms since the epoch. */
export interface RefreshSchedule {
  /** From this time on a call logs in again instead of using the cache. */
  refreshAt: number
  /** From this time on the next envelope may be prefetched (never before `issuedAt`). */
  prefetchAt: number
}

/**
 * Computes when credentials issued now are refreshed, and when their prefetch starts.
 *
 * @example
 * const { refreshAt, prefetchAt } = scheduleRefresh({ expiresAt, issuedAt: now().getTime() })
 */
export function scheduleRefresh({
  expiresAt,
  issuedAt,
  marginMs,
}: ScheduleRefreshOptions): RefreshSchedule {
  const lifetime = expiresAt - issuedAt
  const margin = marginMs ?? Math.min(DEFAULT_MARGIN_MS, lifetime / 10)
  // Capped at half the lifetime so a short TTL cannot turn every call into a login.
  const refreshAt = expiresAt - Math.max(0, Math.min(margin, lifetime / 2))
  return { refreshAt, prefetchAt: Math.max(issuedAt, refreshAt - PREFETCH_LEAD_MS) }
}
