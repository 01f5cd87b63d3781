// The SDK with an account link (docs/sdk.md, "Accounts across devices"), against the real
// challenge, token, JWT and JWKS handlers in-process: the link travels with every call, read
// afresh each time; the thread token must name the account; the JWT names the account with the
// device as `act`; links the SDK cannot use are refused before anything is signed; the server's
// link codes arrive as coded errors; the token cache is keyed by the account.
import { PrivateKey } from '@textile/hub'
import { decodeJwt, type JSONWebKeySet } from 'jose'
import { describe, expect } from 'vitest'
import {
  createUserAuthProvider,
  tokenStorageKey,
  type FetchLike,
  type Identity,
  type LinkSource,
} from '../../src/client/index.ts'
import type { Env } from '../../src/index.ts'
import { createJwtVerifier } from '../../src/verify/index.ts'
import { NOW, NOW_SECONDS as seconds } from '../helpers/clock.ts'
import { expectLinkedJwt, linkClaims, linked, signedLink } from '../helpers/account-link.ts'
import { ENDPOINT, SITE } from '../helpers/deployment.ts'
import { hubToken } from '../helpers/fake-server.ts'
import { identity } from '../helpers/identity.ts'
import { EDDSA_KEY, jwtDeployment } from '../helpers/jwt-deployment.ts'
import { it } from '../helpers/sdk-fixtures.ts'

/**
 * The real handlers (a deployment with EdDSA JWTs) behind a fetch that sends the site's Origin,
 * recording each body.
 */
function functions(env: Env = {}) {
  const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, ...env })
  const bodies: { path: string; body: Record<string, string> }[] = []
  const fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname
    bodies.push({ path, body: JSON.parse(String(init.body)) as Record<string, string> })
    const headers = new Headers(init.headers)
    headers.set('origin', SITE)
    return t.transport(path, { ...init, headers })
  }
  /** A provider's options for a linked device over these functions (no prefetch). */
  const linkedDevice = (identity: Identity, link: LinkSource) =>
    ({ identity, link, fetch, prefetch: false }) as const
  return { fetch, bodies, linkedDevice, jwks: () => t.jwks(new Request(`${SITE}/api/jwks`), {}) }
}

const subOf = (token: string | undefined) => decodeJwt(token!).sub

