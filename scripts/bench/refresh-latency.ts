// Refresh latency as the caller perceives it, with and without envelope prefetch: the
// real SDK against the real challenge and token handlers (src/http) in-process, behind a fetch
// that adds a fixed network delay to every request (half on the way out, half on the way back).
// Also a hand-rolled simulation of the other option, the next envelope handed out with each token
// response, which the SDK does not implement (it would change the token contract).
// Numbers only, never asserted. `npm run bench` prints them beside the rest; standalone:
// `npx tsx scripts/bench/refresh-latency.ts [--delay=50] [--runs=15]`.
import { PrivateKey } from '@textile/hub'
import { generateKeyPairSync, sign } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { createUserAuthProvider, type FetchLike, type Identity } from '../../src/client/index.ts'
import { readEnvelopePayload } from '../../src/core/envelope-format.ts'
import { formatPublicKey } from '../../src/core/keys.ts'
import { createChallengeHandler, createTokenHandler, type RequestHandler } from '../../src/index.ts'
import { benchEnv, SITE } from './fixtures.ts'

/** One way of refreshing, measured `runs` times. */
export interface RefreshMode {
  name: string
  /** Perceived latency of the refresh call, ms. */
  p50Ms: number
  minMs: number
  maxMs: number
  /** Requests made while the caller waited. */
  criticalPath: string[]
  /** Requests one refresh costs on the wire, in the background or not. */
  wireRequests: number
}

/** What {@link measureRefreshLatency} returns. */
export interface RefreshLatency {
  delayMs: number
  runs: number
  modes: RefreshMode[]
  /** Median time of one `@textile/hub` `PrivateKey.sign` of an envelope here, ms (not in the rows). */
  privateKeySignMs: number
}

/**
 * A fresh Ed25519 identity that signs with node:crypto (well under a millisecond), so the rows
 * show round trips; `@textile/hub`'s pure-JS `PrivateKey.sign` costs more and varies with load.
 */
function fastIdentity(): Identity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')
  const pubkey = formatPublicKey(raw)
  return {
    public: { toString: () => pubkey },
    sign: (bytes) => new Uint8Array(sign(null, bytes, privateKey)),
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A fetch into in-process handlers with `delayMs` added per request; counts and awaits requests. */
function delayedNetwork(routes: Record<string, RequestHandler>, delayMs: number) {
  const log: string[] = []
  let inflight = 0
  const fetch: FetchLike = async (url, init) => {
    const request = new Request(url, init)
    const path = new URL(request.url).pathname
    log.push(path.replace('/api/', ''))
    inflight++
    try {
      await sleep(delayMs / 2)
      const response = await routes[path]!(request, {})
      // The whole body crosses the network before the SDK sees the response.
      const body = await response.arrayBuffer()
      await sleep(delayMs / 2)
      return new Response(body, { status: response.status, headers: response.headers })
    } finally {
      inflight--
    }
  }
  return {
    fetch,
    log,
    /** Waits until no request is in flight (a background prefetch has landed). */
    async idle() {
      while (inflight > 0) await sleep(1)
    },
  }
}

function summarize(name: string, samples: number[], critical: string[], wire: number) {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    name,
    p50Ms: sorted[Math.floor(sorted.length / 2)]!,
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    criticalPath: critical,
    wireRequests: wire,
  } satisfies RefreshMode
}

/**
 * One SDK login and refresh, with or without prefetch (issuer mode: no hub leg on any refresh).
 * With `'eager'` the login comes after the provider's first envelope landed (the user read the
 * page first).
 */
async function sdkRefresh(prefetch: boolean | 'eager', delayMs: number) {
  const env = benchEnv('issuer')
  const options = { env: () => env, logger: () => {} }
  const network = delayedNetwork(
    {
      '/api/challenge': createChallengeHandler(options),
      '/api/token': createTokenHandler(options),
    },
    delayMs,
  )
  let time = Date.now()
  const provider = createUserAuthProvider({
    endpoint: `${SITE}/api`,
    identity: fastIdentity(),
    fetch: network.fetch,
    now: () => new Date(time),
    prefetch,
  })
  await network.idle()
  const beforeLogin = network.log.length
  let started = performance.now()
  const auth = await provider()
  const loginMs = performance.now() - started
  const loginCritical = network.log.slice(beforeLogin)
  const refreshAt = Date.parse(auth.msg) - 30_000 // the default margin for 600 s signatures
  const before = network.log.length
  // An app calling shortly before the refresh (the provider's timer would do the same).
  time = refreshAt - 4_000
  await provider()
  await network.idle()
  time = refreshAt
  const during = network.log.length
  started = performance.now()
  await provider()
  const refreshMs = performance.now() - started
  provider.dispose()
  return {
    loginMs,
    loginCritical,
    refreshMs,
    critical: network.log.slice(during),
    wire: network.log.length - before,
  }
}

/**
 * The other option, simulated by hand: the token response carries the next envelope (a wrapper
 * around the real handlers asks the challenge handler server-side), and the refresh signs it and
 * posts `/token` once. Envelopes then have to live as long as the API signature.
 */
