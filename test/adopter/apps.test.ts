// Apps built the way adopters build them, run in Chromium. The fixture apps (a Vite vanilla-ts
// app as `npm create vite` makes it, and a webpack 5 app whose JavaScript is the Vite app's with
// the types stripped: test/helpers/adopter-apps.ts) wire the SDK as the README shows; they
// get the packed tarball, @textile/hub and their bundler from the registry, `init` writes their
// function, the package's emulator is the hub. Each app is served by `netlify dev --offline` with
// the function `init` wrote: the Vite dev server through netlify dev's Vite detection (its
// command and port pinned, as `[dev] command`/`targetPort` do), the production builds from their
// output folder (`--dir dist`). In issuer mode and in hub-challenge mode (HUB_ISSUER_KEY unset),
// each page logs in with the SDK and runs every hub call the app makes (test/adopter/fixtures/
// shared/notes.ts): once, and again after the 30 s API signature expired on the page's own clock.
// The Vite app is also built on @textile/hub's CommonJS builds (vite.cjs.config.ts, the setting
// docs/adopting.md documents), served at /cjs/. Each build carries one copy of the generated
// GetToken classes (@textile/hub's); what each page loads is written to
// test-artifacts/adopter-bundles.json (measured apart by scripts/bench/adopter-bundles.ts).
import { mkdirSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchChromium } from '../demo/launch-chromium.ts'
import { freePort, ROOT, startNetlifyDev, type NetlifyDev } from '../helpers/netlify-dev.ts'
import {
  buildApp,
  checkout,
  installApps,
  npx,
  readChunks,
  shareEnv,
  summariseBuild,
  startEmulatorCli,
  type AdopterApps,
  type AppName,
  type RunningEmulator,
} from '../helpers/adopter-apps.ts'

/** API signature lifetime of the functions (their minimum): the pages wait it out once. */
const SIG_TTL_SECONDS = 30

type Mode = 'issuer' | 'hub-challenge'
type Build = 'dev server' | 'production build'

interface Served {
  app: AppName
  build: Build
  mode: Mode
  /** Its netlify dev, once started. */
  dev?: Promise<NetlifyDev>
  /** Resolved when a test of this server is done with it (one per page). */
  done: Array<() => void>
}

const SERVED: Served[] = (['issuer', 'hub-challenge'] as const).flatMap((mode) => [
  { app: 'vite-app', build: 'dev server', mode, done: [] },
  { app: 'vite-app', build: 'production build', mode, done: [] },
  { app: 'webpack-app', build: 'production build', mode, done: [] },
])

const PAGES = [
  { path: '/', hub: '@textile/hub imported statically' },
  { path: '/late.html', hub: '@textile/hub loaded with import() after the login' },
]
/** The Vite app's build on @textile/hub's CommonJS builds (vite.cjs.config.ts), in dist/cjs. */
const CJS_PAGES = [
  { path: '/cjs/', hub: '@textile/hub (CommonJS builds) imported statically' },
  { path: '/cjs/late.html', hub: '@textile/hub (CommonJS builds) loaded with import()' },
]
const pagesOf = (served: Served) =>
  served.app === 'vite-app' && served.build === 'production build'
    ? [...PAGES, ...CJS_PAGES]
    : PAGES

/** The checks of one run of the notes feature, in order (test/adopter/fixtures/shared/notes.ts). */
const CHECKS = [
  'listDBs as the first call of a new client',
  'newDB',
  'newCollection',
  'create',
  'find',
  'listDBs',
  'Client.getToken',
  'Client.getTokenChallenge',
  'Users.getThread',
  'Users.listThreads',
  'Users.getToken',
  'SDK login of another user',
]

const tarball = inject('tarball')
let apps: AdopterApps
let emulator: RunningEmulator | undefined
let browser: Browser | undefined

/**
 * netlify dev for one app, build and mode, with the function `init` wrote. A production build is
 * served from a checkout of its own (the app folder with its build, node_modules linked): netlify
 * dev builds the functions into the site's `.netlify/`, which two instances must not share.
 */
async function serve(served: Served): Promise<NetlifyDev> {
  let cwd = apps.dir[served.app]
  let args: string[]
  if (served.build === 'production build') {
    cwd = await checkout(apps, served.app, served.mode)
    args = ['--dir', 'dist']
  } else {
    const port = await freePort()
    args = [
      '--command',
      `npm run dev -- --port ${port} --strictPort`,
      '--target-port',
      String(port),
    ]
  }
  return startNetlifyDev({
    cwd,
    site: true,
    args,
    env: {
      API_SIG_TTL_SECONDS: String(SIG_TTL_SECONDS),
      // Hub-challenge mode: the functions hold no host key (process env wins over .env).
      ...(served.mode === 'hub-challenge' && { HUB_ISSUER_KEY: '' }),
    },
    timeoutMs: 120_000,
  })
}

/** Both production builds, once done. */
let built: Promise<unknown>

/** Starts `promise`'s work now; whoever awaits it later sees its failure. */
const started = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => {})
  return promise
}

