// POST /api/token on Netlify Edge Functions (Deno) when TTP_RUNTIME=edge; otherwise the request
// falls through to functions/token.ts. Same core and pipeline, Web Crypto only.
import { createTokenHandler } from '../../src/index.ts'
import { serveOnEdge } from '../../src/netlify/edge.ts'

export default serveOnEdge(createTokenHandler)

export const config = {
  path: '/api/token',
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
