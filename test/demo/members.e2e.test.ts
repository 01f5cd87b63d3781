// The members-only page of the demo behind the edge gate, in Chromium against `netlify dev
// --offline` (Netlify's own edge runtime: Deno with the pinned bootstrap): a browser that logged in
// through /login/ (POST /api/jwt set the __Host- session cookie) gets /members/, another browser and
// the same one after logging out are sent to the login page, and a script never sees the cookie.
// `Secure` cookies on http://localhost: Chromium counts localhost as a secure context and keeps
// them, which this test depends on (docs/edge.md, "Members-only pages").
import { writeFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect } from 'vitest'
import { decodeJwt } from 'jose'
import { addAuthenticator, it } from '../helpers/browser-fixtures.ts'
import { linkDemoAccount } from '../helpers/demo-page.ts'
import { SECRETS } from '../helpers/deployment.ts'
import { EDDSA_KEY } from '../helpers/jwt-deployment.ts'
import { startNetlifyDev, type NetlifyDev } from '../helpers/netlify-dev.ts'
import { copyProject, EDGE_BOOTSTRAP } from '../helpers/private-project.ts'

const ENV = {
  ...SECRETS,
  JWT_EDDSA_KEY: EDDSA_KEY,
  JWT_SESSION_COOKIE: 'true',
  ALLOWED_ORIGINS: '',
  ALLOWED_PUBKEYS: '',
}

let dir: string
let dev: NetlifyDev

// Naming `browser` launches Chromium here, under the hook timeout, not in the first test.
it.beforeAll(async ({ browser: _launched }) => {
  // Edge functions see variables from .env only (docs/netlify-platform.md §1): a private copy.
  dir = await copyProject({ site: true })
  await writeFile(
    join(dir, '.env'),
    Object.entries(ENV)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n') + '\n',
  )
  dev = await startNetlifyDev({
    cwd: dir,
    site: true,
    env: { ...ENV, NETLIFY_EDGE_BOOTSTRAP: EDGE_BOOTSTRAP },
  })
  // The [dev] command bundles site/src/members.ts next to the server's start.
  const deadline = Date.now() + 60_000
  while (
    !(await fetch(`${dev.url}/build/members.js`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`no build/members.js:\n${dev.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}, 120_000)

afterAll(async () => {
  await dev?.stop()
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
})

describe('the members-only demo page behind the edge gate (netlify dev, Chromium)', () => {
  it('sends a browser without a session to the login page, and answers its fetch 401', async ({
    newContext,
  }) => {
    // A fresh profile: another browser, as far as cookies and IndexedDB go.
    const context = await newContext()
    const page = await context.newPage()
    const response = await page.goto(`${dev.url}/members/`)
    expect(new URL(page.url()).pathname).toBe('/login/')
    expect(new URL(page.url()).searchParams.get('next')).toBe('/members/')
    expect(response?.status()).toBe(200)
    const fetched = await page.evaluate(async () => {
      const answer = await fetch('/members/', { headers: { accept: 'application/json' } })
      return { status: answer.status, body: await answer.json() }
    })
    expect(fetched).toMatchObject({ status: 401, body: { code: 'jwt_missing' } })
  })

  it('lets a browser that logged in through /login/ in, with an HttpOnly Secure cookie on http://localhost, and not another browser', async ({
    newContext,
  }) => {
    const member = await newContext()
    const page = await member.newPage()
    await page.goto(`${dev.url}/members/`)
    expect(new URL(page.url()).pathname).toBe('/login/')
    await Promise.all([page.waitForURL(`${dev.url}/members/`), page.click('#login')])
    await expect(page.locator('h1').textContent()).resolves.toBe('Members only')

    const [cookie] = await member.cookies(dev.url)
    expect(cookie).toMatchObject({
      name: '__Host-ttp-session',
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
    })
    expect(await page.evaluate(() => document.cookie)).not.toContain('ttp-session')

    // A later page load goes straight through the gate.
    const again = await page.goto(`${dev.url}/members/`)
    expect(again?.status()).toBe(200)
    expect(again?.request().redirectedFrom()).toBeNull()
    expect(again?.headers()['cache-control']).toBe('private, no-cache')
    expect(again?.headers()['x-nf-edge-functions']).toContain('gate')

    // Another browser has no cookie: the login page.
    const stranger = await (await newContext()).newPage()
    await stranger.goto(`${dev.url}/members/`)
    expect(new URL(stranger.url()).pathname).toBe('/login/')

    // Logging out deletes the cookie; the page is closed again.
    await Promise.all([page.waitForURL(/\/login\/$/), page.click('#logout')])
    expect(await member.cookies(dev.url)).toEqual([])
    await page.goto(`${dev.url}/members/`)
    expect(new URL(page.url()).pathname).toBe('/login/')
  })

  // The page logged in with this browser's own key even when the user had chosen an account on
  // the demo page: the members' JWT named another user than the demo page did.
  it('logs in as the account the demo page linked this browser to, with no passkey prompt', async ({
    newContext,
  }) => {
    const context = await newContext()
    const page = await context.newPage()
    const { uses } = await addAuthenticator(context, page)
    await page.goto(dev.url)
    const { account, device } = await linkDemoAccount(page, 'Create an account with a passkey')

    await page.goto(`${dev.url}/members/`)
    await Promise.all([page.waitForURL(`${dev.url}/members/`), page.click('#login')])
    const [cookie] = await context.cookies(dev.url)
    expect(decodeJwt(cookie!.value)).toMatchObject({ sub: account, act: { sub: device } })
    expect(uses).toEqual({ created: 1, asserted: 0 })
  })

  it('logs no JWT key', () => {
    expect(dev.output()).not.toContain(EDDSA_KEY)
    expect(dev.output()).toMatch(/"fn":"gate".*"code":"jwt_missing"/)
  })
})
