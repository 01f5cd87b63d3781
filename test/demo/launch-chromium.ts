// Headless Chromium from npm alone. @sparticuz/chromium carries a brotli-packed
// chrome-headless-shell in its tarball and unpacks it into the temp directory on first use (a few
// seconds, then reused), with its fonts and, for Amazon Linux, the NSS and expat libraries it links
// against. Those libraries are used here too, so the browser needs nothing from apt beyond glibc.
// `CHROMIUM_PATH` overrides it with any local Chromium. No browser is a failure, never a skip.
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import sparticuz, { inflate } from '@sparticuz/chromium'
import { chromium, type Browser } from 'playwright-core'

// sparticuz's flags are made for Lambda: they also switch off the same-origin policy, mixed-content
// blocking and site isolation, and force one process. These tests check the page's CSP and
// framing, so the browser must enforce the web's rules as the users' browsers do.
const WEAKENING = new Set([
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
  '--single-process',
])
const ISOLATION_OFF = new Set(['IsolateOrigins', 'site-per-process'])

// What a test browser needs on top: no traffic of its own (only the page's requests may appear).
const QUIET = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

/** sparticuz's Lambda flags minus those that weaken web security, plus {@link QUIET}. */
export function chromiumArgs(lambdaArgs: readonly string[] = sparticuz.args): string[] {
  const args: string[] = []
  for (const arg of lambdaArgs) {
    if (WEAKENING.has(arg)) continue
    if (arg.startsWith('--disable-features=')) {
      const kept = arg
        .slice('--disable-features='.length)
        .split(',')
        .filter((feature) => !ISOLATION_OFF.has(feature))
      if (kept.length > 0) args.push(`--disable-features=${kept.join(',')}`)
      continue
    }
    args.push(arg)
  }
  return [...args, ...QUIET]
}

/** The launched browser and how it was found. */
export interface LaunchedChromium {
  browser: Browser
  /** `CHROMIUM_PATH`, or where @sparticuz/chromium unpacked its binary. */
  executablePath: string
  /** Milliseconds spent unpacking (0 when an earlier run already did) and launching. */
  startupMs: number
}

/**
 * Launches headless Chromium: `CHROMIUM_PATH` when set, else @sparticuz/chromium's.
 *
 * @throws when the binary cannot be found, unpacked or started (the message says which).
 * @example
 * const { browser } = await launchChromium()
 */
export async function launchChromium(
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<LaunchedChromium> {
  const env = options.env ?? process.env
  const started = performance.now()
  const override = env.CHROMIUM_PATH
  let executablePath: string
  let browserEnv: NodeJS.ProcessEnv = env
  if (override) {
    executablePath = override
  } else {
    try {
      executablePath = await sparticuz.executablePath()
      const binDir = join(
        dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')),
        '..',
        'bin',
      )
      const libDir = join(await inflate(join(binDir, 'al2023.tar.br')), 'lib')
      browserEnv = {
        ...env,
        LD_LIBRARY_PATH: [libDir, env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
        // The fonts it unpacked (Open Sans), so text renders the same on every machine.
        FONTCONFIG_PATH: env.FONTCONFIG_PATH || join(tmpdir(), 'fonts'),
      }
    } catch (cause) {
      throw new Error(
        'Could not unpack @sparticuz/chromium (is it installed? `npm ci`); or set CHROMIUM_PATH',
        { cause },
      )
    }
  }
  try {
    // playwright gives every launch a fresh temporary profile (its own --user-data-dir).
    const browser = await chromium.launch({ executablePath, env: browserEnv, args: chromiumArgs() })
    return { browser, executablePath, startupMs: Math.round(performance.now() - started) }
  } catch (cause) {
    throw new Error(`Chromium at ${executablePath} did not start`, { cause })
  }
}
