// The functions inside Netlify's own local pipeline: `netlify dev --offline`, real HTTP.
import { Context } from '@textile/context'
import { PrivateKey } from '@textile/hub'
import { createAPISig } from '@textile/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRETS } from '../helpers/deployment.ts'
import { startNetlifyDev, type NetlifyDev } from '../helpers/netlify-dev.ts'

async function loginOver(url: string, id: PrivateKey) {
  const post = (path: string, body: unknown) =>
    fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const challenge = await post('/api/challenge', { pubkey: id.public.toString() })
  expect(challenge.status).toBe(200)
  const { envelope } = await challenge.json()
  const signature = Buffer.from(await id.sign(new TextEncoder().encode(envelope))).toString(
    'base64url',
  )
  return post('/api/token', { envelope, signature })
}

describe.each([
  ['issuer mode', SECRETS.HUB_ISSUER_KEY],
  ['hub-challenge mode', ''],
])('netlify dev, %s', (_mode, issuerKey) => {
  let dev: NetlifyDev
  beforeAll(async () => {
    dev = await startNetlifyDev({
      env: {
        USER_API_KEY: SECRETS.USER_API_KEY,
        USER_API_SECRET: SECRETS.USER_API_SECRET,
        CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
        HUB_ISSUER_KEY: issuerKey,
        ALLOWED_ORIGINS: '',
        ALLOWED_PUBKEYS: '',
      },
    })
  }, 90_000)
  afterAll(() => dev?.stop())

  it('serves a full login whose UserAuth @textile/context accepts', async () => {
    const response = await loginOver(dev.url, PrivateKey.fromRandom())
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const auth = await response.json()
    expect('token' in auth).toBe(issuerKey !== '')
    expect(await createAPISig(SECRETS.USER_API_SECRET, new Date(auth.msg))).toEqual({
      sig: auth.sig,
      msg: auth.msg,
    })
    const context = Context.fromUserAuth(auth, 'http://127.0.0.1:6007').toJSON()
    expect(context['x-textile-api-key']).toBe(SECRETS.USER_API_KEY)
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
    for (const secret of [
      SECRETS.USER_API_SECRET,
      SECRETS.CHALLENGE_SECRET,
      SECRETS.HUB_ISSUER_KEY,
    ]) {
      expect(output).not.toContain(secret)
    }
  })
})
