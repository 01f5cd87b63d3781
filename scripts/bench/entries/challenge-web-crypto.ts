// The project's challenge function without the node:crypto seam (Web Crypto only).
import { createChallengeHandler } from '../../../src/http/challenge-handler.ts'

const handler = createChallengeHandler()

/** src/netlify/challenge.ts on the default Web Crypto provider instead of node:crypto. */
export default (request: Request) => handler(request)
