// /api/jwt, /api/logout: a JWT after the proof of possession of the token function; logout ends its cookie.
// Netlify reads `config` from this file only: keep it a literal here (textile-token-provider).
export { default } from '../src/netlify/jwt.ts'

export const config = {
  path: ['/api/jwt', '/api/logout'],
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
