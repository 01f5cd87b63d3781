// The two login endpoints as Netlify Edge Functions (Deno; one login twin serves both, as
// functions/login.ts does) under `netlify dev --offline`, selected by TTP_RUNTIME=edge; without it
// the edge functions step aside and the serverless ones answer.
import { Context } from '@textile/context'
import { PrivateKey } from '@textile/hub'
import { createAPISig } from '@textile/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRETS } from '../helpers/fixtures.ts'
import { fetchTransport, login, signerOf } from '../helpers/login.ts'
import type { NetlifyDev } from '../helpers/netlify-dev.ts'
import { startPrivateNetlifyDev } from './private-project.ts'

async function loginOver(url: string, id: PrivateKey) {
  const { challenge, redeemed } = await login({
    transport: fetchTransport(url),
    signer: signerOf(id),
  })
  expect(challenge.status).toBe(200)
  return { challenge, token: redeemed! }
}

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
      USER_API_KEY: SECRETS.USER_API_KEY,
      USER_API_SECRET: SECRETS.USER_API_SECRET,
      CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
      HUB_ISSUER_KEY: issuerKey,
      ALLOWED_ORIGINS: '',
      ALLOWED_PUBKEYS: '',
    })
  }, 90_000)
  afterAll(() => dev?.stop())

  it(`serves a full login ${header ? 'from the edge functions' : 'from the serverless functions'}`, async () => {
    const { challenge, token } = await loginOver(dev.url, PrivateKey.fromRandom())
    expect(token.status).toBe(200)
    expect(challenge.headers.get('x-ttp-runtime')).toBe(header)
    expect(token.headers.get('x-ttp-runtime')).toBe(header)
    // Netlify's own marker: the edge function ran, and (serverless) passed the request through.
    expect(token.headers.get('x-nf-edge-functions')).toBe('login')
    expect(token.headers.get('cache-control')).toBe('no-store')
    const auth = await token.json()
    expect('token' in auth).toBe(issuerKey !== '')
    expect(await createAPISig(SECRETS.USER_API_SECRET, new Date(auth.msg))).toEqual({
      sig: auth.sig,
      msg: auth.msg,
    })
    const context = Context.fromUserAuth(auth, 'http://127.0.0.1:6007').toJSON()
    expect(context['x-textile-api-key']).toBe(SECRETS.USER_API_KEY)
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
    for (const secret of [
      SECRETS.USER_API_SECRET,
      SECRETS.CHALLENGE_SECRET,
      SECRETS.HUB_ISSUER_KEY,
    ]) {
      expect(output).not.toContain(secret)
    }
  })
})
