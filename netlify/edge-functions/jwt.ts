// POST /api/jwt and /api/logout on Netlify Edge Functions (Deno) when TTP_RUNTIME=edge; otherwise
// the request falls through to functions/jwt.ts. Same core and pipeline, Web Crypto only.
import { createJwtHandler } from '../../src/index.ts'
import { serveOnEdge } from '../../src/netlify/edge.ts'

export default serveOnEdge(createJwtHandler)

export const config = {
  path: ['/api/jwt', '/api/logout'],
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
