// The functions inside Netlify's own local pipeline: `netlify dev --offline`, real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoSecret, SECRETS } from '../helpers/deployment.ts'
import { expectValidUserAuth } from '../helpers/expect-user-auth.ts'
import { identity } from '../helpers/identity.ts'
import { fetchTransport, login, signerOf } from '../helpers/login.ts'
import { startNetlifyDev, type NetlifyDev } from '../helpers/netlify-dev.ts'

/** A key the deployment denies: its challenge is a 403. */
const DENIED = identity()

describe.each([
  ['issuer mode', SECRETS.HUB_ISSUER_KEY],
  ['hub-challenge mode', ''],
])('netlify dev, %s', (_mode, issuerKey) => {
  let dev: NetlifyDev
  beforeAll(async () => {
    dev = await startNetlifyDev({
      env: {
        ...SECRETS,
        HUB_ISSUER_KEY: issuerKey,
        ALLOWED_ORIGINS: '',
        ALLOWED_PUBKEYS: '',
        DENIED_PUBKEYS: DENIED.public.toString(),
      },
    })
  }, 90_000)
  afterAll(() => dev?.stop())

  it('serves a full login whose UserAuth @textile/context accepts', async () => {
    const { challenge, redeemed } = await login({
      transport: fetchTransport(dev.url),
      signer: signerOf(identity()),
    })
    expect(challenge.status).toBe(200)
    expect(redeemed!.status).toBe(200)
    expect(redeemed!.headers.get('cache-control')).toBe('no-store')
    await expectValidUserAuth(await redeemed!.json(), { token: issuerKey !== '' })
  })

  it('answers errors as problem+json through the pipeline', async () => {
    const response = await fetch(dev.url + '/api/token', { method: 'GET' })
    expect(response.status).toBe(405)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed' })
  })

  // netlify dev sends a function's 403 back to it at `.html` and three more variants of the path
  // (docs/netlify-platform.md §4): the functions that serve two routes must still answer the same.
  it('keeps a 403 a 403 through netlify dev’s retries, on the login and the logout route', async () => {
    const challenge = await fetch(dev.url + '/api/challenge', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pubkey: DENIED.public.toString() }),
    })
    expect(challenge.status).toBe(403)
    expect(await challenge.json()).toMatchObject({ code: 'pubkey_not_allowed' })
    const logout = await fetch(dev.url + '/api/logout', { method: 'POST' })
    expect(logout.status).toBe(403)
    expect(await logout.json()).toMatchObject({ code: 'origin_not_allowed' })
  })

  it('logs structured lines with Netlify’s request id and no secret', () => {
    const output = dev.output()
    expect(output).toMatch(/"event":"request","fn":"token","requestId":"[0-9A-Z]{26}"/)
    expectNoSecret(output)
  })
})
