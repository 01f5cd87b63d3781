// Bench fixtures: one deployment's variables and pre-signed requests for every function, written
// to a file the child processes read. Envelopes come from the project's own challenge handler and
// live CHALLENGE_TTL_SECONDS = 600, longer than a bench run.
import { generateKeyPairSync, sign } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeApiSecret } from '../../src/core/api-signature.ts'
import { toHex } from '../../src/core/encoding.ts'
import { formatPublicKey, parsePrivateKey } from '../../src/core/keys.ts'
import { createChallengeHandler, type Env } from '../../src/index.ts'
import { SECRETS, SITE } from '../../test/helpers/deployment.ts'

/** The site the bench requests are addressed to (no Origin header: audience ''). */
export { SITE }

/** The deployment's variables in each mode. */
export function benchEnv(mode: 'issuer' | 'hub-challenge'): Record<string, string> {
  const env: Record<string, string> = { ...SECRETS, URL: SITE, CHALLENGE_TTL_SECONDS: '600' }
  if (mode === 'hub-challenge') delete env.HUB_ISSUER_KEY
  return env
}

/** What the children read. */
export interface FixtureFile {
  token: { bodies: string[] }
  challenge: { bodies: string[] }
  floor: {
    secretHex: string
    hmacData: string
    seedHex: string
    signData: string
    inputs: Array<{ publicKeyHex: string; message: string; signature: string }>
  }
}

/** Makes `count` identities, gets each an envelope, signs it, and writes the fixture file. */
export async function writeFixtures(dir: string, count = 64): Promise<string> {
  const env: Env = benchEnv('issuer')
  const challenge = createChallengeHandler({ env: () => env, logger: () => {} })
  const fixtures: FixtureFile = {
    token: { bodies: [] },
    challenge: { bodies: [] },
    floor: {
      secretHex: toHex(decodeApiSecret(SECRETS.USER_API_SECRET)!),
      hmacData: new Date(Date.now() + 600_000).toISOString(),
      seedHex: toHex(parsePrivateKey(SECRETS.HUB_ISSUER_KEY)!.seed),
      // A thread token's signing input is ~250 bytes; sign as many.
      signData: 'x'.repeat(250),
      inputs: [],
    },
  }
  for (let i = 0; i < count; i++) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')
    const pubkey = formatPublicKey(raw)
    const body = JSON.stringify({ pubkey })
    const response = await challenge(
      new Request(`${SITE}/api/challenge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }),
    )
    if (response.status !== 200) throw new Error(`challenge ${response.status}`)
    const { envelope } = (await response.json()) as { envelope: string }
    const signature = sign(null, Buffer.from(envelope), privateKey).toString('base64url')
    fixtures.challenge.bodies.push(body)
    fixtures.token.bodies.push(JSON.stringify({ envelope, signature }))
    fixtures.floor.inputs.push({ publicKeyHex: toHex(raw), message: envelope, signature })
  }
  const path = join(dir, 'fixtures.json')
  writeFileSync(path, JSON.stringify(fixtures))
  return path
}
