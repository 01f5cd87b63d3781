// The demo in a real browser: Debian's Chromium (playwright-core) against the site served by
// `netlify dev --offline` (its `[dev] command` builds the bundle), the functions, and the hub
// emulator running in this process. Any console error, page error or failed request fails a test
// unless the test expects it.
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PrivateKey } from '@textile/hub'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../src/emulator/index.ts'
import { SECRETS } from '../helpers/fixtures.ts'
import { ROOT, startNetlifyDev, type NetlifyDev } from '../helpers/netlify-dev.ts'

const ARTIFACTS = join(ROOT, 'test-artifacts')
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium; in CI a missing browser is an error. */
function findChromium(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  if (existsSync(candidate)) return candidate
  const help = `Chromium not found at ${candidate}: apt-get install -y chromium, or set CHROMIUM_PATH`
  if (process.env.CI) throw new Error(help)
  console.warn(`Skipping the demo browser tests. ${help}.`)
  return undefined
}

const chromiumPath = findChromium()

interface Watched {
  page: Page
  problems: string[]
  /** Console errors the current test expects (e.g. the 403 of a refused login). */
  expect: (pattern: RegExp) => void
}

/** A page that records console errors, uncaught exceptions and failed requests. */
async function watchedPage(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage()
  const problems: string[] = []
  const expected: RegExp[] = []
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    if (!expected.some((pattern) => pattern.test(text))) problems.push(`console: ${text}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
  )
  return { page, problems, expect: (pattern) => expected.push(pattern) }
}

async function waitForSite(dev: NetlifyDev, hubUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${dev.url}/build/config.json`, { cache: 'no-store' })
      if (response.ok && ((await response.json()) as { hubUrl?: string }).hubUrl === hubUrl) return
    } catch {
      // Not served yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the [dev] command never wrote site/build/config.json:\n${dev.output()}`)
}

/**
 * netlify dev serving a private copy of site/ (`--dir`), built by the build script in watch mode
 * with netlify dev's environment (`--command`, as netlify.toml's [dev] command does) into that
 * copy: other dev servers (`npm start`, its test) may be writing site/build at the same time.
 */
async function startSite(emulator: Emulator, env: Record<string, string>): Promise<NetlifyDev> {
  const dir = await mkdtemp(join(tmpdir(), 'ttp-demo-site-'))
  await cp(join(ROOT, 'site'), dir, {
    recursive: true,
    filter: (source) => !source.startsWith(join(ROOT, 'site', 'build')),
  })
  const dev = await startNetlifyDev({
    site: true,
    args: ['--dir', dir, '--command', `tsx src/cli/build-site.ts --watch --outdir ${dir}/build`],
    env: {
      USER_API_KEY: SECRETS.USER_API_KEY,
      USER_API_SECRET: SECRETS.USER_API_SECRET,
      CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
      HUB_URL: emulator.url,
      ALLOWED_ORIGINS: '',
      ALLOWED_PUBKEYS: '',
      HUB_ISSUER_KEY: '',
      ...env,
    },
  })
  const stop = async () => {
    await dev.stop()
    await rm(dir, { recursive: true, force: true })
  }
  await waitForSite(dev, emulator.url).catch(async (error) => {
    await stop()
    throw error
  })
  return { ...dev, stop }
}

async function logIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Log in/ }).click()
  await expect
    .poll(() => page.locator('#status').textContent(), { timeout: 15_000 })
    .toMatch(/^(Logged in\. \d+ note|Stopped by an error)/)
}

async function errorShown(page: Page): Promise<{ code: string; sentence: string }> {
  const alert = page.getByRole('alert')
  await alert.waitFor({ state: 'visible', timeout: 15_000 })
  return {
    code: (await page.locator('#error-code').textContent()) ?? '',
    sentence: (await page.locator('#error-sentence').textContent()) ?? '',
  }
}

