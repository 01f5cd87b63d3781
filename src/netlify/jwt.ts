// POST /api/jwt as a ready-made Netlify function (v2), on node:crypto. A site's function file
// re-exports it and declares its own literal `config` (`npx textile-token-provider init --jwt`).
import { createJwtHandler } from '../http/jwt-handler.ts'
import { nodeCryptoProvider } from '../node/crypto.ts'

/**
 * The JWT function with the default options: configuration from the environment.
 *
 * @example
 * export { default } from 'textile-token-provider/netlify/jwt'
 */
const jwt = createJwtHandler({ crypto: nodeCryptoProvider })
export default jwt
