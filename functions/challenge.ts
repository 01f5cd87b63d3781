// POST /api/challenge: issue a signed, stateless challenge envelope for a Textile public key.
import type { Config, Context } from '@netlify/functions'
import { createChallengeHandler } from '../src/http/challenge-handler.ts'
import { installNodeCrypto } from '../src/node/crypto.ts'

// node:crypto behind the core's seam: same bytes as Web Crypto, without a thread-pool hop per call.
installNodeCrypto()

const handler = createChallengeHandler()

export default (request: Request, context: Context) => handler(request, context)

export const config: Config = {
  path: '/api/challenge',
  // Per client IP: a login needs one challenge; 30 a minute leaves room for retries and tabs.
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
