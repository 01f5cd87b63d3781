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
 * 60 requests a minute per client IP and domain, for the login function that serves both
 * challenge and token: one window counts both routes, and a login is two requests, so this is the
 * same 30 logins a minute as the two functions with {@link RATE_LIMIT} each. A client may spend
 * the budget on either route (up to 60 challenges, or 60 token attempts that each cost one
 * Ed25519 verification and mint nothing without a valid signature), which is no more work than
 * the two functions allow together.
 *
 * @example
 * export const config = { path: ['/api/challenge', '/api/token'], rateLimit: { windowLimit: 60, windowSize: 60, aggregateBy: ['ip', 'domain'] } }
 */
export const LOGIN_RATE_LIMIT = {
  windowLimit: 60,
  windowSize: 60,
  aggregateBy: ['ip', 'domain'],
} as const

/** A rate limit as a function's `config.rateLimit` spells it. */
export interface RateLimit {
  windowLimit: number
  windowSize: number
  aggregateBy: readonly ('ip' | 'domain')[]
}
