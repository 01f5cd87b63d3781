// The identity tests' site: one node:http server with a test page (page.ts bundled by esbuild for
// the browser, as an app would bundle the entry) and the real challenge and token handlers
// (src/http) twice: issuer mode under /api (thread tokens minted with the emulator's host key) and
// hub-challenge mode under /hub/api (the browser answers the emulator's GetToken). The page is
// served as http://localhost:PORT (a secure context, WebAuthn's rp id `localhost`) and, as a
// second origin, http://127.0.0.1:PORT.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { startEmulator, type Emulator } from '../../src/emulator/index.ts'
import { createChallengeHandler, createTokenHandler, type RequestHandler } from '../../src/index.ts'
import { SECRETS } from '../helpers/deployment.ts'
import { serveHandlers } from '../helpers/serve-handlers.ts'

const PAGE =
  '<!doctype html><html lang="en"><title>identity</title><body>' +
  '<script type="module" src="/page.js"></script></body></html>'

/** The running site. */
export interface IdentitySite {
  /** `http://localhost:PORT`: the origin the functions belong to. */
  origin: string
  /** `http://127.0.0.1:PORT`: the same server as another origin (also allowed). */
  altOrigin: string
  emulator: Emulator
  close(): Promise<void>
}

/** Bundles page.ts for the browser (ESM, not minified: stack traces stay readable). */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
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
  const [emulator, script] = await Promise.all([
    startEmulator({
      apiKeys: [{ key: SECRETS.USER_API_KEY, secret: SECRETS.USER_API_SECRET }],
    }),
    bundlePage(),
  ])
  let origin = ''
  let altOrigin = ''
  const env = (issuer: boolean) => () => ({
    USER_API_KEY: SECRETS.USER_API_KEY,
    USER_API_SECRET: SECRETS.USER_API_SECRET,
    CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
    URL: origin,
    ALLOWED_ORIGINS: altOrigin,
    ...(issuer && { HUB_ISSUER_KEY: emulator.hostKey }),
  })
  const quiet = { logger: () => {} }
  const routes: Record<string, RequestHandler> = {
    '/api/challenge': createChallengeHandler({ env: env(true), ...quiet }),
    '/api/token': createTokenHandler({ env: env(true), ...quiet }),
    '/hub/api/challenge': createChallengeHandler({ env: env(false), ...quiet }),
    '/hub/api/token': createTokenHandler({ env: env(false), ...quiet }),
  }
  const served = await serveHandlers(async (request, context) => {
    const path = new URL(request.url).pathname
    if (path === '/') return new Response(PAGE, { headers: { 'content-type': 'text/html' } })
    if (path === '/page.js') {
      return new Response(script, { headers: { 'content-type': 'text/javascript' } })
    }
    const handler = routes[path]
    return handler ? handler(request, context) : new Response('not found', { status: 404 })
  })
  altOrigin = served.origin
  origin = served.origin.replace('127.0.0.1', 'localhost')
  return {
    origin,
    altOrigin,
    emulator,
    close: async () => {
      await served.close()
      await emulator.close()
    },
  }
}
