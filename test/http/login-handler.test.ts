import { createAPISig } from '@textile/security'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLoginHandler, type LogRecord } from '../../src/index.ts'
import { NOW } from '../helpers/clock.ts'
import { SECRETS, SITE, problem } from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'
import { jsonPost, login, signerOf, type Transport } from '../helpers/login.ts'

/** One login function over a fixed env and clock, with captured logs. */
function loginFunction(env: Record<string, string> = {}) {
  const logs: LogRecord[] = []
  const handler = createLoginHandler({
    env: () => ({ ...SECRETS, URL: SITE, ...env }),
    now: () => NOW,
    logger: (record) => logs.push(record),
  })
  const transport: Transport = (path, init) => handler(new Request(SITE + path, init), {})
  return { handler, transport, logs }
}

describe('createLoginHandler()', () => {
  it('serves a whole login from one handler: challenge, then token', async () => {
    const { transport, logs } = loginFunction()
    const { challenge, redeemed } = await login({ transport, signer: signerOf(identity()) })
    expect(challenge.status).toBe(200)
    expect(redeemed!.status).toBe(200)
    const auth = await redeemed!.json()
    expect(auth.key).toBe(SECRETS.USER_API_KEY)
    expect(typeof auth.token).toBe('string')
    expect(await createAPISig(SECRETS.USER_API_SECRET, new Date(auth.msg))).toEqual({
      sig: auth.sig,
      msg: auth.msg,
    })
    // Each request went through its own endpoint's pipeline: one log line each, named for it.
    expect(logs.map((line) => [line.fn, line.status])).toEqual([
      ['challenge', 200],
      ['token', 200],
    ])
  })

  it('dispatches on the last path segment, under any base path, with a trailing slash or query', async () => {
    const { handler } = loginFunction()
    const id = identity()
    const at = (path: string, body: unknown) =>
      handler(new Request(SITE + path, jsonPost(body)), {})
    const issued = await at('/auth/textile/challenge/?v=1', { pubkey: id.public.toString() })
    expect(issued.status).toBe(200)
    const { envelope } = await issued.json()
    const signature = Buffer.from(await id.sign(new TextEncoder().encode(envelope))).toString(
      'base64url',
    )
    expect((await at('/auth/textile/token', { envelope, signature })).status).toBe(200)
  })

  it('keeps each route’s own rejections (invalid_signature at token, invalid_pubkey at challenge)', async () => {
    const { transport } = loginFunction()
    const bad = await transport('/api/challenge', jsonPost({ pubkey: 'not-a-key' }))
    expect(await problem(bad)).toMatchObject({ status: 400, code: 'invalid_pubkey' })
    const { envelope } = await (
      await transport('/api/challenge', jsonPost({ pubkey: identity().public.toString() }))
    ).json()
    const forged = await transport(
      '/api/token',
      jsonPost({ envelope, signature: Buffer.alloc(64, 1).toString('base64url') }),
    )
    expect(await problem(forged)).toMatchObject({ status: 401, code: 'invalid_signature' })
  })

  it('throws invalid_request for a path that ends in neither /challenge nor /token', async () => {
    const { handler, logs } = loginFunction()
    for (const path of ['/api/login', '/api', '/api/tokens', '/.netlify/functions/textile-login']) {
      const response = await handler(new Request(SITE + path, jsonPost({})), {})
      expect(response.status).toBe(400)
      expect(await problem(response)).toMatchObject({ code: 'invalid_request' })
    }
    expect(logs.every((line) => line.fn === 'login' && line.code === 'invalid_request')).toBe(true)
  })

  // netlify dev retries a function's 403 or 404 with `.html`, `.htm`, `/index.html` and `/index.htm`
  // appended, at the same function (netlify-cli's proxy, to mimic the CDN for static files): a
  // refused key then got 400 invalid_request from the retry instead of its 403.
  it.each(['.html', '.htm', '/index.html', '/index.htm'])(
    'answers …/challenge%s and …/token with it as their routes (netlify dev retries a 403 there)',
    async (suffix) => {
      const { transport } = loginFunction({ ALLOWED_PUBKEYS: identity().public.toString() })
      const refused = identity().public.toString()
      const challenge = await transport(`/api/challenge${suffix}`, jsonPost({ pubkey: refused }))
      expect(await problem(challenge)).toMatchObject({ status: 403, code: 'pubkey_not_allowed' })
      const token = await transport(
        `/api/token${suffix}`,
        jsonPost({}, { origin: 'https://evil.example' }),
      )
      expect(await problem(token)).toMatchObject({ status: 403, code: 'origin_not_allowed' })
    },
  )

  it('answers preflight and method_not_allowed per route, as the two functions do', async () => {
    const { handler } = loginFunction()
    const preflight = await handler(
      new Request(SITE + '/api/token', {
        method: 'OPTIONS',
        headers: { origin: SITE, 'access-control-request-method': 'POST' },
      }),
    )
    expect(preflight.status).toBe(204)
    const get = await handler(new Request(SITE + '/api/challenge'))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST, OPTIONS')
    expect(await problem(get)).toMatchObject({ code: 'method_not_allowed' })
  })

  it('refuses another origin on either route (origin_not_allowed)', async () => {
    const { transport } = loginFunction()
    const headers = { origin: 'https://evil.example' }
    for (const path of ['/api/challenge', '/api/token']) {
      const response = await transport(path, jsonPost({}, headers))
      expect(await problem(response)).toMatchObject({ status: 403, code: 'origin_not_allowed' })
    }
  })
})

describe('textile-token-provider/netlify/login', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('serves both routes from process.env on node:crypto, with an empty context', async () => {
    for (const [name, value] of Object.entries({ ...SECRETS, URL: SITE })) vi.stubEnv(name, value)
    const { default: handler } = await import('../../src/netlify/login.ts')
    const transport: Transport = (path, init) => handler(new Request(SITE + path, init), {})
    const { redeemed } = await login({ transport, signer: signerOf(identity()) })
    expect(redeemed!.status).toBe(200)
    expect(Object.keys(await redeemed!.json()).sort()).toEqual(['key', 'msg', 'sig', 'token'])
  })
})
