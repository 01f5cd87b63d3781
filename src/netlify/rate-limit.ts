// The Netlify rate limit of the endpoints that mint credentials or envelopes. Netlify reads a
// function's `config` by static analysis of the function file itself, so each function file
// carries this value as a literal (`init` writes it from here; a test holds the repository's
// function files and the built manifest to it).

/**
 * 30 requests a minute per client IP and domain: a login needs one challenge and one token call,
 * so this leaves room for retries and a few tabs.
 *
 * @example
 * export const config = { path: '/api/token', rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] } }
 */
export const RATE_LIMIT = {
  windowLimit: 30,
  windowSize: 60,
  aggregateBy: ['ip', 'domain'],
} as const
