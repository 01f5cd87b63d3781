// POST /api/jwt: the same proof of possession as /api/token, answered with a JWT for another
// service (HS256 with JWT_HS256_SECRET, or EdDSA with JWT_EDDSA_KEY and a published JWKS).
import type { Config, Context } from '@netlify/functions'
import { createJwtHandler } from '../src/http/jwt-handler.ts'
import { installNodeCrypto } from '../src/node/crypto.ts'

// node:crypto behind the core's seam for the envelope MAC and the signature check.
installNodeCrypto()

const handler = createJwtHandler()

export default (request: Request, context: Context) => handler(request, context)

export const config: Config = {
  path: '/api/jwt',
  // Per client IP, as /api/token: each success mints a credential.
  rateLimit: { windowLimit: 30, windowSize: 60, aggregateBy: ['ip', 'domain'] },
}
