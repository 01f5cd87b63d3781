// POST /api/challenge and POST /api/token as one ready-made Netlify function (v2), on node:crypto:
// a login's two requests meet one instance, so a cold login pays one cold start, not two
// (docs/performance.md). A site's function file re-exports it and declares its own literal
// `config` with both paths (`npx textile-token-provider init`).
import { createLoginHandler } from '../http/login-handler.ts'
import { nodeCryptoProvider } from '../node/crypto.ts'

/**
 * The login function with the default options: configuration from the environment, Netlify
 * Blobs for single use; dispatches on the path's last segment (`challenge` or `token`).
 *
 * @example
 * export { default } from 'textile-token-provider/netlify/login'
 */
const login = createLoginHandler({ crypto: nodeCryptoProvider })
export default login
