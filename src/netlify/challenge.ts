// POST /api/challenge as a ready-made Netlify function (v2), on node:crypto. A site's function file
// re-exports it and declares its own literal `config` (`npx textile-token-provider init`).
import { createChallengeHandler } from '../http/challenge-handler.ts'
import { nodeCryptoProvider } from '../node/crypto.ts'

/**
 * The challenge function with the default options: configuration from the environment.
 *
 * @example
 * export { default } from 'textile-token-provider/netlify/challenge'
 */
const challenge = createChallengeHandler({ crypto: nodeCryptoProvider })
export default challenge
