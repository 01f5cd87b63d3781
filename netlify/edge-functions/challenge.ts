// POST /api/challenge on Netlify Edge Functions (Deno) when TTP_RUNTIME=edge; otherwise the request
// falls through to functions/challenge.ts. Same core and pipeline, Web Crypto only.
import { createChallengeHandler } from '../../src/index.ts'
import { serveOnEdge } from '../../src/netlify/edge.ts'

export default serveOnEdge(createChallengeHandler)

export const config = {
  path: '/api/challenge',
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