describe('createUserAuthProvider({ link })', () => {
  it('sends the link with /challenge and /token and takes a thread token for the account', async ({
    userAuthProvider,
  }) => {
    const server = functions()
    const { account, device, link } = await linked()
    const { provider } = userAuthProvider(server.linkedDevice(device, link))
    const auth = await provider()
    expect(subOf(auth.token)).toBe(account.public.toString())
    expect(server.bodies).toEqual([
      { path: '/api/challenge', body: { pubkey: device.public.toString(), link } },
      {
        path: '/api/token',
        body: { envelope: expect.any(String), signature: expect.any(String), link },
      },
    ])
  })

  it('reads an object’s current link at each login, so a renewed link is used at once', async ({
    userAuthProvider,
  }) => {
    const server = functions()
    const first = await linked()
    const renewed = await signedLink(
      { ...first.claims, iat: seconds, exp: seconds + 172_800 },
      first.account,
    )
    const holder = { link: first.link }
    const { provider } = userAuthProvider({
      identity: first.device,
      link: holder,
      fetch: server.fetch,
      prefetch: false,
    })
    await provider()
    holder.link = renewed
    await provider.reset()
    const auth = await provider()
    expect(subOf(auth.token)).toBe(first.account.public.toString())
    expect(server.bodies.map(({ body }) => body.link)).toEqual([
      first.link,
      first.link,
      renewed,
      renewed,
    ])
  })

  it('takes the link from a function (sync or async)', async ({ userAuthProvider }) => {
    const server = functions()
    const { account, device, link } = await linked()
    for (const source of [() => link, async () => link]) {
      const { provider } = userAuthProvider(server.linkedDevice(device, source))
      expect(subOf((await provider()).token)).toBe(account.public.toString())
    }
  })

  it('reads a function’s link once per login, for both its /challenge and its /token', async ({
    userAuthProvider,
  }) => {
    const server = functions()
    const { device, link } = await linked()
    let reads = 0
    const { provider } = userAuthProvider(server.linkedDevice(device, () => (reads++, link)))
    await provider()
    expect(reads).toBe(1)
    await provider.reset()
    const before = reads
    await provider()
    expect(reads - before).toBe(1)
    expect(server.bodies.map(({ body }) => body.link)).toEqual([link, link, link, link])
  })

  it.for([
    ['a malformed link', async () => ({ ...(await linked()), link: 'not.a.link' })],
    ['a link for another device key', async () => ({ ...(await linked()), device: identity() })],
  ] as const)(
    'throws invalid_link for %s before anything is sent or signed',
    async ([, make], { userAuthProvider }) => {
      const server = functions()
      const { device, link } = await make()
      let signed = 0
      const identity: Identity = {
        public: device.public,
        sign: (bytes) => (signed++, device.sign(bytes)),
      }
      const { provider } = userAuthProvider({
        identity,
        link,
        fetch: server.fetch,
        prefetch: false,
      })
      await expect(provider()).rejects.toMatchObject({ code: 'invalid_link' })
      expect(server.bodies).toEqual([])
      expect(signed).toBe(0)
    },
  )

  it.for([
    ['link_expired', 'an expired link', { iat: seconds - 7200, exp: seconds - 3600 }, {}],
    ['invalid_link', 'a link for another site', { aud: 'https://other.example' }, {}],
    [
      'invalid_link',
      'a link longer than LINK_MAX_TTL_SECONDS',
      {},
      { LINK_MAX_TTL_SECONDS: '3600' },
    ],
    ['link_unsupported', 'a link without HUB_ISSUER_KEY', {}, { HUB_ISSUER_KEY: undefined }],
  ] as const)(
    'throws %s for %s, as the functions say',
    async ([code, , claims, env], { userAuthProvider }) => {
      const server = functions(env)
      const { device, link } = await linked(claims)
      const { provider } = userAuthProvider({
        identity: device,
        link,
        hubUrl: 'http://127.0.0.1:1',
        fetch: server.fetch,
        prefetch: false,
      })
      await expect(provider()).rejects.toMatchObject({ code })
    },
  )

  it('throws pubkey_not_allowed for a denied device while the account works on another', async ({
    userAuthProvider,
  }) => {
    const account = identity()
    const [lost, kept] = [identity(), identity()]
    const server = functions({ DENIED_PUBKEYS: lost.public.toString() })
    const linkFor = (device: PrivateKey) =>
      signedLink(linkClaims(account, device, { iat: seconds, exp: seconds + 3600 }), account)
    const provider = (device: PrivateKey, link: string) =>
      userAuthProvider(server.linkedDevice(device, link)).provider
    await expect(provider(lost, await linkFor(lost))()).rejects.toMatchObject({
      code: 'pubkey_not_allowed',
    })
    const auth = await provider(kept, await linkFor(kept))()
    expect(subOf(auth.token)).toBe(account.public.toString())
  })

  it('throws token_mismatch when /token mints for the device instead of the account', async ({
    userAuthProvider,
  }) => {
    const server = functions()
    const { device, link } = await linked()
    // A proxy that drops the link on the way to /token: the functions then mint for the device.
    const dropping: FetchLike = (url, init) => {
      if (!url.endsWith('/token')) return server.fetch(url, init)
      const { link: _dropped, ...body } = JSON.parse(String(init.body)) as Record<string, string>
      return server.fetch(url, { ...init, body: JSON.stringify(body) })
    }
    const { provider } = userAuthProvider({
      identity: device,
      link,
      fetch: dropping,
      prefetch: false,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
  })

  describe('in hub-challenge mode', () => {
    it('keys the token cache by the account: a stored token for the account is used', async ({
      hubProvider,
    }) => {
      const { account, device, link } = await linked()
      const accountKey = account.public.toString()
      const storage = new Map<string, string>()
      const { provider, hub } = await hubProvider({
        identity: device,
        link,
        storage,
        prefetch: false,
      })
      const stored = hubToken(1, accountKey)
      storage.set(tokenStorageKey(hub.url, accountKey), stored)
      // A token for the device key under its own entry is not the account's: never used.
      storage.set(
        tokenStorageKey(hub.url, device.public.toString()),
        hubToken(2, device.public.toString()),
      )
      expect((await provider()).token).toBe(stored)
      expect(hub.state.connections).toBe(0)
      // reset() forgets the account's entry.
      await provider.reset()
      expect(storage.has(tokenStorageKey(hub.url, accountKey))).toBe(false)
    })
  })
})

describe('createJwtProvider({ link })', () => {
  it('gets a JWT whose sub is the account and act.sub the device, as jose and the verifier read it', async ({
    jwtProvider,
  }) => {
    const server = functions()
    const { account, device, link } = await linked()
    const { provider: jwt } = jwtProvider(server.linkedDevice(device, link))
    const token = await jwt()
    expect(server.bodies.map(({ path, body }) => [path, body.link])).toEqual([
      ['/api/challenge', link],
      ['/api/jwt', link],
    ])
    const jwks = (await (await server.jwks()).json()) as JSONWebKeySet
    await expectLinkedJwt(token, jwks, {
      account: account.public.toString(),
      device: device.public.toString(),
      now: NOW,
    })
    const verified = await createJwtVerifier({
      jwks,
      issuer: SITE,
      audience: SITE,
      now: () => NOW,
    }).verify(token)
    expect(verified).toMatchObject({
      account: account.public.toString(),
      device: device.public.toString(),
      linked: true,
    })
  })

  it('throws link_expired for an expired link', async ({ jwtProvider }) => {
    const server = functions()
    const { device, link } = await linked({ iat: seconds - 7200, exp: seconds - 1 })
    const { provider: jwt } = jwtProvider(server.linkedDevice(device, link))
    await expect(jwt()).rejects.toMatchObject({ code: 'link_expired' })
  })
})

describe('readProviderOptions()', () => {
  it('throws TypeError for a link option of another kind', () => {
    expect(() =>
      createUserAuthProvider({
        endpoint: ENDPOINT,
        identity: identity(),
        link: 42 as never,
      }),
    ).toThrow(TypeError)
  })
})
