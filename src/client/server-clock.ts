// The functions' clock as the SDK estimates it, so that a page whose clock is off (minutes
// ahead or behind are common; hours when a machine keeps local time in its hardware clock) judges
// the API signature's `msg`, a JWT's `expiresAt` and a thread token's `exp` as the servers will.
// One sample per login: the envelope's `iat` (the functions' second when they issued it) and the
// page's clock when the `/challenge` request left and when its answer arrived.
// Threat model: `iat` is unauthenticated to the SDK, and an estimate that puts the servers far in
// the past would make expired credentials look fresh. So the estimate always errs towards the
// servers being later (credentials end a little early, never late: see clockOffset), and it is
// capped at MAX_CLOCK_OFFSET_MS: a server that lies about `iat` (the same server that mints the
// credentials) can make the SDK hand out expired credentials for at most that long, not forever;
// `provider.reset()` ends it at once.

/** The largest correction the SDK applies to its own clock: 24 hours. */
export const MAX_CLOCK_OFFSET_MS = 24 * 60 * 60 * 1000

/** One observation of the functions' clock. */
export interface ClockSample {
  /** The envelope's `iat`: the functions' clock in whole seconds, rounded down. */
  iat: number
  /** The page's clock (ms) when the `/challenge` request was sent. */
  sentAt: number
  /** The page's clock (ms) when its answer arrived. */
  receivedAt: number
}

/**
 * The milliseconds to add to the page's clock to get the functions': 0 when the sample is
 * consistent with both clocks agreeing, else the latest offset the sample allows (the servers
 * issued the envelope at or after `iat` s and before `iat + 1` s, between `sentAt` and
 * `receivedAt`), capped at ±{@link MAX_CLOCK_OFFSET_MS}.
 *
 * @example
 * const offset = clockOffset({ iat: payload.iat, sentAt, receivedAt })
 * const serverNow = now().getTime() + offset
 */
export function clockOffset({ iat, sentAt, receivedAt }: ClockSample): number {
  const earliest = iat * 1000 - receivedAt
  const latest = iat * 1000 + 1000 - sentAt
  if (!Number.isFinite(earliest) || !Number.isFinite(latest)) return 0
  if (earliest <= 0 && latest >= 0) return 0
  return Math.max(-MAX_CLOCK_OFFSET_MS, Math.min(MAX_CLOCK_OFFSET_MS, latest))
}
