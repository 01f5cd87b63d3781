// /api/jwt: the same proof of possession as the token function, answered with a JWT.
// Netlify reads `config` from this file only: keep it a literal here (textile-token-provider).
export { default } from '../src/netlify/jwt.ts'

export const config = {
  path: '/api/jwt',
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
