// POST /api/token: verify the signed envelope and mint the user's Textile Hub credentials.
import type { Config, Context } from '@netlify/functions'
import { createTokenHandler } from '../src/http/token-handler.ts'
import { installNodeCrypto } from '../src/node/crypto.ts'

// node:crypto behind the core's seam: same bytes as Web Crypto, without a thread-pool hop per call.
installNodeCrypto()

const handler = createTokenHandler()

export default (request: Request, context: Context) => handler(request, context)

export const config: Config = {
  path: '/api/token',
  // Per client IP; each success mints an API signature, so keep it close to real login rates.
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
