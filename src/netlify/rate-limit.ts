// The Netlify rate limits of the endpoints that mint credentials or envelopes. Netlify reads a
// function's `config` by static analysis of the function file itself, so each function file
// carries its value as a literal (`init` writes it from here; a test holds the repository's
// function files and the built manifest to it). Netlify counts per function, over all its paths.

/**
 * 30 requests a minute per client IP and domain, for a function with one minting route
 * (challenge, token, jwt on their own): a login needs one challenge and one token call, so this
 * is 30 logins a minute and leaves room for retries and a few tabs.
 *
 * @example
 * export const config = { path: '/api/token', rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] } }
 */
export const RATE_LIMIT = {
  windowLimit: 30,
  windowSize: 60,
  aggregateBy: ['ip', 'domain'],
} as const

/**
 * 30 requests a minute per client IP and domain, for the login function that serves both
 * challenge and token. Netlify counts a function's limit over all its paths, so this one window
 * is also the budget of each route alone: a client that only probes `/challenge` (whether a key
 * is allowed, say) gets 30 a minute, as with the challenge function of the split layout, not 60.
 * The price: a login is two requests, so 15 logins a minute per IP instead of 30. Netlify has no
 * per-route limit on one function's `config`; the per-path alternatives (redirect rules, an edge
 * function in front) and why they are not used: docs/netlify-platform.md §4.
 *
 * @example
 * export const config = { path: ['/api/challenge', '/api/token'], rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] } }
 */
export const LOGIN_RATE_LIMIT = {
  windowLimit: 30,
  windowSize: 60,
  aggregateBy: ['ip', 'domain'],
} as const

/** A rate limit as a function's `config.rateLimit` spells it. */
export interface RateLimit {
  windowLimit: number
  windowSize: number
  aggregateBy: readonly ('ip' | 'domain')[]
}
