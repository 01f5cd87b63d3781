// GET /api/jwks and /.well-known/jwks.json as a ready-made Netlify function (v2). A site's function
// file re-exports it and declares its own literal `config` (`npx textile-token-provider init --jwt`).
import { createJwksHandler } from '../http/jwks-handler.ts'
import { nodeCryptoProvider } from '../node/crypto.ts'

/**
 * The JWKS function with the default options: keys from `JWT_EDDSA_KEY`.
 *
 * @example
 * export { default } from 'textile-token-provider/netlify/jwks'
 */
const jwks = createJwksHandler({ crypto: nodeCryptoProvider })
export default jwks
