// /members, /members/*: members only. Without a valid session (JWT_SESSION_COOKIE=true on /api/jwt)
// a page load goes to /login/?next=…, anything else gets 401 (textile-token-provider, docs/edge.md).
// Keep Netlify's default onError ('fail'): 'bypass' would serve the pages to anyone when it fails.
import { createGate } from '../../src/netlify/gate.ts'

export default createGate({ loginPath: '/login/' })

export const config = {
  path: ['/members', '/members/*'],
}
