// Account links at every endpoint that takes one: /api/challenge, /api/token and /api/jwt
// (docs/http-api.md, "Account links"). Each refusal is checked at each endpoint, since each runs
// the link check on its own input.
import { PrivateKey } from '@textile/hub'
import { decodeJwt, type JSONWebKeySet } from 'jose'
import { describe, expect, it } from 'vitest'
import { LINK_MAX_TTL } from '../../src/core/account-link.ts'
import type { LinkClaims } from '../../src/core/link-format.ts'
import type { Env, HandlerOptions, PolicyInput } from '../../src/index.ts'
import { expectLinkedJwt, linked } from '../helpers/account-link.ts'
import { NOW, NOW_SECONDS as now } from '../helpers/clock.ts'
import { SITE, problem } from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'
import { EDDSA_KEY, jwtDeployment } from '../helpers/jwt-deployment.ts'
import { jsonPost, login, signEnvelope, signerOf, type Transport } from '../helpers/login.ts'

const ORIGIN = { origin: SITE }

/** A deployment with the JWT and JWKS endpoints beside challenge and token (EdDSA JWTs). */
const linkDeployment = (env: Env = {}, options: Pick<HandlerOptions, 'policy'> = {}) =>
  jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, ...env }, options)

/** A login from the site's origin, redeemed at `redeem`, with the device's `link` when given. */
async function loginAt(
  t: { transport: Transport },
  redeem: '/api/token' | '/api/jwt',
  device: PrivateKey,
  link?: string,
) {
  const signer = signerOf(device)
  return login({ transport: t.transport, signer, headers: ORIGIN, redeem, ...(link && { link }) })
}

/** The `token` of a redemption that must answer 200 (/api/token and /api/jwt alike). */
async function tokenOf(redeemed: Response | undefined): Promise<string> {
  expect(redeemed?.status).toBe(200)
  return ((await redeemed!.json()) as { token: string }).token
}

/** Redeems an envelope for `link` at `path`, its challenge made without the link. */
async function redeemWithLink(
  t: { transport: Transport },
  path: string,
  device: PrivateKey,
  link: string,
): Promise<Response> {
  // The envelope comes from a challenge without the link, as a client that skips it would.
  const challenge = await t.transport(
    '/api/challenge',
    jsonPost({ pubkey: device.public.toString() }, ORIGIN),
  )
  const { envelope } = (await challenge.json()) as { envelope: string }
  const signature = await signEnvelope(signerOf(device), envelope)
  return t.transport(path, jsonPost({ envelope, signature, link }, ORIGIN))
}

describe('account links: /api/token', () => {
  it('mints the thread token for the account when the device signs and the link verifies', async () => {
    const t = linkDeployment()
    const { account, device, link } = await linked()
    const token = await tokenOf((await loginAt(t, '/api/token', device, link)).redeemed)
    expect(decodeJwt(token).sub).toBe(account.public.toString())
  })

  it('changes nothing without a link: the token is for the key that signed', async () => {
    const t = linkDeployment()
    const device = identity()
    const token = await tokenOf((await loginAt(t, '/api/token', device)).redeemed)
    expect(decodeJwt(token).sub).toBe(device.public.toString())
  })

  it('throws link_unsupported in hub-challenge mode (the hub would challenge the account key)', async () => {
    const t = linkDeployment({ HUB_ISSUER_KEY: undefined })
    const { device, link } = await linked()
    const { challenge, redeemed } = await loginAt(t, '/api/token', device, link)
    expect(challenge.status).toBe(200) // the envelope may still go to /api/jwt
    expect(redeemed?.status).toBe(400)
    expect(await problem(redeemed!)).toMatchObject({ code: 'link_unsupported', status: 400 })
  })
})

