// The members-only gate as an edge function, called the way Netlify calls it (a Request and a
// context whose next() serves the page), with cookies from the real /api/jwt. Under netlify dev
// with Chromium: test/demo/members.e2e.test.ts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LogRecord } from '../../src/index.ts'
import { createGate, type GateOptions } from '../../src/netlify/gate.ts'
import { GATE_DEFAULTS, gateFileText } from '../../src/netlify/gate-file.ts'
import { createJwtVerifier } from '../../src/verify/index.ts'
import { NOW } from '../helpers/clock.ts'
import { SITE, post, signedBody } from '../helpers/deployment.ts'
import {
  EDDSA_KEY,
  ES256_D,
  HS256_SECRET,
  jwtDeployment,
  type JwtDeployment,
} from '../helpers/jwt-deployment.ts'
import { ROOT } from '../helpers/netlify-dev.ts'

const PAGE = 'members only: the page itself'
const MEMBERS = SITE + '/members/notes?tab=2'

function setup(env: Record<string, string> = {}, options: GateOptions = {}) {
  const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_SESSION_COOKIE: 'true', ...env })
  const logs: LogRecord[] = []
  const gate = createGate({
    loginPath: '/login/',
    env: () => t.d.env,
    now: () => t.d.clock.now,
    logger: (record) => logs.push(record),
    ...options,
  })
  const served: Request[] = []
  const context = {
    requestId: 'req-1',
    next: async () => {
      served.push(new Request(MEMBERS))
      return new Response(PAGE, {
        headers: {
          'content-type': 'text/html',
          'cache-control': 'public, max-age=0, must-revalidate',
        },
      })
    },
  }
  return { t, gate, context, served, logs }
}

/** The session cookie /api/jwt sets, as a browser would send it back. */
async function sessionOf(t: JwtDeployment): Promise<string> {
  const response = await t.jwt(post('/api/jwt', await signedBody(t.d)))
  const setCookie = response.headers.get('set-cookie')
  if (!setCookie) throw new Error(`no cookie (${response.status})`)
  return setCookie.split(';')[0]!
}

const navigation = (cookie?: string) =>
  new Request(MEMBERS, {
    headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html', ...(cookie && { cookie }) },
  })

