// One account on every device, in a real browser: headless Chromium (test/demo/launch-chromium.ts)
// on the identity page (test/helpers/identity-site.ts), the real challenge, token, JWT and JWKS handlers in issuer
// mode, and @textile/hub's own client writing and reading threads on the hub emulator, which
// keeps each thread for the `sub` of the token that made it. Passkeys come from DevTools' virtual
// authenticator (PRF, user verification), whose uses are counted from its CDP events.
//
// "The same passkey on two devices": Chromium's virtual authenticator does not carry a passkey's
// PRF secret across authenticators. `WebAuthn.getCredentials` gives no PRF or hmac-secret field,
// and a credential put into another authenticator with `WebAuthn.addCredential` evaluates no PRF
// at all (passkeyIdentity rejects with passkey_prf_unsupported there). So two browser contexts
// cannot hold one passkey. The second device is modelled instead as the same site on a second
// port of localhost in the same tab: WebAuthn's rp id ignores ports, so the one authenticator
// serves both, while IndexedDB is per origin, so each "device" has its own device key and link,
// exactly as two browsers do. The wallet account, whose signer lives in this process, uses two
// real browser contexts.
import { decodeJwt, type JSONWebKeySet } from 'jose'
import type { Page } from 'playwright-core'
import { afterAll, describe, expect, onTestFinished } from 'vitest'
import { createJwtVerifier } from '../../src/verify/index.ts'
import { expectLinkedJwt } from '../helpers/account-link.ts'
import {
  addAuthenticator,
  it as browserIt,
  type BrowserFixtures,
} from '../helpers/browser-fixtures.ts'
import { startIdentitySite, type IdentitySite } from '../helpers/identity-site.ts'
import { testWallet } from '../helpers/test-wallet.ts'

let site: IdentitySite

// Naming `browser` launches Chromium here, under the hook timeout, not in the first test.
browserIt.beforeAll(async ({ browser: _launched }) => {
  site = await startIdentitySite()
}, 90_000)

afterAll(async () => {
  await site?.close()
})

/**
 * `it` with `openDevice(origin?)`: a fresh profile with the page open at `origin` (default the
 * site's) and a passkey store, closed after the test.
 */
const it = browserIt.extend('openDevice', async ({ newContext }) => {
  return async (origin = site.origin) => {
    const context = await newContext()
    const page = await context.newPage()
    const authenticator = await addAuthenticator(context, page)
    await goTo(page, origin)
    return { context, page, authenticator }
  }
})

async function goTo(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' })
}

