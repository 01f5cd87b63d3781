// The budgets of the two login layouts (src/netlify/rate-limit.ts). Netlify counts a function's
// rateLimit over all its paths, so the login function's one window is also the budget of each of
// its routes alone: it must give no route more than that route's own function has in the split
// layout (issue 24: at 60, a /challenge-only prober got 60 probes a minute instead of 30).
import { describe, expect, it } from 'vitest'
import { FUNCTIONS } from '../../src/cli/function-files.ts'
import { LOGIN_RATE_LIMIT, RATE_LIMIT } from '../../src/netlify/rate-limit.ts'

/** Requests one client may send to `route` alone in one window, in each layout. */
function budgets(route: string): { combined: number; split: number } {
  const serving = (layout: string) =>
    FUNCTIONS.filter((spec) => spec.layout === layout && spec.routes.includes(route))
  const limit = (layout: string) =>
    serving(layout).reduce((sum, spec) => sum + (spec.rateLimit?.windowLimit ?? Infinity), 0)
  return { combined: limit('combined'), split: limit('split') }
}

describe('LOGIN_RATE_LIMIT', () => {
  it.each(['challenge', 'token'])(
    'gives a client that calls only /%s no more than the split layout does',
    (route) => {
      const { combined, split } = budgets(route)
      expect(split).toBe(RATE_LIMIT.windowLimit)
      // Served in the combined layout too (a budget of 0 would mean no function serves it).
      expect(combined).toBeGreaterThan(0)
      expect(combined).toBeLessThanOrEqual(split)
    },
  )

  it('counts over the same window, per IP and domain, as the split layout', () => {
    expect(LOGIN_RATE_LIMIT.windowSize).toBe(RATE_LIMIT.windowSize)
    expect(LOGIN_RATE_LIMIT.aggregateBy).toEqual(RATE_LIMIT.aggregateBy)
  })
})
