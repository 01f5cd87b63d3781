// `npx tsx scripts/bench/identity.ts [--rounds=40] [--accounts | --only=accounts]`: numbers for
// textile-token-provider/identity, each beside its baseline in the same run; nothing here is a test.
// - Size: esbuild --bundle --minify --platform=browser --format=esm of src/identity/index.ts, beside
//   @textile/hub's PrivateKey (its @textile/crypto entry bundled the same way).
// - Login latency in headless Chromium (test/demo/launch-chromium.ts), against the real challenge
//   and token handlers over loopback (test/helpers/identity-site.ts, issuer mode): browserIdentity() loaded from
//   IndexedDB then a login with the SDK, beside PrivateKey.fromString() of a stored string then the
//   same login; plus signing one envelope alone with each. Rounds interleaved, medians reported.
// - Accounts (--accounts, or --only=accounts): a login as a linked browser (linkedBrowser() from
//   IndexedDB, then the SDK with the link: no prompt) beside a login with the passkey each time
//   (passkeyIdentity(): a WebAuthn get() with PRF, then the SDK), and this browser's key alone
//   (no account) as the baseline; DevTools' virtual authenticator answers at once, so the passkey
//   row has no human in it (a real prompt adds the seconds a person takes). Also the link's size.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { launchChromium } from '../../test/demo/launch-chromium.ts'
import { startIdentitySite } from '../../test/helpers/identity-site.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Bytes of one browser bundle, minified and gzipped (level 9). */
export interface BundleSize {
  bytes: number
  gzipBytes: number
}

async function bundleSize(contents: string, dir: string, name: string): Promise<BundleSize> {
  const outfile = join(dir, `${name}.js`)
  await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    outfile,
    logLevel: 'error',
  })
  const code = readFileSync(outfile)
  return { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length }
}

/**
 * The identity entry's size beside `@textile/hub`'s PrivateKey, both as an app bundles them.
 *
 * @example
 * const { identity, browserOnly, privateKey } = await measureIdentitySize()
 */
export async function measureIdentitySize(): Promise<{
  identity: BundleSize
  browserOnly: BundleSize
  privateKey: BundleSize
}> {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-identity-size-'))
  try {
    return {
      identity: await bundleSize(`export * from './src/identity/index.ts'`, dir, 'identity'),
      browserOnly: await bundleSize(
        `export { browserIdentity } from './src/identity/index.ts'`,
        dir,
        'browser-only',
      ),
      privateKey: await bundleSize(`export { PrivateKey } from '@textile/crypto'`, dir, 'crypto'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Medians of one way of logging in, in milliseconds. */
export interface LatencyRow {
  name: string
  /** Getting the identity: IndexedDB load, or parsing the stored string. */
  loadMs: number
  /** One Ed25519 signature of an envelope-sized message. */
  signMs: number
  /** Load + challenge + sign + token, end to end. */
  loginMs: number
  minLoginMs: number
  maxLoginMs: number
}

/**
 * Login latency with each identity in Chromium (medians over `rounds`, interleaved).
 *
 * @example
 * const rows = await measureLoginLatency({ rounds: 40 })
 */
export async function measureLoginLatency(options: { rounds: number }): Promise<{
  browser: string
  rows: LatencyRow[]
}> {
  const [launched, site] = await Promise.all([launchChromium(), startIdentitySite()])
  try {
    const page = await launched.browser.newPage()
    await page.goto(site.origin)
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
    // No function declared inside the callback: tsx would wrap it in a helper the page lacks.
    const samples = await page.evaluate(async (rounds) => {
      const saved = ttp.PrivateKey.fromRandom().toString()
      await ttp.browserIdentity({ name: 'bench' })
      const message = new TextEncoder().encode('e'.repeat(220))
      const names = ['browserIdentity', 'PrivateKey (@textile/hub)']
      const out: Record<string, { load: number[]; sign: number[]; login: number[] }> = {}
      for (const name of names) out[name] = { load: [], sign: [], login: [] }
      // One untimed round first: module, connection and JIT warm-up.
      for (let round = -1; round < rounds; round++) {
        for (const name of names) {
          const t0 = performance.now()
          const identity =
            name === 'browserIdentity'
              ? await ttp.browserIdentity({ name: 'bench' })
              : ttp.PrivateKey.fromString(saved)
          const t1 = performance.now()
          await ttp.logIn(identity, '/api')
          const t2 = performance.now()
          await identity.sign(message)
          const t3 = performance.now()
          if (round < 0) continue
          out[name]!.load.push(t1 - t0)
          out[name]!.login.push(t2 - t0)
          out[name]!.sign.push(t3 - t2)
        }
      }
      return out
    }, options.rounds)
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b)
      return sorted[Math.floor(sorted.length / 2)]!
    }
    const round = (ms: number) => Math.round(ms * 100) / 100
    const rows = Object.entries(samples).map(([name, s]) => ({
      name,
      loadMs: round(median(s.load)),
      signMs: round(median(s.sign)),
      loginMs: round(median(s.login)),
      minLoginMs: round(Math.min(...s.login)),
      maxLoginMs: round(Math.max(...s.login)),
    }))
    return { browser: `Chromium ${launched.browser.version()}`, rows }
  } finally {
    await launched.browser.close()
    await site.close()
  }
}

/** Medians of one way of logging in to an account, in milliseconds. */
export interface AccountRow {
  name: string
  loginMs: number
  minLoginMs: number
  maxLoginMs: number
}

/**
 * Login latency as a linked browser beside the passkey each time, in Chromium with the virtual
 * authenticator (medians over `rounds`, interleaved), and the link's size.
 *
 * @example
 * const { rows, linkBytes } = await measureAccountLogin({ rounds: 40 })
 */
export async function measureAccountLogin(options: { rounds: number }): Promise<{
  browser: string
  rows: AccountRow[]
  linkBytes: number
}> {
  const [launched, site] = await Promise.all([launchChromium(), startIdentitySite()])
  try {
    const context = await launched.browser.newContext()
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
        hasPrf: true,
      } as never,
    })
    await page.goto(site.origin)
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
    const samples = await page.evaluate(async (rounds) => {
      const account = await ttp.passkeyIdentity({ create: true })
      const created = await ttp.linkBrowser({ account })
      await ttp.browserIdentity({ name: 'bench' })
      const names = [
        'linked browser (no prompt)',
        'passkey each time',
        'this browser only (no account)',
      ]
      const out: Record<string, number[]> = {}
      for (const name of names) out[name] = []
      for (let round = -1; round < rounds; round++) {
        for (const name of names) {
          const t0 = performance.now()
          if (name === names[0]) {
            await ttp.logInLinked((await ttp.linkedBrowser())!)
          } else if (name === names[1]) {
            await ttp.logIn(
              await ttp.passkeyIdentity({ credentialId: account.credentialId }),
              '/api',
            )
          } else {
            await ttp.logIn(await ttp.browserIdentity({ name: 'bench' }), '/api')
          }
          if (round >= 0) out[name]!.push(performance.now() - t0)
        }
      }
      return { out, linkBytes: new TextEncoder().encode(created.link).length }
    }, options.rounds)
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
    const round = (ms: number) => Math.round(ms * 100) / 100
    const rows = Object.entries(samples.out).map(([name, values]) => ({
      name,
      loginMs: round(median(values)),
      minLoginMs: round(Math.min(...values)),
      maxLoginMs: round(Math.max(...values)),
    }))
    return { browser: `Chromium ${launched.browser.version()}`, rows, linkBytes: samples.linkBytes }
  } finally {
    await launched.browser.close()
    await site.close()
  }
}

