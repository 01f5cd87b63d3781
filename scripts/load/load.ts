// Load run: N full logins at concurrency C against the two functions, (a) in-process and (b) over
// real HTTP on 127.0.0.1 through a plain node:http adapter. Reports throughput, p50/p99 latency,
// errors (must be 0) and memory before/after a GC.
//
//   npm run load                                  # 10,000 logins, concurrency 100, both modes
//   LOGINS=50000 CONCURRENCY=200 npm run load
//   npm run load -- --mode=http
//   npm run load -- --crypto=webcrypto     # the portable path instead of the functions' node:crypto
// (`npm run load` is `node --expose-gc --import tsx scripts/load/load.ts`.)
import { parseArgs } from 'node:util'
import {
  createChallengeHandler,
  createTokenHandler,
  type LogRecord,
  type RequestHandler,
} from '../../src/index.ts'
import { nodeCryptoProvider } from '../../src/node/crypto.ts'
import { SECRETS, SITE } from '../../test/helpers/deployment.ts'
import { serveHandlers } from '../../test/helpers/serve-handlers.ts'
import { makeIdentityPool } from './identities.ts'
import type { Transport } from '../../test/helpers/login.ts'
import { quantile, runLogins, type RunLoginsResult } from './run-logins.ts'

const { values } = parseArgs({
  options: {
    logins: { type: 'string', default: process.env.LOGINS ?? '10000' },
    concurrency: { type: 'string', default: process.env.CONCURRENCY ?? '100' },
    identities: { type: 'string', default: '200' },
    mode: { type: 'string', default: 'both' },
    crypto: { type: 'string', default: 'node' },
  },
})
// As the ready-made functions do (src/netlify/*.ts), unless --crypto=webcrypto.
const crypto = values.crypto === 'node' ? nodeCryptoProvider : undefined
const count = Number(values.logins)
const concurrency = Number(values.concurrency)
if (!(count > 0 && count <= 1_000_000 && concurrency > 0 && concurrency <= 2000)) {
  throw new Error('logins must be 1..1,000,000 and concurrency 1..2000')
}

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) console.warn('load: run node with --expose-gc (npm run load does) for memory after a GC')
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10
function memory() {
  gc?.()
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}

/** Production-like handlers, logging to a counter instead of the console. */
function makeHandlers() {
  const lines: Record<string, number> = {}
  const logger = (record: LogRecord) => {
    const key = `${record.fn} ${record.status}${record.code ? ' ' + record.code : ''}`
    lines[key] = (lines[key] ?? 0) + 1
  }
  const env = { ...SECRETS, URL: SITE }
  const options = { env: () => env, logger, crypto }
  return {
    lines,
    challenge: createChallengeHandler(options),
    token: createTokenHandler(options),
  }
}

function report(mode: string, result: RunLoginsResult, before: Mem, after: Mem, logs: object) {
  const row = {
    mode,
    crypto: values.crypto,
    logins: result.count,
    concurrency,
    'logins/s': Math.round(result.count / (result.elapsedMs / 1000)),
    'p50 ms': Math.round(quantile(result.latencies, 0.5) * 100) / 100,
    'p99 ms': Math.round(quantile(result.latencies, 0.99) * 100) / 100,
    errors: result.errors,
    'rss MB': `${mb(before.rss)} → ${mb(after.rss)}`,
    'heap MB': `${mb(before.heapUsed)} → ${mb(after.heapUsed)}`,
  }
  console.log(JSON.stringify({ ...row, statuses: result.statuses, logs }))
  return row
}
type Mem = ReturnType<typeof memory>

const identities = makeIdentityPool(Number(values.identities))
const rows = []
let failed = false

if (values.mode === 'both' || values.mode === 'inprocess') {
  const handlers = makeHandlers()
  const routes: Record<string, RequestHandler> = {
    '/api/challenge': handlers.challenge,
    '/api/token': handlers.token,
  }
  const transport: Transport = (path, init) => routes[path]!(new Request(SITE + path, init), {})
  // Warm up (config import, JIT) outside the measurement.
  await runLogins({ transport, identities, count: 200, concurrency: 20 })
  const before = memory()
  const result = await runLogins({ transport, identities, count, concurrency })
  rows.push(report('in-process', result, before, memory(), handlers.lines))
  failed ||= result.errors > 0
}

if (values.mode === 'both' || values.mode === 'http') {
  const handlers = makeHandlers()
  const server = await serveHandlers({
    '/api/challenge': handlers.challenge,
    '/api/token': handlers.token,
  })
  try {
    const transport: Transport = (path, init) => fetch(server.origin + path, init)
    await runLogins({ transport, identities, count: 200, concurrency: 20 })
    const before = memory()
    const result = await runLogins({ transport, identities, count, concurrency })
    rows.push(report('http 127.0.0.1', result, before, memory(), handlers.lines))
    failed ||= result.errors > 0
  } finally {
    await server.close()
  }
}

console.table(rows)
if (failed) {
  console.error('load: some logins failed')
  process.exitCode = 1
}
