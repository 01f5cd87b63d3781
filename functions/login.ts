// /api/challenge, /api/token: challenge and token in one function, so a login pays one cold start.
// Netlify reads `config` from this file only: keep it a literal here (textile-token-provider).
export { default } from '../src/netlify/login.ts'

export const config = {
  path: ['/api/challenge', '/api/token'],
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
