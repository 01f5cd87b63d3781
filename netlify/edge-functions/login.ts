// POST /api/challenge and /api/token on Netlify Edge Functions (Deno) when TTP_RUNTIME=edge;
// otherwise the request falls through to functions/login.ts. Same core and pipeline, Web Crypto
// only; one rate limit over both paths, as the serverless login function's.
import { createLoginHandler } from '../../src/index.ts'
import { serveOnEdge } from '../../src/netlify/edge.ts'

export default serveOnEdge(createLoginHandler)

export const config = {
  path: ['/api/challenge', '/api/token'],
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
