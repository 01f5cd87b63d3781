// The "Deploy to Netlify" prompts ([template.environment] in netlify.toml) are default values: a
// deployer who leaves one as it is must get a clear refusal, never a working deployment with a
// placeholder secret.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { siteConfig } from '../../site/src/site-config.ts'
import { webCryptoProvider } from '../../src/core/web-crypto.ts'
import { textileConfig } from '../../src/http/textile-config.ts'
import { SECRETS } from '../helpers/deployment.ts'
import { ROOT } from '../helpers/netlify-dev.ts'

const toml = parse(readFileSync(join(ROOT, 'netlify.toml'), 'utf8')) as {
  template: { environment: Record<string, string> }
}
const prompt = (name: string) => toml.template.environment[name]

describe('netlify.toml [template.environment]', () => {
  it('asks for the required variables and the hub URL', () => {
    for (const name of ['USER_API_KEY', 'USER_API_SECRET', 'CHALLENGE_SECRET', 'HUB_URL']) {
      expect(prompt(name), name).toMatch(/^REPLACE/)
    }
  })

  it.each(['USER_API_KEY', 'USER_API_SECRET', 'CHALLENGE_SECRET'])(
    'a %s left at its prompt is server_misconfigured naming it',
    async (name) => {
      const env = { ...SECRETS, [name]: prompt(name) }
      await expect(
        textileConfig.parse({ env, crypto: webCryptoProvider, deploy: {} }),
      ).rejects.toMatchObject({
        code: 'server_misconfigured',
        detail: expect.stringContaining(name),
      })
    },
  )

  it('a HUB_URL left at its prompt fails the build', () => {
    expect(() => siteConfig({ HUB_URL: prompt('HUB_URL'), CONTEXT: 'production' })).toThrow(
      /HUB_URL/,
    )
  })
})