async function nextEnvelopeRefresh(delayMs: number) {
  const env = benchEnv('issuer') // CHALLENGE_TTL_SECONDS = API_SIG_TTL_SECONDS = 600
  const options = { env: () => env, logger: () => {} }
  const challenge = createChallengeHandler(options)
  const token = createTokenHandler(options)
  const tokenWithNext: RequestHandler = async (request) => {
    const body = await request.text()
    const forwarded = new Request(request.url, { method: 'POST', headers: request.headers, body })
    const response = await token(forwarded)
    if (response.status !== 200) return response
    const pubkey = readEnvelopePayload((JSON.parse(body) as { envelope: string }).envelope)!.sub
    const next = await challenge(
      new Request(`${SITE}/api/challenge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pubkey }),
      }),
    )
    const { envelope } = (await next.json()) as { envelope: string }
    return Response.json({ ...((await response.json()) as object), next: envelope })
  }
  const network = delayedNetwork(
    { '/api/challenge': challenge, '/api/token': tokenWithNext },
    delayMs,
  )
  const identity = fastIdentity()
  const post = async (path: string, body: object) => {
    const response = await network.fetch(`${SITE}/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
    return (await response.json()) as Record<string, string>
  }
  const redeem = async (envelope: string) => {
    const signature = await identity.sign(new TextEncoder().encode(envelope))
    return post('token', { envelope, signature: Buffer.from(signature).toString('base64url') })
  }
  const first = await post('challenge', { pubkey: identity.public.toString() })
  const login = await redeem(first.envelope!)
  const during = network.log.length
  const started = performance.now()
  await redeem(login.next!)
  return { refreshMs: performance.now() - started, critical: network.log.slice(during) }
}

async function privateKeySignMs(samples: number) {
  const identity = PrivateKey.fromRandom()
  const envelope = new TextEncoder().encode('x'.repeat(330))
  const times: number[] = []
  for (let i = 0; i < samples + 3; i++) {
    const started = performance.now()
    await identity.sign(envelope)
    if (i >= 3) times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
}

/**
 * Measures the perceived refresh latency of each way, `runs` times, with `delayMs` per request.
 *
 * @example
 * const result = await measureRefreshLatency({ delayMs: 50, runs: 15 })
 */
export async function measureRefreshLatency(
  options: { delayMs?: number; runs?: number } = {},
): Promise<RefreshLatency> {
  const delayMs = options.delayMs ?? 50
  const runs = options.runs ?? 15
  const logins: number[] = []
  const eagerLogins: number[] = []
  const without: number[] = []
  const withPrefetch: number[] = []
  const next: number[] = []
  let critical = {
    without: [] as string[],
    with: [] as string[],
    next: [] as string[],
    eager: [] as string[],
  }
  let wire = { without: 0, with: 0 }
  // Interleaved, after one warm-up round, so load on the machine and JIT warm-up hit all alike.
  for (let run = -1; run < runs; run++) {
    const a = await sdkRefresh(false, delayMs)
    const b = await sdkRefresh(true, delayMs)
    const c = await nextEnvelopeRefresh(delayMs)
    const d = await sdkRefresh('eager', delayMs)
    if (run < 0) continue
    logins.push(a.loginMs, b.loginMs)
    eagerLogins.push(d.loginMs)
    without.push(a.refreshMs)
    withPrefetch.push(b.refreshMs)
    next.push(c.refreshMs)
    critical = { without: a.critical, with: b.critical, next: c.critical, eager: d.loginCritical }
    wire = { without: a.wire, with: b.wire }
  }
  return {
    delayMs,
    runs,
    modes: [
      summarize('first login (reference)', logins, ['challenge', 'token'], 2),
      summarize(
        "first login, prefetch: 'eager' (envelope fetched as the page loaded)",
        eagerLogins,
        critical.eager,
        2,
      ),
      summarize('refresh, prefetch: false', without, critical.without, wire.without),
      summarize('refresh with prefetch (default)', withPrefetch, critical.with, wire.with),
      summarize('simulated: next envelope in the token response', next, critical.next, 1),
    ],
    privateKeySignMs: await privateKeySignMs(runs),
  }
}

/** A markdown section for the bench report. */
export function formatRefreshLatency(result: RefreshLatency): string {
  const ms = (value: number) => value.toFixed(1)
  const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`
  let out = `\n## Refresh latency perceived by the caller (SDK + in-process functions, ${result.delayMs} ms added per request, ${result.runs} runs)\n\n`
  out += line([
    'flow',
    'median ms',
    'min ms',
    'max ms',
    'requests while the caller waits',
    'requests per refresh',
  ])
  out += line(['---', '---', '---', '---', '---', '---'])
  for (const mode of result.modes) {
    const critical = `${mode.criticalPath.length} (${mode.criticalPath.join(', ')})`
    out += line([
      mode.name,
      ms(mode.p50Ms),
      ms(mode.minMs),
      ms(mode.maxMs),
      critical,
      String(mode.wireRequests),
    ])
  }
  const prefetch = result.modes.find((m) => m.name.startsWith('refresh with prefetch'))!
  const met = prefetch.criticalPath.length === 1 && prefetch.p50Ms < 1.5 * result.delayMs
  out += `\nTarget: a refresh waits one delay instead of two: ${met ? 'met' : 'MISSED'} (median ${ms(prefetch.p50Ms)} ms with prefetch at ${result.delayMs} ms per request).`
  const eager = result.modes.find((m) => m.name.includes("'eager'"))
  if (eager) {
    const first = eager.criticalPath.length === 1 && eager.p50Ms < 1.5 * result.delayMs
    out += ` With \`prefetch: 'eager'\` the first login waits one delay too: ${first ? 'met' : 'MISSED'} (median ${ms(eager.p50Ms)} ms).`
  }
  out += ` Rows sign with node:crypto; \`@textile/hub\` \`PrivateKey.sign\` adds ${ms(result.privateKeySignMs)} ms per login here (median, pure JS).\n`
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const result = await measureRefreshLatency({
    delayMs: Number(arg('delay') ?? 50),
    runs: Number(arg('runs') ?? 15),
  })
  process.stdout.write(formatRefreshLatency(result))
}