describe('createGate()', () => {
  it('serves the page to a request with the session cookie, marked private', async () => {
    const { t, gate, context, served } = setup()
    const response = (await gate(navigation(await sessionOf(t)), context))!
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(PAGE)
    expect(response.headers.get('cache-control')).toBe('private, no-cache')
    expect(response.headers.get('content-type')).toBe('text/html')
    expect(served).toHaveLength(1)
  })

  it('lets the request continue (undefined) on hosts without context.next', async () => {
    const { t, gate } = setup()
    expect(await gate(navigation(await sessionOf(t)), {})).toBeUndefined()
  })

  it('sends a navigation without a session to the login page with next=', async () => {
    const { gate, context, served, logs } = setup()
    const response = (await gate(navigation(), context))!
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/login/?next=%2Fmembers%2Fnotes%3Ftab%3D2')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(served).toHaveLength(0)
    expect(logs).toEqual([
      expect.objectContaining({ level: 'warn', fn: 'gate', status: 303, code: 'jwt_missing' }),
    ])
  })

  it('takes Accept: text/html for a navigation where Sec-Fetch-Mode is missing', async () => {
    const { gate, context } = setup()
    const request = new Request(MEMBERS, { headers: { accept: 'text/html,*/*' } })
    expect((await gate(request, context))!.status).toBe(303)
  })

  it('answers a fetch without a session 401 problem+json jwt_missing', async () => {
    const { gate, context, served } = setup()
    const request = new Request(MEMBERS, {
      headers: { 'sec-fetch-mode': 'cors', accept: 'application/json' },
    })
    const response = (await gate(request, context))!
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect(await response.json()).toMatchObject({ code: 'jwt_missing', status: 401 })
    expect(served).toHaveLength(0)
  })

  it('sends a navigation with an expired session to the login page, and answers a fetch jwt_expired', async () => {
    const { t, gate, context } = setup()
    const cookie = await sessionOf(t)
    t.d.clock.now = new Date(NOW.getTime() + 3600_000)
    expect((await gate(navigation(cookie), context))!.status).toBe(303)
    const fetchRequest = new Request(MEMBERS, { headers: { cookie, 'sec-fetch-mode': 'cors' } })
    const response = (await gate(fetchRequest, context))!
    expect(await response.json()).toMatchObject({ code: 'jwt_expired' })
  })

  it('refuses a forged cookie', async () => {
    const { t, gate, context } = setup()
    const cookie = await sessionOf(t)
    const forged = cookie.slice(0, -3) + (cookie.endsWith('AAA') ? 'BBB' : 'AAA')
    const fetchRequest = new Request(MEMBERS, { headers: { cookie: forged } })
    expect(await (await gate(fetchRequest, context))!.json()).toMatchObject({
      code: 'jwt_invalid',
    })
  })

  it('answers a cross-site POST with the cookie 403 origin_not_allowed (CSRF)', async () => {
    const { t, gate, context, served } = setup()
    const request = new Request(MEMBERS, {
      method: 'POST',
      headers: { cookie: await sessionOf(t), origin: 'https://evil.example' },
    })
    const response = (await gate(request, context))!
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ code: 'origin_not_allowed' })
    expect(served).toHaveLength(0)
  })

  it('accepts a bearer JWT as well as the cookie', async () => {
    const { t, gate, context } = setup()
    const { token } = await (await t.jwt(post('/api/jwt', await signedBody(t.d)))).json()
    const request = new Request(MEMBERS, { headers: { authorization: `Bearer ${token}` } })
    expect((await gate(request, context))!.status).toBe(200)
  })

  it('never gates the login page itself', async () => {
    const { gate, context, served } = setup()
    const response = (await gate(new Request(SITE + '/login/'), context))!
    expect(response.status).toBe(200)
    expect(served).toHaveLength(1)
  })

  it.each([
    ['HS256', { JWT_EDDSA_KEY: '', JWT_HS256_SECRET: HS256_SECRET }],
    ['ES256', { JWT_EDDSA_KEY: '', JWT_ES256_KEY: ES256_D }],
    [
      'a JWT_AUDIENCE list and JWT_TYPE',
      { JWT_AUDIENCE: 'https://a.example, https://b.example', JWT_TYPE: 'JWT' },
    ],
  ])('checks the cookie with the site’s own JWT variables: %s', async (_case, env) => {
    const { t, gate, context } = setup(env)
    expect((await gate(navigation(await sessionOf(t)), context))!.status).toBe(200)
  })

  it('refuses a cookie from a deployment with another key', async () => {
    const { gate, context } = setup()
    const other = setup({ JWT_EDDSA_KEY: '', JWT_ES256_KEY: ES256_D })
    expect((await gate(navigation(await sessionOf(other.t)), context))!.status).toBe(303)
  })

  it.each([
    ['JWT_SESSION_COOKIE is not true', { JWT_SESSION_COOKIE: '' }, /JWT_SESSION_COOKIE/],
    [
      'no JWT key is set',
      { JWT_EDDSA_KEY: '' },
      /JWT_HS256_SECRET, JWT_EDDSA_KEY or JWT_ES256_KEY/,
    ],
  ])('fails closed with 500 server_misconfigured when %s', async (_case, env, detail) => {
    const { gate, context, served, logs } = setup(env)
    const response = (await gate(navigation(), context))!
    expect(response.status).toBe(500)
    const body = await response.json()
    expect(body).toMatchObject({
      code: 'server_misconfigured',
      detail: expect.stringMatching(detail),
    })
    expect(JSON.stringify(body)).not.toContain(EDDSA_KEY)
    expect(served).toHaveLength(0)
    expect(logs[0]).toMatchObject({ level: 'error', code: 'server_misconfigured' })
  })

  it('takes a verifier of its own (a provider on another site) instead of the variables', async () => {
    const provider = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_SESSION_COOKIE: 'true' })
    const jwks = await (await provider.jwks(new Request(SITE + '/api/jwks'))).text()
    const verifier = createJwtVerifier({
      jwks,
      issuer: SITE,
      audience: SITE,
      now: () => provider.d.clock.now,
    })
    const { gate, context } = setup({ JWT_EDDSA_KEY: '' }, { verifier })
    expect((await gate(navigation(await sessionOf(provider)), context))!.status).toBe(200)
  })

  it('answers 503 jwks_unavailable, never the page, when its verifier cannot get keys', async () => {
    const verifier = createJwtVerifier({
      jwksUrl: `${SITE}/jwks/${crypto.randomUUID()}`,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
      issuer: SITE,
      audience: SITE,
      now: () => NOW,
    })
    const { t, gate, context, served } = setup({}, { verifier })
    const response = (await gate(navigation(await sessionOf(t)), context))!
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ code: 'jwks_unavailable' })
    expect(served).toHaveLength(0)
  })

  it('fails closed with 500 internal_error, never the page, when its verifier throws a bug', async () => {
    const verifier = { verify: () => Promise.reject(new Error('a bug, not a refusal')) }
    const { t, gate, context, served, logs } = setup({}, { verifier })
    const response = (await gate(navigation(await sessionOf(t)), context))!
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const body = await response.json()
    expect(body).toMatchObject({ code: 'internal_error', status: 500 })
    expect(JSON.stringify(body)).not.toContain('a bug')
    expect(served).toHaveLength(0)
    expect(logs[0]).toMatchObject({ level: 'error', code: 'internal_error' })
  })

  it('logs no token', async () => {
    const { t, gate, context, logs } = setup()
    const cookie = await sessionOf(t)
    t.d.clock.now = new Date(NOW.getTime() + 3600_000)
    await gate(navigation(cookie), context)
    expect(logs).toHaveLength(1)
    expect(JSON.stringify(logs)).not.toContain(cookie.split('=')[1]!.split('.')[1]!)
  })

  it.each(['login', '//evil.example/', '/\\evil.example'])(
    'throws TypeError for the login path %s',
    (loginPath) => {
      expect(() => createGate({ loginPath })).toThrow(TypeError)
    },
  )
})

describe('gateFileText()', () => {
  it("is this repository's netlify/edge-functions/gate.ts with a relative import", () => {
    const text = readFileSync(join(ROOT, 'netlify/edge-functions/gate.ts'), 'utf8')
    expect(text).toBe(gateFileText({ from: '../../src/netlify/gate.ts', loginPath: '/login/' }))
  })

  it('writes the defaults: /members and below, login page /', () => {
    const text = gateFileText({ from: 'textile-token-provider/netlify/gate' })
    expect(text).toContain("import { createGate } from 'textile-token-provider/netlify/gate'")
    expect(text).toContain("export default createGate({ loginPath: '/' })")
    expect(text).toContain("  path: ['/members', '/members/*'],")
    expect(GATE_DEFAULTS.fileName).toBe('textile-gate.ts')
  })

  it.each([[['members/*']], [[]], [["/a'b"]], [['//x']]])(
    'throws TypeError for the paths %j',
    (paths) => {
      expect(() => gateFileText({ from: 'x', paths })).toThrow(TypeError)
    },
  )
})