describe('account links: /api/jwt', () => {
  it('mints sub = account and act.sub = device (RFC 8693), and jose verifies it', async () => {
    const t = linkDeployment()
    const { account, device, link } = await linked()
    const token = await tokenOf((await loginAt(t, '/api/jwt', device, link)).redeemed)
    const jwks = (await (await t.jwks(new Request(SITE + '/api/jwks'), {})).json()) as JSONWebKeySet
    await expectLinkedJwt(token, jwks, {
      account: account.public.toString(),
      device: device.public.toString(),
      now: NOW,
    })
  })

  it('works in hub-challenge mode too (the JWT needs no hub)', async () => {
    const t = linkDeployment({ HUB_ISSUER_KEY: undefined })
    const { account, device, link } = await linked()
    const token = await tokenOf((await loginAt(t, '/api/jwt', device, link)).redeemed)
    expect(decodeJwt(token).sub).toBe(account.public.toString())
  })

  it('carries no act claim without a link', async () => {
    const t = linkDeployment()
    const token = await tokenOf((await loginAt(t, '/api/jwt', identity())).redeemed)
    expect(decodeJwt(token)).not.toHaveProperty('act')
  })

  it('refuses JWT_CLAIMS that names act (server_misconfigured): only a link sets it', async () => {
    const t = linkDeployment({ JWT_CLAIMS: '{"act":{"sub":"someone"}}' })
    const { device, link } = await linked()
    const { challenge, redeemed } = await loginAt(t, '/api/jwt', device, link)
    expect(challenge.status).toBe(200)
    expect(await problem(redeemed!)).toMatchObject({ code: 'server_misconfigured' })
  })
})

// Each bad link, at each endpoint: the challenge refuses it first; the token and JWT endpoints
// refuse it again when a client skips the challenge's check (a valid link at the challenge, the
// bad one at redemption).
const BAD_LINKS: [string, () => Promise<{ device: PrivateKey; link: string }>, string][] = [
  [
    'tampered',
    async () => {
      const { device, link } = await linked()
      const [h, p, s] = link.split('.') as [string, string, string]
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as LinkClaims
      payload.exp += 1
      return {
        device,
        link: `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`,
      }
    },
    'invalid_link',
  ],
  ['expired', () => linked({ iat: now - 7200, exp: now - 1 }), 'link_expired'],
  [
    'over-long',
    () => linked({ iat: now - 60, exp: now - 60 + LINK_MAX_TTL.default + 1 }),
    'invalid_link',
  ],
  ['for another site', () => linked({ aud: 'https://other.example' }), 'invalid_link'],
  ['issued in the future', () => linked({ iat: now + 3600, exp: now + 7200 }), 'invalid_link'],
  [
    'for another device',
    async () => {
      const { link } = await linked()
      return { device: identity(), link }
    },
    'invalid_link',
  ],
  [
    'signed by the device, not the account',
    async () => {
      const device = identity()
      const { link } = await linked({ sub: device.public.toString() }, device)
      return { device, link }
    },
    'invalid_link',
  ],
  ['not a JWS', async () => ({ device: identity(), link: 'not-a-link' }), 'invalid_link'],
]

describe.each(BAD_LINKS)('a link that is %s', (_name, make, code) => {
  it(`is ${code} at /api/challenge`, async () => {
    const t = linkDeployment()
    const { device, link } = await make()
    const response = await t.transport(
      '/api/challenge',
      jsonPost({ pubkey: device.public.toString(), link }, ORIGIN),
    )
    expect(response.status).toBe(401)
    expect(await problem(response)).toMatchObject({ code, status: 401 })
  })

  it.each(['/api/token', '/api/jwt'] as const)(`is ${code} at %s`, async (path) => {
    const t = linkDeployment()
    const { device, link } = await make()
    const response = await redeemWithLink(t, path, device, link)
    expect(response.status).toBe(401)
    expect(await problem(response)).toMatchObject({ code, status: 401 })
  })
})

