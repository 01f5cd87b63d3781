// The project's token function without the node:crypto seam: the portable core on Web Crypto only
// (what Deno or any host without a provider runs). Benchmarked beside src/netlify/token.ts.
import { createTokenHandler } from '../../../src/http/token-handler.ts'

const handler = createTokenHandler()

/** src/netlify/token.ts on the default Web Crypto provider instead of node:crypto. */
export default (request: Request) => handler(request)
