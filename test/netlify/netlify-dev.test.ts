// The functions inside Netlify's own local pipeline: `netlify dev --offline`, real HTTP.
import { Context } from '@textile/context'
import { PrivateKey } from '@textile/hub'
import { createAPISig } from '@textile/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRETS } from '../helpers/fixtures.ts'
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

/** A key the deployment denies: its challenge is a 403. */
const DENIED = PrivateKey.fromRandom()

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
        DENIED_PUBKEYS: DENIED.public.toString(),
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
    for (const secret of [
      SECRETS.USER_API_SECRET,
      SECRETS.CHALLENGE_SECRET,
      SECRETS.HUB_ISSUER_KEY,
    ]) {
      expect(output).not.toContain(secret)
    }
  })
})
