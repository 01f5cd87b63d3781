// The functions inside Netlify's own local pipeline: `netlify dev --offline`, real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoSecret, SECRETS } from '../helpers/deployment.ts'
import { expectValidUserAuth } from '../helpers/expect-user-auth.ts'
import { identity } from '../helpers/identity.ts'
import { fetchTransport, login, signerOf } from '../helpers/login.ts'
import { startNetlifyDev, type NetlifyDev } from '../helpers/netlify-dev.ts'

describe.each([
  ['issuer mode', SECRETS.HUB_ISSUER_KEY],
  ['hub-challenge mode', ''],
])('netlify dev, %s', (_mode, issuerKey) => {
  let dev: NetlifyDev
  beforeAll(async () => {
    dev = await startNetlifyDev({
      env: { ...SECRETS, HUB_ISSUER_KEY: issuerKey, ALLOWED_ORIGINS: '', ALLOWED_PUBKEYS: '' },
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

  it('logs structured lines with Netlify’s request id and no secret', () => {
    const output = dev.output()
    expect(output).toMatch(/"event":"request","fn":"token","requestId":"[0-9A-Z]{26}"/)
    expectNoSecret(output)
  })
})
