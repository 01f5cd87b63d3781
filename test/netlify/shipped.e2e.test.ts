// What Netlify ships for this repository, not what `netlify dev` forgives: `netlify build
// --offline` on a private copy, its function and edge manifests, and every function zip run on its
// own through Netlify's bootstrap in a clean process whose environment is only what a deployed
// function gets (UI variables + URL, SITE_ID, SITE_NAME; never netlify.toml, never CONTEXT or
// DEPLOY_PRIME_URL: docs/netlify-platform.md §1).
import { readdirSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { getStore } from '@netlify/blobs'
import type { Config } from '@netlify/functions'
import { PrivateKey } from '@textile/hub'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { functionFileText, selectFunctions } from '../../src/cli/function-files.ts'
import { ENVELOPE_STORE_NAME } from '../../src/http/envelope-store.ts'
import { LOGIN_RATE_LIMIT, RATE_LIMIT } from '../../src/netlify/rate-limit.ts'
import { startBlobsSandbox } from '../helpers/blobs-sandbox.ts'
import { SECRETS } from '../helpers/deployment.ts'
import { expectValidUserAuth } from '../helpers/expect-user-auth.ts'
import { identity } from '../helpers/identity.ts'
import { login, signEnvelope, signerOf } from '../helpers/login.ts'
import { ROOT } from '../helpers/netlify-dev.ts'
import {
  callShipped,
  netlifyBuild,
  unpackFunction,
  type FunctionManifest,
  shippedTransport,
  type Unpacked,
} from '../helpers/shipped.ts'
import { copyProject } from '../helpers/private-project.ts'

const SITE = 'https://ttp-site.netlify.app'
const PREVIEW = 'https://deploy-preview-12--ttp-site.netlify.app'
/** What a deployed function sees: variables set in the UI (Functions scope) and Netlify's three. */
const RUNTIME = { URL: SITE, SITE_ID: '00000000-site', SITE_NAME: 'ttp-site' }
const EDDSA_KEY = PrivateKey.fromRawEd25519Seed(new Uint8Array(32).fill(5)).toString()

let dir: string
let manifest: FunctionManifest
const zips: Record<string, Unpacked> = {}

beforeAll(async () => {
  // @netlify/blobs for real, so the single-use zips carry it as a deployed site's would.
  dir = await copyProject({ site: true, realPackages: ['@netlify/blobs'] })
  // The build reads HUB_URL (the demo's config); nothing of it reaches the functions.
  manifest = await netlifyBuild(dir, { HUB_URL: 'https://hub.example' })
  for (const fn of manifest.functions) {
    zips[fn.name] = unpackFunction(fn.path)
  }
}, 180_000)
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
  for (const fn of Object.values(zips)) await rm(fn.dir, { recursive: true, force: true })
})

