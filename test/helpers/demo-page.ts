// The demo page (site/) as a person uses it in the browser tests: steps that the demo's own suite
// and the members page's suite both take.
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { ACCOUNT_PROMPT } from '../../site/src/identity-view.ts'

/**
 * Chooses "An account" on the loaded demo page and links this browser with a new passkey or the
 * one the authenticator holds; resolves with the account key and this browser's key as the page
 * shows them.
 *
 * @example
 * const { account, device } = await linkDemoAccount(page, 'Create an account with a passkey')
 */
export async function linkDemoAccount(
  page: Page,
  button: 'Create an account with a passkey' | 'Use my passkey',
): Promise<{ account: string | null; device: string | null }> {
  await page.getByLabel('An account: the same on every device').check()
  await expect.poll(() => page.locator('#status').textContent()).toBe(ACCOUNT_PROMPT)
  await page.getByRole('button', { name: button }).click()
  await expect
    .poll(() => page.locator('#identity-source').textContent())
    .toBe('Your account: this browser was linked to it just now')
  return {
    account: await page.locator('#pubkey').textContent(),
    device: await page.locator('#device-key').textContent(),
  }
}
