// Deploy contexts inside Netlify's own dev server: `netlify dev --context <name>` must apply
// netlify.toml's [context.<name>.environment] (shorter API signatures on previews) and the
// functions must trust the deploy's own URL without ALLOWED_ORIGINS. Precedence to keep in mind:
// process env > .env > netlify.toml, so this test removes the TTL variables from its own env and
// refuses to run against a .env that sets them.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PrivateKey } from '@textile/hub'
import { parse } from 'dotenv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRETS } from '../helpers/fixtures.ts'
import { ROOT, startNetlifyDev, type NetlifyDev } from '../helpers/netlify-dev.ts'

const CONTEXT_VARIABLES = ['API_SIG_TTL_SECONDS', 'CHALLENGE_TTL_SECONDS'] as const
const PREVIEW = 'https://deploy-preview-7--ttp-demo.netlify.app'
const OTHER_PREVIEW = 'https://deploy-preview-8--ttp-demo.netlify.app'

function post(url: string, body: unknown, origin?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin && { origin }) },
    body: JSON.stringify(body),
  })
}

/** A full login over HTTP; returns the token response and when it arrived. */
async function login(base: string, origin?: string) {
  const id = PrivateKey.fromRandom()
  const challenge = await post(`${base}/api/challenge`, { pubkey: id.public.toString() }, origin)
  if (challenge.status !== 200) return { response: challenge, at: Date.now() }
  const { envelope } = (await challenge.json()) as { envelope: string }
  const signature = Buffer.from(await id.sign(new TextEncoder().encode(envelope))).toString(
    'base64url',
  )
  const response = await post(`${base}/api/token`, { envelope, signature }, origin)
  return { response, at: Date.now() }
}

describe('netlify dev --context', () => {
  const saved: Partial<Record<string, string>> = {}

  beforeAll(() => {
    const envFile = join(ROOT, '.env')
    const local = existsSync(envFile) ? parse(readFileSync(envFile)) : {}
    const clashing = CONTEXT_VARIABLES.filter((name) => local[name])
    if (clashing.length > 0) {
      throw new Error(
        `.env sets ${clashing.join(', ')}, which overrides netlify.toml's contexts: remove it to run this test`,
      )
    }
    for (const name of CONTEXT_VARIABLES) {
      saved[name] = process.env[name]
      delete process.env[name]
    }
  })

  afterAll(() => {
    for (const name of CONTEXT_VARIABLES) {
      if (saved[name] !== undefined) process.env[name] = saved[name]
    }
  })

  describe.each([
    ['production', 600],
    ['deploy-preview', 300],
    ['branch-deploy', 300],
  ])('%s', (context, ttlSeconds) => {
    let dev: NetlifyDev

    beforeAll(async () => {
      dev = await startNetlifyDev({
        context,
        env: {
          USER_API_KEY: SECRETS.USER_API_KEY,
          USER_API_SECRET: SECRETS.USER_API_SECRET,
          CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
          HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY,
          ALLOWED_ORIGINS: '',
          ALLOWED_PUBKEYS: '',
          // What Netlify sets on a preview build; process env wins, so it reaches the functions.
          DEPLOY_PRIME_URL: PREVIEW,
        },
      })
    }, 90_000)

    afterAll(() => dev?.stop())

    it(`mints API signatures that live API_SIG_TTL_SECONDS = ${ttlSeconds}`, async () => {
      const { response, at } = await login(dev.url)
      expect(response.status).toBe(200)
      const { msg } = (await response.json()) as { msg: string }
      const lifetime = (Date.parse(msg) - at) / 1000
      expect(lifetime).toBeGreaterThan(ttlSeconds - 10)
      expect(lifetime).toBeLessThanOrEqual(ttlSeconds)
    })

    it('trusts the deploy’s own DEPLOY_PRIME_URL origin with no ALLOWED_ORIGINS', async () => {
      const { response } = await login(dev.url, PREVIEW)
      expect(response.status).toBe(200)
      expect(response.headers.get('access-control-allow-origin')).toBe(PREVIEW)
    })

    it('refuses another preview’s origin with origin_not_allowed', async () => {
      const { response } = await login(dev.url, OTHER_PREVIEW)
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ code: 'origin_not_allowed' })
    })
  })
})