describe('the function manifest of netlify build --offline', () => {
  it('has one entry per function, no name or route clashes, Node ≥ 20', () => {
    const names = manifest.functions.map((fn) => fn.name).sort()
    expect(names).toEqual(['cleanup-envelopes', 'jwks', 'jwt', 'login'])
    const patterns = manifest.functions.flatMap((fn) => fn.routes?.map((r) => r.pattern) ?? [])
    expect(new Set(patterns).size).toBe(patterns.length)
    for (const fn of manifest.functions) {
      expect(fn.runtime).toBe('js')
      expect(Number(/nodejs(\d+)/.exec(fn.runtimeVersion ?? '')?.[1])).toBeGreaterThanOrEqual(20)
    }
  })

  it.each([
    ['login', ['/api/challenge', '/api/token'], LOGIN_RATE_LIMIT],
    ['jwt', ['/api/jwt', '/api/logout'], RATE_LIMIT],
    ['jwks', ['/api/jwks', '/.well-known/jwks.json'], undefined],
  ] as const)(
    'routes %s to %j, every method (405 is ours), rate limited: %o',
    (name, paths, limit) => {
      const fn = manifest.functions.find((entry) => entry.name === name)!
      expect(fn.routes?.map((route) => route.literal)).toEqual(paths)
      for (const route of fn.routes ?? []) expect(route.methods ?? []).toEqual([])
      if (!limit) {
        expect(fn.trafficRules).toBeUndefined()
        return
      }
      expect(fn.trafficRules?.action).toMatchObject({
        type: 'rate_limit',
        config: {
          rateLimitConfig: {
            windowLimit: limit.windowLimit,
            windowSize: limit.windowSize,
            algorithm: 'sliding_window',
          },
          aggregate: { keys: limit.aggregateBy.map((type) => ({ type })) },
        },
      })
    },
  )

  it('runs cleanup-envelopes @hourly: a schedule and no route, no rate limit', () => {
    const fn = manifest.functions.find((entry) => entry.name === 'cleanup-envelopes')!
    expect(fn.schedule).toBe('@hourly')
    expect(fn.routes ?? []).toEqual([])
    expect(fn.trafficRules).toBeUndefined()
    for (const other of manifest.functions.filter((entry) => entry !== fn)) {
      expect(other.schedule).toBeUndefined()
    }
  })

  it('comes from function files that are exactly what init writes, with a literal config', async () => {
    // The repository runs the default layout, one login function for both routes (init,
    // docs/performance.md), named without init's `textile-` prefix as its other functions are.
    const specs = selectFunctions({ jwt: true, singleUse: true })
    expect(readdirSync(join(ROOT, 'functions')).sort()).toEqual(
      specs.map((spec) => `${spec.name}.ts`).sort(),
    )
    for (const spec of specs) {
      const text = readFileSync(join(ROOT, 'functions', `${spec.name}.ts`), 'utf8')
      expect(text).toBe(functionFileText(spec, { from: `../src/netlify/${spec.name}.ts` }))
      const { config } = (await import(`../../functions/${spec.name}.ts`)) as { config: Config }
      const typed: Config = config // the literal satisfies @netlify/functions' Config
      if (spec.schedule) {
        expect(typed).toEqual({ schedule: spec.schedule })
      } else {
        expect(typed.path).toBeDefined()
      }
    }
  })
})

describe('the edge functions netlify build --offline bundles', () => {
  const edge = () =>
    JSON.parse(readFileSync(join(dir, '.netlify/edge-functions-dist/manifest.json'), 'utf8')) as {
      routes: Array<{ function: string; path: string }>
      function_config: Record<string, { traffic_rules?: { action: { config: unknown } } }>
      bundles: Array<{ asset: string; format: string }>
    }

  it('declares the three edge twins on the same paths as the serverless functions, and the gate', () => {
    const routes = edge().routes.map((route) => `${route.function} ${route.path}`)
    expect(routes.sort()).toEqual(
      [
        'login /api/challenge',
        'login /api/token',
        'jwks /.well-known/jwks.json',
        'jwks /api/jwks',
        'gate /members',
        'gate /members/*',
        'jwt /api/jwt',
        'jwt /api/logout',
      ].sort(),
    )
    expect(edge().bundles.map((bundle) => bundle.format)).toContain('eszip2')
  })

  it('carries the rate limit on the minting edge functions', () => {
    const config = edge().function_config
    for (const [name, limit] of [
      ['login', LOGIN_RATE_LIMIT],
      ['jwt', RATE_LIMIT],
    ] as const) {
      expect(config[name]?.traffic_rules?.action.config).toMatchObject({
        rate_limit_config: { window_limit: limit.windowLimit, window_size: limit.windowSize },
        aggregate: { keys: limit.aggregateBy.map((type) => ({ type })) },
      })
    }
    expect(config.jwks?.traffic_rules).toBeUndefined()
  })
})

/** challenge → sign → redeem through the shipped zips, as a browser on `origin` would. */
async function shippedLogin(options: {
  env: Record<string, string>
  deployContext: string
  origin: string
  redeem?: 'token' | 'jwt'
}): Promise<{ id: PrivateKey; answer: Response }> {
  const id = identity()
  const { env, deployContext, origin, redeem = 'token' } = options
  const transport = shippedTransport(origin, async (call) => {
    // The login function serves /api/challenge and /api/token; the JWT minter its own route.
    const route = new URL(call.url).pathname.replace('/api/', '')
    const zip = zips[route === 'jwt' ? 'jwt' : 'login']!
    const [answer] = await callShipped(zip, { env, deployContext, calls: [call] })
    return answer!
  })
  const { challenge, redeemed } = await login({
    transport,
    signer: signerOf(id),
    headers: { origin },
    redeem: `/api/${redeem}`,
  })
  expect(challenge.status).toBe(200)
  return { id, answer: redeemed! }
}