// Each page test waits for its own server, so the dev server's pages run while the builds do.
beforeAll(async () => {
  apps = await installApps(tarball)
  emulator = await startEmulatorCli(apps.dir['vite-app'], await freePort())
  shareEnv(apps, emulator.url)
  // Vite runs one dev server per project (a lock in its cache folder): the dev server switches
  // modes as a user does, stopped and started again once the issuer-mode pages are done.
  const [issuerDev, challengeDev] = SERVED.filter((served) => served.build === 'dev server')
  issuerDev!.dev = started(serve(issuerDev!))
  const issuerPagesDone = PAGES.map(
    () => new Promise<void>((resolve) => issuerDev!.done.push(resolve)),
  )
  challengeDev!.dev = started(
    Promise.all(issuerPagesDone).then(async () => {
      await (await issuerDev!.dev!).stop()
      return serve(challengeDev!)
    }),
  )
  const vite = apps.dir['vite-app']
  built = started(
    Promise.all([
      // The default build, then the one on @textile/hub's CommonJS builds into dist/cjs.
      buildApp(vite).then(async () => {
        const cjs = await npx(vite, ['vite', 'build', '--config', 'vite.cjs.config.ts'])
        if (cjs.code !== 0) throw new Error(`vite build (CommonJS) failed:\n${cjs.output}`)
      }),
      buildApp(apps.dir['webpack-app'], { HUB_URL: emulator.url }),
    ]),
  )
  for (const served of SERVED.filter((served) => served.build === 'production build')) {
    served.dev = started(built.then(() => serve(served)))
  }
  browser = (await launchChromium()).browser
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all(
    SERVED.flatMap(({ dev }) =>
      dev
        ? [
            dev.then(
              (started) => started.stop(),
              () => undefined,
            ),
          ]
        : [],
    ),
  )
  await emulator?.stop()
  if (apps) await rm(apps.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
})

interface Outcome {
  name: string
  outcome: string
  text: string
}

/** The page's #checks list: what each hub call gave. */
const readChecks = (page: Page): Promise<Outcome[]> =>
  page.evaluate(() =>
    [...document.querySelectorAll('#checks li')].map((item) => ({
      name: item.getAttribute('data-check') ?? '',
      outcome: item.getAttribute('data-outcome') ?? '',
      text: item.textContent ?? '',
    })),
  )

/** A page in a fresh browser context (its own IndexedDB key and sessionStorage) that records problems. */
async function openPage(context: BrowserContext, url: string) {
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
  )
  await page.goto(url)
  return { page, problems }
}

/** Clicks `button` and waits until the page says the run `done` finished. */
async function runChecks(page: Page, button: string, done: string): Promise<Outcome[]> {
  await page.click(button)
  await page.waitForSelector(`body[data-done="${done}"]`, { timeout: 90_000 })
  return (await readChecks(page)).filter((item) => item.name.startsWith(`${done}:`))
}

const failures = (outcomes: Outcome[]) =>
  outcomes.filter((item) => item.outcome !== 'ok').map((item) => item.text)

describe.concurrent('an app built by adopters, in Chromium', () => {
  for (const served of SERVED) {
    for (const spec of pagesOf(served)) {
      it(`${served.app}, ${served.build}, ${served.mode} mode, ${spec.hub}: SDK login, then every hub call, and again after the API signature expired`, async ({
        expect,
        onTestFinished,
      }) => {
        const context = await browser!.newContext()
        // The test's own hook: the tests run concurrently.
        onTestFinished(async () => {
          await context.close()
          served.done.shift()?.()
        })
        const dev = await served.dev!
        const { page, problems } = await openPage(context, dev.url + spec.path)
        const first = await runChecks(page, '#login', 'first')
        const login = (await readChecks(page)).find((item) => item.name === 'SDK login')
        expect(login?.outcome, `${login?.text}\n${dev.output().slice(-3000)}`).toBe('ok')
        expect(first.map((item) => item.name)).toEqual(CHECKS.map((name) => `first: ${name}`))
        expect.soft(failures(first), 'first run').toEqual([])

        // The page's own clock passes the API signature's expiry (the emulator and the
        // functions share the machine's clock): no fake time, no timed assertion.
        const expiresAt = Number(await page.getAttribute('#session', 'data-expires-at'))
        expect(expiresAt).toBeGreaterThan(0)
        await page.waitForFunction((at) => Date.now() > at + 1000, expiresAt, {
          polling: 1000,
          timeout: (SIG_TTL_SECONDS + 60) * 1000,
        })
        const again = await runChecks(page, '#again', 'again')
        expect(again.map((item) => item.name)).toEqual(CHECKS.map((name) => `again: ${name}`))
        expect.soft(failures(again), 'after the API signature expired').toEqual([])
        expect(problems, dev.output().slice(-3000)).toEqual([])
      }, 360_000)
    }
  }
})

/** Where the builds are summed up for the record (not asserted). */
const ARTIFACT = join(ROOT, 'test-artifacts', 'adopter-bundles.json')

describe('the builds', () => {
  const report: Record<string, unknown> = {}
  afterAll(() => {
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true })
    writeFileSync(ARTIFACT, JSON.stringify(report, null, 2) + '\n')
  })

  it.each([
    ['vite-app', 'dist', ['cjs']],
    ['vite-app', 'dist/cjs', []],
    ['webpack-app', 'dist', []],
    ['vite-app', 'node_modules/.vite/deps', []],
  ] as const)(
    '%s (%s) carries one copy of the generated GetToken classes',
    async (app, folder, skip) => {
      await built
      const dir = join(apps.dir[app], folder)
      if (folder.startsWith('dist')) {
        const summary = await summariseBuild(dir, [...skip])
        report[`${app}/${folder}`] = summary
        expect(summary.getTokenClasses, JSON.stringify(summary.chunks)).toBe(1)
      } else {
        // The dev server's pre-bundled dependencies: no pages, the same count.
        const chunks = await readChunks(dir)
        report[`${app}/${folder}`] = { chunks }
        const copies = chunks.reduce((total, chunk) => total + chunk.getTokenClasses, 0)
        expect(copies, JSON.stringify(chunks)).toBe(1)
      }
    },
  )
})