describe('linkBrowser() and linkedBrowser() with a passkey account', () => {
  it('links with one passkey prompt; after a reload the device logs in with no authenticator use', async ({
    openDevice,
  }) => {
    const { page, authenticator } = await openDevice()
    const first = await page.evaluate(async () => {
      const account = await ttp.passkeyIdentity({ create: true, userName: 'alice' })
      const linked = await ttp.linkBrowser({ account })
      const auth = await ttp.logInLinked(linked)
      return {
        account: account.public.toString(),
        linked: { account: linked.account, device: linked.device, link: linked.link },
        token: auth.token!,
      }
    })
    expect(authenticator.uses).toEqual({ created: 1, asserted: 0 })
    expect(first.linked.account).toBe(first.account)
    expect(first.linked.device).not.toBe(first.account)
    expect(decodeJwt(first.token).sub).toBe(first.account)

    // What the origin keeps: the device key as CryptoKeys and the link as text; no account key.
    const records = await page.evaluate(() => ttp.storedRecords())
    expect(Object.keys(records).sort()).toEqual([
      'textile-token-provider/identities/account-device',
      'textile-token-provider/identities/link,account-device',
    ])
    expect(records['textile-token-provider/identities/link,account-device']).toEqual({
      version: 1,
      link: first.linked.link,
      credentialId: expect.stringMatching(/^[\w-]+$/),
    })
    await expect(page.evaluate(() => ttp.webStorage())).resolves.toEqual({
      local: {},
      session: {},
    })

    await goTo(page, site.origin)
    const again = await page.evaluate(async () => {
      // renew is asked only near the link's end: not now.
      const linked = await ttp.linkedBrowser({ renew: (hint) => ttp.passkeyIdentity(hint) })
      const auth = await ttp.logInLinked(linked!)
      return { account: linked!.account, device: linked!.device, token: auth.token! }
    })
    expect(again).toMatchObject({ account: first.account, device: first.linked.device })
    expect(decodeJwt(again.token).sub).toBe(first.account)
    expect(authenticator.uses).toEqual({ created: 1, asserted: 0 })
  })

  it('restores the link and the device key with one opening of IndexedDB, and nothing once the device key is gone', async ({
    openDevice,
  }) => {
    const { page } = await openDevice()
    await page.evaluate(async () => {
      await ttp.linkBrowser({ account: await ttp.passkeyIdentity({ create: true }) })
    })
    await goTo(page, site.origin)
    const restore = () =>
      page.evaluate(async () => {
        const open = indexedDB.open.bind(indexedDB)
        let opens = 0
        indexedDB.open = (name: string, version?: number) => (opens++, open(name, version))
        const linked = await ttp.linkedBrowser()
        return { opens, device: linked?.device ?? null }
      })
    const restored = await restore()
    expect(restored).toEqual({ opens: 1, device: expect.stringMatching(/^b/) })
    // The device key alone deleted (the link record stays): the link is worth nothing.
    await page.evaluate(async () => {
      await (await ttp.browserIdentity({ name: 'account-device' })).forget()
    })
    await goTo(page, site.origin)
    await expect(restore()).resolves.toEqual({ opens: 1, device: null })
  })

  it('gives two devices of one passkey one account: each writes and reads the same thread', async ({
    openDevice,
  }) => {
    const { page, authenticator } = await openDevice()
    const hubUrl = site.emulator.url
    const one = await page.evaluate(async (hub) => {
      const linked = await ttp.linkBrowser({
        account: await ttp.passkeyIdentity({ create: true }),
      })
      const threadId = await ttp.writeNote(linked.identity, hub, 'from device one', {
        link: linked,
      })
      return { account: linked.account, device: linked.device, threadId }
    }, hubUrl)

    // The second device: its own storage (no link yet), the same passkey.
    await goTo(page, site.secondOrigin)
    const two = await page.evaluate(
      async ([hub, threadId]) => {
        const before = await ttp.linkedBrowser()
        const linked = await ttp.linkBrowser({ account: await ttp.passkeyIdentity() })
        const read = await ttp.readNotes(linked.identity, hub!, threadId!, linked)
        await ttp.writeNote(linked.identity, hub!, 'from device two', {
          link: linked,
          threadId: threadId!,
        })
        // This origin's own key without the link is another user: the thread is not its own.
        const alone = await ttp.readNotes(await ttp.browserIdentity(), hub!, threadId!)
        return {
          before: before ?? null,
          account: linked.account,
          device: linked.device,
          read,
          alone,
        }
      },
      [hubUrl, one.threadId],
    )
    expect(two.before).toBeNull()
    expect(two.account).toBe(one.account)
    expect(two.device).not.toBe(one.device)
    expect(two.read).toEqual(['from device one'])
    expect(two.alone).toMatch(/^error: .*does not own thread/i)
    expect(authenticator.uses).toEqual({ created: 1, asserted: 1 })

    await goTo(page, site.origin)
    const back = await page.evaluate(
      async ([hub, threadId]) => {
        const linked = await ttp.linkedBrowser()
        return ttp.readNotes(linked!.identity, hub!, threadId!, linked!)
      },
      [hubUrl, one.threadId],
    )
    expect(back).toEqual(['from device one', 'from device two'])
    expect(authenticator.uses).toEqual({ created: 1, asserted: 1 })
  })

  it('refuses a device whose key is in DENIED_PUBKEYS while the other device keeps working', async ({
    openDevice,
  }) => {
    const { page } = await openDevice()
    const link = () =>
      page.evaluate(async () => {
        const existing = await ttp.linkedBrowser()
        const linked = existing ?? (await ttp.linkBrowser({ account: await ttp.passkeyIdentity() }))
        return linked.device
      })
    const logIn = () =>
      page.evaluate(async () => {
        const linked = (await ttp.linkedBrowser())!
        return ttp.codeOf(ttp.logInLinked(linked))
      })
    onTestFinished(() => site.setEnv({ DENIED_PUBKEYS: undefined }))
    await page.evaluate(() => ttp.passkeyIdentity({ create: true }))
    const lost = await link()
    await goTo(page, site.secondOrigin)
    const kept = await link()
    site.setEnv({ DENIED_PUBKEYS: lost })
    await expect(logIn()).resolves.toBe('resolved')
    await goTo(page, site.origin)
    await expect(logIn()).resolves.toBe('pubkey_not_allowed')
    site.setEnv({ DENIED_PUBKEYS: kept })
    await expect(logIn()).resolves.toBe('resolved')
  })

  it('throws passkey_identity_mismatch for another passkey on a linked device, and switches only when asked', async ({
    openDevice,
  }) => {
    const { page } = await openDevice()
    const result = await page.evaluate(async () => {
      const first = await ttp.passkeyIdentity({ create: true, userName: 'first' })
      const other = await ttp.passkeyIdentity({ create: true, userName: 'other' })
      const linked = await ttp.linkBrowser({ account: first })
      const link = linked.link
      const refused = await ttp.codeOf(ttp.linkBrowser({ account: other }))
      const renewRefused = await ttp.codeOf(linked.renew(other))
      // linkedBrowser's renewal, when due: the link still good is kept, the mismatch reported.
      const dueSoon = new Date(linked.renewAt.getTime() + 1000)
      const kept = await ttp.linkedBrowser({ renew: async () => other, now: () => dueSoon })
      const afterEnd = new Date(linked.expiresAt.getTime() + 1000)
      const ended = await ttp.codeOf(
        ttp.linkedBrowser({ renew: async () => other, now: () => afterEnd }),
      )
      const unchanged = (await ttp.linkedBrowser())!
      const switched = await ttp.linkBrowser({ account: other, switchAccount: true })
      return {
        first: first.public.toString(),
        other: other.public.toString(),
        device: linked.device,
        refused,
        renewRefused,
        keptCode: (kept!.renewError as { code?: string }).code,
        keptLink: kept!.link === link,
        ended,
        unchanged: [unchanged.account, unchanged.link === link],
        switched: [switched.account, switched.device],
        now: (await ttp.linkedBrowser())!.account,
      }
    })
    expect(result.refused).toBe('passkey_identity_mismatch')
    expect(result.renewRefused).toBe('passkey_identity_mismatch')
    expect(result.keptCode).toBe('passkey_identity_mismatch')
    expect(result.keptLink).toBe(true)
    expect(result.ended).toBe('passkey_identity_mismatch')
    expect(result.unchanged).toEqual([result.first, true])
    // Switching is explicit and gives the new account a new device key.
    expect(result.switched[0]).toBe(result.other)
    expect(result.switched[1]).not.toBe(result.device)
    expect(result.now).toBe(result.other)
  })

  it('renews with one prompt once a third of the lifetime is left, and keeps a good link when the prompt is refused', async ({
    openDevice,
  }) => {
    const { page, authenticator } = await openDevice()
    await page.evaluate(async () => {
      await ttp.linkBrowser({ account: await ttp.passkeyIdentity({ create: true }) })
    })
    const before = { ...authenticator.uses }
    const renewAt = await page.evaluate(async () => (await ttp.linkedBrowser())!.renewAt.getTime())
    const at = (ms: number) =>
      page.evaluate(async (time) => {
        const linked = await ttp.linkedBrowser({
          renew: (hint) => ttp.passkeyIdentity(hint),
          now: () => new Date(time),
        })
        const claims = JSON.parse(
          atob(linked!.link.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')),
        )
        return {
          account: linked!.account,
          iat: claims.iat as number,
          exp: claims.exp as number,
          renewError: (linked!.renewError as { code?: string } | undefined)?.code ?? null,
        }
      }, ms)
    const early = await at(renewAt - 1000)
    expect(authenticator.uses).toEqual(before)
    const due = await at(renewAt + 1000)
    expect(authenticator.uses).toEqual({ ...before, asserted: before.asserted + 1 })
    expect(due.account).toBe(early.account)
    expect(due.exp).toBeGreaterThan(early.exp)
    // iat backdated a day from the clock the renewal ran on; 30 days of lifetime.
    expect(due.iat).toBe(Math.floor((renewAt + 1000) / 1000) - 86_400)
    expect(due.exp - due.iat).toBe(2_592_000)

    // The user refuses the next prompt (no user verification): a still-good link is kept.
    await authenticator.cdp.send('WebAuthn.setUserVerified', {
      authenticatorId: authenticator.id,
      isUserVerified: false,
    })
    const nextDue = due.exp * 1000 - 864_000_000 + 1000
    const refused = await at(nextDue)
    expect(refused).toMatchObject({ exp: due.exp, renewError: 'passkey_cancelled' })
    await expect(
      page.evaluate(
        (time) =>
          ttp.codeOf(
            ttp.linkedBrowser({
              renew: (hint) => ttp.passkeyIdentity(hint),
              now: () => new Date(time),
            }),
          ),
        due.exp * 1000 + 1000,
      ),
    ).resolves.toBe('passkey_cancelled')
  })

  it('mints a JWT whose sub is the account and act.sub the device, as jose and createJwtVerifier read it', async ({
    openDevice,
  }) => {
    const { page } = await openDevice()
    const result = await page.evaluate(async () => {
      const linked = await ttp.linkBrowser({
        account: await ttp.passkeyIdentity({ create: true }),
      })
      return {
        token: await ttp.jwtLinked(linked),
        account: linked.account,
        device: linked.device,
      }
    })
    const jwks = (await (await fetch(`${site.origin}/api/jwks`)).json()) as JSONWebKeySet
    const { protectedHeader } = await expectLinkedJwt(result.token, jwks, {
      account: result.account,
      device: result.device,
      site: site.origin,
    })
    expect(protectedHeader.alg).toBe('EdDSA')
    const verified = await createJwtVerifier({
      jwks,
      issuer: site.origin,
      audience: site.origin,
    }).verify(result.token)
    expect(verified).toMatchObject({
      account: result.account,
      device: result.device,
      linked: true,
    })
  })
})

describe('linkBrowser() with a wallet account', () => {
  const wallet = testWallet([new Uint8Array(32).fill(21), new Uint8Array(32).fill(22)])

  /** A browser context of its own (its own IndexedDB), with the test wallet. */
  async function walletDevice(newContext: BrowserFixtures['newContext']) {
    const context = await newContext()
    await context.exposeFunction('walletAnswer', (method: string, params: readonly unknown[]) =>
      wallet.answer(method, params),
    )
    const page = await context.newPage()
    await goTo(page, site.origin)
    return { context, page }
  }

  it('links two browser contexts to one wallet account that share a thread, and refuses another wallet account', async ({
    newContext,
  }) => {
    const [one, two] = await Promise.all([walletDevice(newContext), walletDevice(newContext)])
    const hubUrl = site.emulator.url
    const [first, second] = wallet.accounts
    const a = await one.page.evaluate(
      async ([hub, account, otherAccount]) => {
        const id = await ttp.walletIdentity(ttp.wallet(), { account: account! })
        const linked = await ttp.linkBrowser({ account: id })
        const threadId = await ttp.writeNote(linked.identity, hub!, 'signed by a wallet', {
          link: linked,
        })
        const other = await ttp.walletIdentity(ttp.wallet(), { account: otherAccount! })
        return {
          account: linked.account,
          device: linked.device,
          threadId,
          mismatch: await ttp.codeOf(ttp.linkBrowser({ account: other })),
        }
      },
      [hubUrl, first, second],
    )
    expect(a.mismatch).toBe('wallet_identity_mismatch')
    const b = await two.page.evaluate(
      async ([hub, account, threadId]) => {
        const id = await ttp.walletIdentity(ttp.wallet(), { account: account! })
        const linked = await ttp.linkBrowser({ account: id })
        return {
          account: linked.account,
          device: linked.device,
          read: await ttp.readNotes(linked.identity, hub!, threadId!, linked),
        }
      },
      [hubUrl, first, a.threadId],
    )
    expect(b.account).toBe(a.account)
    expect(b.device).not.toBe(a.device)
    expect(b.read).toEqual(['signed by a wallet'])
  })
})