describe('each zip on its own, with only the run-time environment', () => {
  it.each([
    ['issuer', 'production', 600, SITE, true],
    ['hub-challenge', 'production', 600, SITE, false],
    ['issuer', 'deploy-preview', 300, PREVIEW, true],
    ['hub-challenge', 'branch-deploy', 300, 'https://feature--ttp-site.netlify.app', false],
  ] as const)(
    '%s mode, %s: API signatures live %i s; a login from the deploy’s own origin',
    async (_mode, deployContext, ttl, origin, issuer) => {
      const env = {
        ...RUNTIME,
        USER_API_KEY: SECRETS.USER_API_KEY,
        USER_API_SECRET: SECRETS.USER_API_SECRET,
        CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
        ...(issuer && { HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY }),
      }
      const started = Date.now()
      const { answer } = await shippedLogin({ env, deployContext, origin })
      expect(answer.status).toBe(200)
      expect(answer.headers.get('access-control-allow-origin')).toBe(origin)
      const auth = (await answer.json()) as { msg: string }
      await expectValidUserAuth(auth, { token: issuer })
      const lifetime = (Date.parse(auth.msg) - started) / 1000
      expect(lifetime).toBeGreaterThan(ttl - 20)
      expect(lifetime).toBeLessThanOrEqual(ttl + 10)
    },
    30_000,
  )

  it("refuses another preview's origin on a deploy preview (origin_not_allowed)", async () => {
    const [answer] = await callShipped(zips.login!, {
      env: { ...RUNTIME, ...SECRETS },
      deployContext: 'deploy-preview',
      calls: [
        {
          url: PREVIEW + '/api/challenge',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            origin: 'https://deploy-preview-13--ttp-site.netlify.app',
          },
          body: JSON.stringify({ pubkey: identity().public.toString() }),
        },
      ],
    })
    expect(answer!.status).toBe(403)
    expect(JSON.parse(answer!.body)).toMatchObject({ code: 'origin_not_allowed' })
  })

  it('lets API_SIG_TTL_SECONDS set in the UI win over the deploy context default', async () => {
    const env = { ...RUNTIME, ...SECRETS, API_SIG_TTL_SECONDS: '120' }
    const started = Date.now()
    const { answer } = await shippedLogin({ env, deployContext: 'deploy-preview', origin: PREVIEW })
    const { msg } = (await answer.json()) as { msg: string }
    expect(Math.round((Date.parse(msg) - started) / 1000)).toBeLessThanOrEqual(121)
    expect(Math.round((Date.parse(msg) - started) / 1000)).toBeGreaterThan(100)
  })

  it('answers server_misconfigured, naming the variable, when the UI lacks a secret', async () => {
    const [answer] = await callShipped(zips.login!, {
      env: { ...RUNTIME, USER_API_KEY: SECRETS.USER_API_KEY },
      deployContext: 'production',
      calls: [
        {
          url: SITE + '/api/challenge',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ pubkey: 'x' }),
        },
      ],
    })
    expect(answer!.status).toBe(500)
    expect(JSON.parse(answer!.body)).toMatchObject({
      code: 'server_misconfigured',
      detail: expect.stringContaining('USER_API_SECRET'),
    })
  })

  it('mints an EdDSA JWT (iss and aud from the site URL) that verifies against the shipped JWKS', async () => {
    const env = { ...RUNTIME, ...SECRETS, JWT_EDDSA_KEY: EDDSA_KEY }
    const { id, answer } = await shippedLogin({
      env,
      deployContext: 'production',
      origin: SITE,
      redeem: 'jwt',
    })
    expect(answer.status).toBe(200)
    const { token } = (await answer.json()) as { token: string }
    const [jwks] = await callShipped(zips.jwks!, {
      env,
      deployContext: 'production',
      calls: [{ url: SITE + '/.well-known/jwks.json' }],
    })
    expect(jwks!.headers['content-type']).toBe('application/jwk-set+json')
    const { payload } = await jwtVerify(token, createLocalJWKSet(JSON.parse(jwks!.body)), {
      issuer: SITE,
      audience: SITE,
      subject: id.public.toString(),
    })
    expect(payload.sub).toBe(id.public.toString())
  })

  it('single use through the zips and a Blobs sandbox: one redemption, then the hourly clean-up', async () => {
    const sandbox = await startBlobsSandbox()
    onTestFinished(async () => {
      await sandbox.close()
    })
    // What the platform passes a function for Blobs (the Lambda bootstrap turns the event's
    // `blobs` and the site id header into NETLIFY_BLOBS_CONTEXT): docs/netlify-platform.md §10.
    const blobs = Buffer.from(
      JSON.stringify({ url: sandbox.origin, token: sandbox.token }),
    ).toString('base64')
    const site = { 'x-nf-site-id': sandbox.client.siteID }
    const env = { ...RUNTIME, ...SECRETS, SINGLE_USE_ENVELOPES: 'true' }
    const headers = { 'content-type': 'application/json', origin: SITE, ...site }
    const id = identity()
    const [challenge] = await callShipped(zips.login!, {
      env,
      deployContext: 'production',
      calls: [
        {
          url: SITE + '/api/challenge',
          method: 'POST',
          headers,
          body: JSON.stringify({ pubkey: id.public.toString() }),
        },
      ],
    })
    const { envelope } = JSON.parse(challenge!.body) as { envelope: string }
    const body = JSON.stringify({
      envelope,
      signature: await signEnvelope(signerOf(id), envelope),
    })
    const redeem = { url: SITE + '/api/token', method: 'POST', headers, body, blobs }
    const answers = await callShipped(zips.login!, {
      env,
      deployContext: 'production',
      calls: [redeem, redeem],
    })
    expect(answers.map((answer) => answer.status)).toEqual([200, 401])
    expect(JSON.parse(answers[1]!.body)).toMatchObject({
      code: 'invalid_envelope',
      detail: 'The envelope was already used.',
    })

    const raw = getStore({ name: ENVELOPE_STORE_NAME, ...sandbox.client })
    const [used] = (await raw.list()).blobs.map((blob) => blob.key)
    expect(used).toMatch(/^ttp1\/\d{10}\/[A-Za-z0-9_-]{22}$/)
    // The two older formats, as earlier versions wrote them (a nonce ends in A, Q, g or w).
    const past = new Date(Date.now() - 3_600_000)
    await raw.set(`${Math.floor(past.getTime() / 1000)}/AAAAAAAAAAAAAAAAAAAAAA`, 'x')
    await raw.set('BBBBBBBBBBBBBBBBBBBBBQ', 'x', { metadata: { expiresAt: past.toISOString() } })
    const scheduled = {
      url: SITE + '/.netlify/functions/cleanup-envelopes',
      method: 'POST',
      headers: site,
      blobs,
      body: JSON.stringify({ next_run: new Date(Date.now() + 3_600_000).toISOString() }),
    }
    const [cleaned] = await callShipped(zips['cleanup-envelopes']!, {
      env,
      deployContext: 'production',
      calls: [scheduled],
    })
    expect(cleaned!.status).toBe(200)
    expect(JSON.parse(cleaned!.body)).toEqual({
      singleUse: true,
      listed: 3,
      deleted: 2,
      fresh: 1,
      unknown: 0,
      legacy: 2,
      complete: true,
    })
    expect((await raw.list()).blobs.map((blob) => blob.key)).toEqual([used])

    const [off] = await callShipped(zips['cleanup-envelopes']!, {
      env: { ...RUNTIME, ...SECRETS },
      deployContext: 'production',
      calls: [scheduled],
    })
    expect(JSON.parse(off!.body)).toMatchObject({ singleUse: false, listed: 0 })
  }, 60_000)

  it('ships no file a function does not need: no tests, no demo, no emulator', () => {
    for (const fn of Object.values(zips)) {
      const own = fn.files.filter((file) => !file.startsWith('___'))
      expect(own.filter((file) => /(^|\/)(test|site|emulator|demo)\//.test(file))).toEqual([])
    }
  })
})
