// POST /api/token as a ready-made Netlify function (v2), on node:crypto. A site's function file
// re-exports it and declares its own literal `config` (`npx textile-token-provider init`).
import { createTokenHandler } from '../http/token-handler.ts'
import { nodeCryptoProvider } from '../node/crypto.ts'

/**
 * The token function with the default options: configuration from the environment, Netlify
 * Blobs for single use.
 *
 * @example
 * export { default } from 'textile-token-provider/netlify/token'
 */
const token = createTokenHandler({ crypto: nodeCryptoProvider })
export default token
