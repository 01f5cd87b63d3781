// GET /api/jwks and /.well-known/jwks.json: the public keys that verify /api/jwt's EdDSA tokens.
import type { Config, Context } from '@netlify/functions'
import { createJwksHandler } from '../src/http/jwt-jwks-handler.ts'

const handler = createJwksHandler()

export default (request: Request, context: Context) => handler(request, context)

export const config: Config = {
  path: ['/api/jwks', '/.well-known/jwks.json'],
}
