// /api/token: verify the signed envelope and mint the user's Textile Hub credentials.
// Netlify reads `config` from this file only: keep it a literal here (textile-token-provider).
export { default } from '../src/netlify/token.ts'

export const config = {
  path: '/api/token',
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
