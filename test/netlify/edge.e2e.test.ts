// The two login endpoints as Netlify Edge Functions (Deno; one login twin serves both, as
// functions/login.ts does) under `netlify dev --offline`, selected by TTP_RUNTIME=edge; without it
// the edge functions step aside and the serverless ones answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoSecret, SECRETS } from '../helpers/deployment.ts'
import { expectValidUserAuth } from '../helpers/expect-user-auth.ts'
import { identity } from '../helpers/identity.ts'
import { fetchTransport, login, signerOf } from '../helpers/login.ts'
import type { NetlifyDev } from '../helpers/netlify-dev.ts'
import { startPrivateNetlifyDev } from '../helpers/private-project.ts'

describe.each([
  ['TTP_RUNTIME=edge, issuer mode', 'edge', SECRETS.HUB_ISSUER_KEY],
  ['TTP_RUNTIME=edge, hub-challenge mode', 'edge', ''],
  ['TTP_RUNTIME unset (serverless), issuer mode', '', SECRETS.HUB_ISSUER_KEY],
])('netlify dev with edge functions, %s', (_name, runtime, issuerKey) => {
  const header = runtime === 'edge' ? 'edge' : null
  let dev: NetlifyDev
  beforeAll(async () => {
    dev = await startPrivateNetlifyDev({
      TTP_RUNTIME: runtime,
      ...SECRETS,
      HUB_ISSUER_KEY: issuerKey,
      ALLOWED_ORIGINS: '',
      ALLOWED_PUBKEYS: '',
    })
  }, 90_000)
  afterAll(() => dev?.stop())

  it(`serves a full login ${header ? 'from the edge functions' : 'from the serverless functions'}`, async () => {
    const { challenge, redeemed } = await login({
      transport: fetchTransport(dev.url),
      signer: signerOf(identity()),
    })
    const token = redeemed!
    expect(challenge.status).toBe(200)
    expect(token.status).toBe(200)
    expect(challenge.headers.get('x-ttp-runtime')).toBe(header)
    expect(token.headers.get('x-ttp-runtime')).toBe(header)
    // Netlify's own marker: the edge function ran, and (serverless) passed the request through.
    expect(token.headers.get('x-nf-edge-functions')).toBe('login')
    expect(token.headers.get('cache-control')).toBe('no-store')
    await expectValidUserAuth(await token.json(), { token: issuerKey !== '' })
  })

  it('answers errors as problem+json', async () => {
    const response = await fetch(dev.url + '/api/token', { method: 'GET' })
    expect(response.status).toBe(405)
    expect(response.headers.get('x-ttp-runtime')).toBe(header)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'method_not_allowed' })
  })

  it('logs one structured line per request and no secret', () => {
    const output = dev.output()
    expect(output).toMatch(/"event":"request","fn":"token","requestId":"[0-9A-Z]{26}"/)
    expectNoSecret(output)
  })
})
