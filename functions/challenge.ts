// /api/challenge: issue a signed, stateless challenge envelope for a Textile public key.
// Netlify reads `config` from this file only: keep it a literal here (textile-token-provider).
export { default } from '../src/netlify/challenge.ts'

export const config = {
  path: '/api/challenge',
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
