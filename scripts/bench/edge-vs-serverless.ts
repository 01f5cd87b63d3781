// Edge vs serverless latency of /api/challenge and /api/token under `netlify dev --offline`: the same
// project twice (TTP_RUNTIME=edge and unset), sequential logins, medians per request in ms.
// A local measurement of Netlify's dev pipeline (proxy → Deno isolate vs proxy → Node lambda
// emulation), not of production; not a test assertion.
// Run: npx tsx scripts/bench/edge-vs-serverless.ts [--logins=50]
import { PrivateKey } from '@textile/hub'
import { SECRETS } from '../../test/helpers/deployment.ts'
import type { NetlifyDev } from '../../test/helpers/netlify-dev.ts'
import { startPrivateNetlifyDev } from '../../test/helpers/private-project.ts'

const LOGINS = Number(/^--logins=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 50)
const WARMUP = 5

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

async function timedPost(url: string, body: unknown): Promise<{ ms: number; response: Response }> {
  const started = performance.now()
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  await response.clone().arrayBuffer()
  return { ms: performance.now() - started, response }
}

async function measure(dev: NetlifyDev, runtime: string) {
  const challenge: number[] = []
  const token: number[] = []
  for (let i = 0; i < WARMUP + LOGINS; i++) {
    const id = PrivateKey.fromRandom()
    const first = await timedPost(dev.url + '/api/challenge', { pubkey: id.public.toString() })
    const { envelope } = (await first.response.json()) as { envelope: string }
    const signature = Buffer.from(await id.sign(new TextEncoder().encode(envelope))).toString(
      'base64url',
    )
    const second = await timedPost(dev.url + '/api/token', { envelope, signature })
    if (second.response.status !== 200) throw new Error(`token ${second.response.status}`)
    const served = second.response.headers.get('x-ttp-runtime') ?? 'serverless'
    if (served !== runtime) throw new Error(`expected ${runtime}, served by ${served}`)
    if (i >= WARMUP) {
      challenge.push(first.ms)
      token.push(second.ms)
    }
  }
  return { challenge: median(challenge), token: median(token) }
}

const env = {
  USER_API_KEY: SECRETS.USER_API_KEY,
  USER_API_SECRET: SECRETS.USER_API_SECRET,
  CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
  HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY,
}
const rows: string[] = []
for (const runtime of ['edge', 'serverless']) {
  const dev = await startPrivateNetlifyDev({
    ...env,
    TTP_RUNTIME: runtime === 'edge' ? 'edge' : '',
  })
  try {
    const result = await measure(dev, runtime)
    rows.push(
      `${runtime.padEnd(10)}  challenge ${result.challenge.toFixed(1).padStart(6)} ms` +
        `  token ${result.token.toFixed(1).padStart(6)} ms` +
        `  login ${(result.challenge + result.token).toFixed(1).padStart(6)} ms`,
    )
  } finally {
    await dev.stop()
  }
}
console.log(`netlify dev --offline, ${LOGINS} sequential logins each (issuer mode), medians:`)
for (const row of rows) console.log(row)
