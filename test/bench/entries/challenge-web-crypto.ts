// The project's challenge function without the node:crypto seam (Web Crypto only).
import { createChallengeHandler } from '../../../src/http/challenge-handler.ts'

const handler = createChallengeHandler()

/** functions/challenge.ts minus installNodeCrypto(). */
export default (request: Request) => handler(request)
