import { describe, expect, it } from 'vitest'
import { RATE_LIMIT_MAX_KEYS, createRateLimiter } from '../../src/ws/rate-limiter.ts'

function limiter(limit: number, maxKeys?: number) {
  const clock = { now: 0 }
  const rate = createRateLimiter({
    limit,
    windowMs: 60_000,
    now: () => clock.now,
    ...(maxKeys !== undefined && { maxKeys }),
  })
  return { rate, clock }
}

describe('createRateLimiter()', () => {
  it('admits limit units per key and window, then answers the milliseconds left', () => {
    const { rate, clock } = limiter(3)
    expect([rate.take('a'), rate.take('a'), rate.take('a')]).toEqual([0, 0, 0])
    clock.now = 45_000
    expect(rate.take('a')).toBe(15_000)
    expect(rate.take('b')).toBe(0)
    clock.now = 60_000
    expect(rate.take('a')).toBe(0)
  })

  it('evicts windows once they are over', () => {
    const { rate, clock } = limiter(1)
    for (const key of ['a', 'b', 'c']) rate.take(key)
    expect(rate.size).toBe(3)
    clock.now = 60_000
    rate.take('d')
    expect(rate.size).toBe(1)
  })

  it('holds at most maxKeys windows, evicting the oldest', () => {
    const { rate, clock } = limiter(1, 3)
    for (const key of ['a', 'b', 'c']) {
      rate.take(key)
      clock.now += 1
    }
    expect(rate.take('d')).toBe(0)
    expect(rate.size).toBe(3)
    // `a` was the oldest: evicted, so its budget is whole again; `d` is still spent.
    expect(rate.take('a')).toBe(0)
    expect(rate.take('d')).toBeGreaterThan(0)
  })

  it('stays at RATE_LIMIT_MAX_KEYS windows under 100,000 distinct keys a minute', () => {
    const { rate, clock } = limiter(30)
    for (let i = 0; i < 100_000; i++) {
      rate.take(`198.51.${i >> 8}.${i & 0xff}`)
      clock.now += 0.5
    }
    expect(rate.size).toBe(RATE_LIMIT_MAX_KEYS)
  })

  it.each([
    ['limit', { limit: 0, windowMs: 1 }],
    ['windowMs', { limit: 1, windowMs: Number.NaN }],
    ['maxKeys', { limit: 1, windowMs: 1, maxKeys: -1 }],
  ])('throws RangeError for a %s that is not positive', (_name, options) => {
    expect(() => createRateLimiter(options)).toThrow(RangeError)
  })
})