/** The markdown section for the account figures. */
export function formatAccountBench(
  result: Awaited<ReturnType<typeof measureAccountLogin>>,
  rounds: number,
): string {
  return [
    '\n## Accounts: a linked browser beside the passkey each time\n',
    `Login latency, ${result.browser}, virtual authenticator (no human), real handlers on loopback (issuer mode), median of ${rounds} interleaved rounds:\n`,
    '| login | median | min–max |',
    '| --- | ---: | ---: |',
    ...result.rows.map(
      (row) => `| ${row.name} | ${row.loginMs} ms | ${row.minLoginMs}–${row.maxLoginMs} ms |`,
    ),
    '',
    `The link: ${result.linkBytes} bytes (sent with each /challenge and /token call).`,
    '',
  ].join('\n')
}

/** The markdown section for a bench report. */
export function formatIdentityBench(
  size: Awaited<ReturnType<typeof measureIdentitySize>>,
  latency: Awaited<ReturnType<typeof measureLoginLatency>>,
  rounds: number,
): string {
  const lines = [
    '\n## Identity entry (textile-token-provider/identity)\n',
    'Size (esbuild --bundle --minify --platform=browser --format=esm, gzip -9):\n',
    '| bundle | minified | gzip |',
    '| --- | ---: | ---: |',
    `| textile-token-provider/identity (all three kinds) | ${size.identity.bytes} B | ${size.identity.gzipBytes} B |`,
    `| browserIdentity alone (tree-shaken) | ${size.browserOnly.bytes} B | ${size.browserOnly.gzipBytes} B |`,
    `| @textile/hub PrivateKey (@textile/crypto) | ${size.privateKey.bytes} B | ${size.privateKey.gzipBytes} B |`,
    '',
    `Login latency, ${latency.browser}, real handlers on loopback (issuer mode), median of ${rounds} interleaved rounds:\n`,
    '| identity | get identity | sign one envelope | login (get + challenge + sign + token) | min–max |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...latency.rows.map(
      (row) =>
        `| ${row.name} | ${row.loadMs} ms | ${row.signMs} ms | ${row.loginMs} ms | ${row.minLoginMs}–${row.maxLoginMs} ms |`,
    ),
    '',
  ]
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = process.argv.find((arg) => arg.startsWith('--rounds='))
  const rounds = flag ? Number(flag.slice('--rounds='.length)) : 40
  const only = process.argv.includes('--only=accounts')
  if (!only) {
    const size = await measureIdentitySize()
    const latency = await measureLoginLatency({ rounds })
    process.stdout.write(formatIdentityBench(size, latency, rounds))
  }
  if (only || process.argv.includes('--accounts')) {
    process.stdout.write(formatAccountBench(await measureAccountLogin({ rounds }), rounds))
  }
}
