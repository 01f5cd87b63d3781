// A per-client budget for the websocket adapter: at most `limit` units per `windowMs` per key, in
// fixed windows, as Netlify's rate limit gives the functions.
// Threat model: keys come from the network (client addresses), so memory is bounded whatever
// arrives: at most `maxKeys` windows are held; expired windows are evicted first, then the oldest.
// A flood of fresh addresses can thus reset other clients' windows early, never grow the map: an
// attacker with that many addresses is past any per-address limit anyway.

/** Default most windows held at once (about 1 MB). */
export const RATE_LIMIT_MAX_KEYS = 10_000

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Units per key per window (at least 1). */
  limit: number
  windowMs: number
  /** Most windows held; default {@link RATE_LIMIT_MAX_KEYS}. */
  maxKeys?: number
  /** A monotonic clock in milliseconds; default `performance.now()`. */
  now?: () => number
}

/** A running limiter. */
export interface RateLimiter {
  /** Spends one unit of `key`'s budget: 0 when admitted, else milliseconds until its window ends. */
  take(key: string): number
  /** Windows held now (never more than `maxKeys`). */
  readonly size: number
}

/**
 * Creates a fixed-window rate limiter with a bounded number of keys.
 *
 * @throws RangeError when `limit`, `windowMs` or `maxKeys` is not a positive number.
 * @example
 * const limiter = createRateLimiter({ limit: 30, windowMs: 60_000 })
 * if (limiter.take(clientIp) > 0) refuse()
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs } = options
  const maxKeys = options.maxKeys ?? RATE_LIMIT_MAX_KEYS
  const now = options.now ?? (() => performance.now())
  for (const [name, value] of [
    ['limit', limit],
    ['windowMs', windowMs],
    ['maxKeys', maxKeys],
  ] as const) {
    if (!(value > 0)) throw new RangeError(`createRateLimiter: ${name} must be positive`)
  }
  // Insertion order is start order: a window is only ever added with the current time, and the
  // clock never goes back, so the first entries are always the oldest.
  const windows = new Map<string, { start: number; count: number }>()

  return {
    take(key) {
      const time = now()
      for (const [held, window] of windows) {
        if (window.start + windowMs > time) break
        windows.delete(held)
      }
      let window = windows.get(key)
      if (!window) {
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!)
        window = { start: time, count: 0 }
        windows.set(key, window)
      }
      if (window.count >= limit) return Math.max(1, window.start + windowMs - time)
      window.count++
      return 0
    },
    get size() {
      return windows.size
    },
  }
}
