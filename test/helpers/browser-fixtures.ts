// The browser suites' `it`: headless Chromium (test/demo/launch-chromium.ts) once per file, and
// fresh browser profiles for a test that are closed after it, whatever the test did; and the
// passkey store the suites give a page (DevTools' virtual authenticator).
import type {
  Browser,
  BrowserContext,
  BrowserContextOptions,
  CDPSession,
  Page,
} from 'playwright-core'
import { test } from 'vitest'
import { launchChromium } from '../demo/launch-chromium.ts'

/** The browser suites' fixtures. */
export interface BrowserFixtures {
  /** Chromium, launched once for the file (also in its `beforeAll` hooks) and closed after it. */
  browser: Browser
  /** A fresh profile (its own cookies, storage and IndexedDB), closed after the test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>
}

/**
 * `it` with {@link BrowserFixtures}.
 *
 * @example
 * it('keeps the key', async ({ newContext }) => {
 *   const page = await (await newContext()).newPage()
 * })
 */
export const it = test
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }): Promise<Browser> => {
    const { browser, startupMs } = await launchChromium()
    console.info(`Chromium ${browser.version()} ready in ${startupMs} ms`)
    onCleanup(() => browser.close())
    return browser
  })
  .extend('newContext', async ({ browser }, { onCleanup }) => {
    const contexts: BrowserContext[] = []
    onCleanup(async () => void (await Promise.all(contexts.map((context) => context.close()))))
    return async (options?: BrowserContextOptions): Promise<BrowserContext> => {
      const context = await browser.newContext(options)
      contexts.push(context)
      return context
    }
  })

/** A virtual platform authenticator on a page, and how often it made or used a passkey. */
export interface Authenticator {
  cdp: CDPSession
  id: string
  /** Passkeys it made and assertions it gave (its CDP events), counted from when it was added. */
  uses: { created: number; asserted: number }
}

/**
 * Adds a DevTools virtual authenticator (an internal platform passkey store) to the page, with
 * PRF unless `hasPrf: false`, verifying the user unless `isUserVerified: false`.
 */
export async function addAuthenticator(
  context: BrowserContext,
  page: Page,
  options: { hasPrf?: boolean; isUserVerified?: boolean } = {},
): Promise<Authenticator> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const uses = { created: 0, asserted: 0 }
  cdp.on('WebAuthn.credentialAdded', () => void uses.created++)
  cdp.on('WebAuthn.credentialAsserted', () => void uses.asserted++)
  const { authenticatorId } = (await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: options.isUserVerified ?? true,
      automaticPresenceSimulation: true,
      hasPrf: options.hasPrf ?? true,
    } as never,
  })) as { authenticatorId: string }
  return { cdp, id: authenticatorId, uses }
}
