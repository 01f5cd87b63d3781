// The identity tests' site: one node:http server with a test page (identity-page.ts bundled by esbuild for
// the browser, as an app would bundle the entry) and the real challenge and token handlers
// (src/http) twice: issuer mode under /api (thread tokens minted with the emulator's host key) and
// hub-challenge mode under /hub/api (the browser answers the emulator's GetToken), plus the JWT
// minter and its key set under /api. The page is served as http://localhost:PORT (a secure
// context, WebAuthn's rp id `localhost`) and, as a second origin, http://127.0.0.1:PORT; a second
// port serves the same site as http://localhost:PORT2, which shares the rp id `localhost` (WebAuthn
// ignores ports) but has IndexedDB of its own: a second device of the same user in one tab.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Emulator } from '../../src/emulator/index.ts'
import { PrivateKey } from '@textile/hub'
import {
  createChallengeHandler,
  createJwksHandler,
  createJwtHandler,
  createTokenHandler,
  type RequestHandler,
} from '../../src/index.ts'
import { SECRETS } from './deployment.ts'
import { serveHandlers } from './serve-handlers.ts'
import { startTestEmulator } from './emulator.ts'

/** The JWT minter's signing key (EdDSA): its public half is served at /api/jwks. */
export const JWT_EDDSA_KEY = PrivateKey.fromRawEd25519Seed(new Uint8Array(32).fill(11)).toString()

const PAGE =
  '<!doctype html><html lang="en"><title>identity</title><body>' +
  '<script type="module" src="/page.js"></script></body></html>'

/** The running site. */
export interface IdentitySite {
  /** `http://localhost:PORT`: the origin the functions belong to. */
  origin: string
  /** `http://127.0.0.1:PORT`: the same server as another origin (also allowed). */
  altOrigin: string
  /** `http://localhost:PORT2`: the same site on a second port (also allowed; same rp id). */
  secondOrigin: string
  emulator: Emulator
  /** Variables set on top of the site's own for later requests (`DENIED_PUBKEYS`…). */
  setEnv(vars: Record<string, string | undefined>): void
  close(): Promise<void>
}

/**
 * Bundles identity-page.ts for the browser (ESM, not minified: stack traces stay readable); tsconfig.json's
 * `paths` resolve its `textile-token-provider/…` imports to src/.
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./identity-page.ts', import.meta.url))],
    tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'error',
  })
  return result.outputFiles[0]!.text
}

/**
 * Starts the emulator and the site.
 *
 * @example
 * const site = await startIdentitySite()
 * await page.goto(site.origin)
 */
export async function startIdentitySite(): Promise<IdentitySite> {
  const [emulator, script] = await Promise.all([startTestEmulator(), bundlePage()])
  let origin = ''
  let altOrigin = ''
  let secondOrigin = ''
  let extra: Record<string, string | undefined> = {}
  const env = (issuer: boolean) => () => ({
    USER_API_KEY: SECRETS.USER_API_KEY,
    USER_API_SECRET: SECRETS.USER_API_SECRET,
    CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
    URL: origin,
    ALLOWED_ORIGINS: `${altOrigin},${secondOrigin}`,
    JWT_EDDSA_KEY,
    ...(issuer && { HUB_ISSUER_KEY: emulator.hostKey }),
    ...extra,
  })
  const quiet = { logger: () => {} }
  const routes: Record<string, RequestHandler> = {
    '/api/challenge': createChallengeHandler({ env: env(true), ...quiet }),
    '/api/token': createTokenHandler({ env: env(true), ...quiet }),
    '/hub/api/challenge': createChallengeHandler({ env: env(false), ...quiet }),
    '/hub/api/token': createTokenHandler({ env: env(false), ...quiet }),
    '/api/jwt': createJwtHandler({ env: env(true), ...quiet }),
    '/api/jwks': createJwksHandler({ env: env(true), ...quiet }),
  }
  const serve: RequestHandler = async (request, context) => {
    const path = new URL(request.url).pathname
    if (path === '/') return new Response(PAGE, { headers: { 'content-type': 'text/html' } })
    if (path === '/page.js') {
      return new Response(script, { headers: { 'content-type': 'text/javascript' } })
    }
    const handler = routes[path]
    return handler ? handler(request, context) : new Response('not found', { status: 404 })
  }
  const [served, second] = await Promise.all([serveHandlers(serve), serveHandlers(serve)])
  altOrigin = served.origin
  origin = served.origin.replace('127.0.0.1', 'localhost')
  secondOrigin = second.origin.replace('127.0.0.1', 'localhost')
  return {
    origin,
    altOrigin,
    secondOrigin,
    emulator,
    setEnv: (vars) => {
      extra = { ...extra, ...vars }
    },
    close: async () => {
      await Promise.all([served.close(), second.close()])
      await emulator.close()
    },
  }
}
