// GET /api/jwks and /.well-known/jwks.json on Netlify Edge Functions (Deno) when
// TTP_RUNTIME=edge; otherwise the request falls through to functions/jwks.ts. Same core and
// pipeline, Web Crypto only.
import { createJwksHandler } from '../../src/index.ts'
import { serveOnEdge } from '../../src/netlify/edge.ts'

export default serveOnEdge(createJwksHandler)

export const config = {
  path: ['/api/jwks', '/.well-known/jwks.json'],
}