describe('account links: origins, lists and the policy', () => {
  it('is invalid_link from a client without an Origin (the envelope audience is "")', async () => {
    const t = linkDeployment()
    const { device, link } = await linked()
    const response = await t.transport(
      '/api/challenge',
      jsonPost({ pubkey: device.public.toString(), link }),
    )
    expect(await problem(response)).toMatchObject({ code: 'invalid_link' })
  })

  it('is invalid_request when link is not a string', async () => {
    const t = linkDeployment()
    const response = await t.transport(
      '/api/challenge',
      jsonPost({ pubkey: identity().public.toString(), link: 42 }, ORIGIN),
    )
    expect(await problem(response)).toMatchObject({ code: 'invalid_request' })
  })

  it.each(['account', 'device'] as const)(
    'refuses a denied %s key at every endpoint (pubkey_not_allowed)',
    async (which) => {
      const keys = await linked()
      const denied = keys[which].public.toString()
      for (const policyAtChallenge of ['true', 'false']) {
        const t = linkDeployment({ DENIED_PUBKEYS: denied, POLICY_AT_CHALLENGE: policyAtChallenge })
        const { challenge } = await loginAt(t, '/api/token', keys.device, keys.link)
        expect(await problem(challenge)).toMatchObject({ code: 'pubkey_not_allowed' })
      }
      // Denied after the envelope was issued: refused at redemption too.
      const t = linkDeployment()
      const challenge = await t.transport(
        '/api/challenge',
        jsonPost({ pubkey: keys.device.public.toString(), link: keys.link }, ORIGIN),
      )
      const { envelope } = (await challenge.json()) as { envelope: string }
      t.d.env.DENIED_PUBKEYS = denied
      const signature = await signEnvelope(signerOf(keys.device), envelope)
      for (const path of ['/api/token', '/api/jwt']) {
        const response = await t.transport(
          path,
          jsonPost({ envelope, signature, link: keys.link }, ORIGIN),
        )
        expect(await problem(response)).toMatchObject({ code: 'pubkey_not_allowed' })
      }
    },
  )

  it('judges the account with ALLOWED_PUBKEYS: the account listed lets any linked device in', async () => {
    const { account, device, link } = await linked()
    const t = linkDeployment({ ALLOWED_PUBKEYS: account.public.toString() })
    const { redeemed } = await loginAt(t, '/api/token', device, link)
    expect(redeemed?.status).toBe(200)
    const other = linkDeployment({ ALLOWED_PUBKEYS: device.public.toString() })
    const { challenge } = await loginAt(other, '/api/token', device, link)
    expect(await problem(challenge)).toMatchObject({ code: 'pubkey_not_allowed' })
  })

  it('shows the policy the account as pubkey and the device beside it, at both stages', async () => {
    const seen: Omit<PolicyInput, 'request'>[] = []
    const { account, device, link } = await linked()
    const t = linkDeployment(
      {},
      {
        policy: ({ request: _request, ...input }) => {
          seen.push(input)
          return true
        },
      },
    )
    const { redeemed } = await loginAt(t, '/api/token', device, link)
    expect(redeemed?.status).toBe(200)
    const expected = { pubkey: account.public.toString(), device: device.public.toString() }
    expect(seen).toEqual([
      { ...expected, origin: SITE, stage: 'challenge' },
      { ...expected, origin: SITE, stage: 'token' },
    ])
  })

  it('honours LINK_MAX_TTL_SECONDS and refuses values past 400 days (server_misconfigured)', async () => {
    const { device, link } = await linked({ iat: now - 60, exp: now + 3600 })
    const short = linkDeployment({ LINK_MAX_TTL_SECONDS: '600' })
    const { challenge } = await loginAt(short, '/api/token', device, link)
    expect(await problem(challenge)).toMatchObject({ code: 'invalid_link' })
    const wide = linkDeployment({ LINK_MAX_TTL_SECONDS: String(LINK_MAX_TTL.max + 1) })
    const { challenge: refused } = await loginAt(wide, '/api/token', device, link)
    expect(await problem(refused)).toMatchObject({ code: 'server_misconfigured' })
  })
})