describe.skipIf(!chromiumPath)('demo page', () => {
  let emulator: Emulator
  let browser: Browser

  beforeAll(async () => {
    emulator = await startEmulator({
      apiKeys: [{ key: SECRETS.USER_API_KEY, secret: SECRETS.USER_API_SECRET }],
    })
    // playwright gives every launch a fresh temporary profile (its own --user-data-dir).
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS })
    await mkdir(ARTIFACTS, { recursive: true })
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await emulator?.close()
  })

  describe('in issuer mode', () => {
    // The browser imports this key; any other identity is refused by the allowlist.
    const allowed = PrivateKey.fromRandom()
    let dev: NetlifyDev
    let context: BrowserContext
    let watched: Watched

    beforeAll(async () => {
      dev = await startSite(emulator, {
        HUB_ISSUER_KEY: emulator.hostKey,
        ALLOWED_PUBKEYS: allowed.public.toString(),
      })
      context = await browser.newContext({ viewport: { width: 1024, height: 900 } })
      watched = await watchedPage(context)
    }, 90_000)

    afterAll(async () => {
      await context?.close()
      await dev?.stop()
    })

    afterEach(() => {
      expect(watched.problems).toEqual([])
    })

    it('logs in and lists a stored note', { timeout: 60_000 }, async () => {
      const { page } = watched
      await page.goto(dev.url)
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/new identity/)
      await expect(page.locator('#banner').textContent()).resolves.toMatch(/Local development/)

      await page.getByText('Export or import the private key').click()
      await page.getByLabel('Import a private key string').fill(allowed.toString())
      await page.getByRole('button', { name: 'Import key' }).click()
      await expect(page.locator('#pubkey').textContent()).resolves.toBe(allowed.public.toString())

      await logIn(page)
      await expect(page.locator('#api-key').textContent()).resolves.toBe(SECRETS.USER_API_KEY)
      await expect(page.locator('#token-source').getAttribute('data-source')).resolves.toBe(
        'function',
      )
      await expect(page.locator('#sig-remaining').textContent()).resolves.toMatch(/^in \d+ min/)

      await page.getByLabel('New note').fill('Hello from Chromium')
      await page.getByRole('button', { name: 'Save note' }).click()
      await expect.poll(() => page.locator('#notes li').count()).toBe(1)
      await expect(page.locator('#notes li span').textContent()).resolves.toBe(
        'Hello from Chromium',
      )
      await expect(page.locator('#status').textContent()).resolves.toBe(
        'Saved. 1 note(s) on the hub.',
      )
      await page.screenshot({ path: join(ARTIFACTS, 'demo.png'), fullPage: true })
    })

    it('restores the identity after a reload and lists the note again', async () => {
      const { page } = watched
      await page.reload()
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/Welcome back/)
      await expect(page.locator('#pubkey').textContent()).resolves.toBe(allowed.public.toString())
      await logIn(page)
      await expect(page.locator('#notes li span').allTextContents()).resolves.toEqual([
        'Hello from Chromium',
      ])
    })

    it('fits a 360 px wide screen', async () => {
      const { page } = watched
      await page.setViewportSize({ width: 360, height: 800 })
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow).toBe(0)
      await page.screenshot({ path: join(ARTIFACTS, 'demo-360.png'), fullPage: true })
      await page.setViewportSize({ width: 1024, height: 900 })
    })

    it('shows pubkey_not_allowed with its sentence for a key off the allowlist', async () => {
      const { page } = watched
      watched.expect(/status of 403/)
      await page.getByText('Export or import the private key').click()
      await page.getByRole('button', { name: 'Make a new identity' }).click()
      await logIn(page)
      const shown = await errorShown(page)
      expect(shown).toEqual({
        code: 'pubkey_not_allowed',
        sentence: 'This identity is not on the list of allowed users.',
      })
      await page.screenshot({ path: join(ARTIFACTS, 'demo-error.png'), fullPage: true })
    })

    it('shows invalid_key for a malformed private key', async () => {
      const { page } = watched
      await page.getByLabel('Import a private key string').fill('bbaareqnot-a-key')
      await page.getByRole('button', { name: 'Import key' }).click()
      expect((await errorShown(page)).code).toBe('invalid_key')
      await expect(
        page.getByLabel('Import a private key string').getAttribute('aria-invalid'),
      ).resolves.toBe('true')
    })
  })

  describe('in hub-challenge mode', () => {
    let dev: NetlifyDev
    let context: BrowserContext
    let watched: Watched

    beforeAll(async () => {
      dev = await startSite(emulator, {})
      context = await browser.newContext({ viewport: { width: 1024, height: 900 } })
      watched = await watchedPage(context)
    }, 90_000)

    afterAll(async () => {
      await context?.close()
      await dev?.stop()
    })

    afterEach(() => {
      expect(watched.problems).toEqual([])
    })

    it('answers the hub challenge in the browser, then reuses the cached token', async () => {
      const { page } = watched
      await page.goto(dev.url)
      await logIn(page)
      await expect(page.locator('#token-source').getAttribute('data-source')).resolves.toBe('hub')
      await page.getByLabel('New note').fill('Signed in by the hub')
      await page.getByRole('button', { name: 'Save note' }).click()
      await expect.poll(() => page.locator('#notes li').count()).toBe(1)

      await page.reload()
      await logIn(page)
      await expect(page.locator('#token-source').getAttribute('data-source')).resolves.toBe('cache')
      await expect(page.locator('#notes li span').allTextContents()).resolves.toEqual([
        'Signed in by the hub',
      ])
    })
  })
})
