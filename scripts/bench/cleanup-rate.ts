// Clean-up rate of single-use entries against Netlify Blobs' own local sandbox: N expired entries,
// one scheduled run each, deletions per second. The baseline is the previous default (at most
// 5,000 deletions a run) beside today's (the 20 s time budget only) at several concurrencies, in
// the same run. A local measurement of the sandbox (files on disk behind an HTTP handler), not of
// the hosted service; not a test assertion.
// Run: npx tsx scripts/bench/cleanup-rate.ts [--entries=6000]
import { getStore } from '@netlify/blobs'
import { createBlobsEnvelopeStore, createEnvelopeCleanupHandler } from '../../src/index.ts'
import { startBlobsSandbox } from '../../test/helpers/blobs-sandbox.ts'

const ENTRIES = Number(/^--entries=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 6000)
const NOW = new Date('2030-01-01T00:00:00.000Z')
const EXPIRED = Math.floor(NOW.getTime() / 1000) - 3600

const nonce = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')

const variants = [
  { name: 'baseline: maxDeletions 5000, concurrency 8', maxDeletions: 5000, concurrency: 8 },
  { name: 'time budget only, concurrency 8 (default)', concurrency: 8 },
  { name: 'time budget only, concurrency 16', concurrency: 16 },
  { name: 'time budget only, concurrency 32', concurrency: 32 },
]

const sandbox = await startBlobsSandbox()
try {
  const rows: string[] = []
  for (const [i, variant] of variants.entries()) {
    const name = `bench-${i}`
    const raw = getStore({ name, ...sandbox.client })
    const keys = Array.from({ length: ENTRIES }, () => `ttp1/${EXPIRED}/${nonce()}`)
    const writeStarted = performance.now()
    for (let start = 0; start < keys.length; start += 64) {
      await Promise.all(keys.slice(start, start + 64).map((key) => raw.set(key, 'x')))
    }
    const writeSeconds = (performance.now() - writeStarted) / 1000
    // The sandbox lists a store in one page (a walk of the files), so a run first waits for it.
    const listStarted = performance.now()
    await raw.list({ prefix: 'ttp1/' })
    const listSeconds = (performance.now() - listStarted) / 1000
    const { name: _label, ...bounds } = variant
    const handler = createEnvelopeCleanupHandler({
      env: () => ({ SINGLE_USE_ENVELOPES: 'true' }),
      now: () => NOW,
      logger: () => {},
      envelopeStore: createBlobsEnvelopeStore({ name, client: sandbox.client }),
      ...bounds,
    })
    const started = performance.now()
    const response = await handler(new Request('https://site.example/', { method: 'POST' }), {})
    const seconds = (performance.now() - started) / 1000
    const body = (await response.json()) as { deleted: number; stoppedBy?: string }
    rows.push(
      [
        variant.name.padEnd(45),
        `deleted ${String(body.deleted).padStart(6)} of ${ENTRIES}`,
        `in ${seconds.toFixed(1).padStart(5)} s`,
        `${Math.round(body.deleted / seconds)
          .toString()
          .padStart(5)}/s`,
        body.stoppedBy ? `stopped by ${body.stoppedBy}` : 'complete',
        `(listing alone ${listSeconds.toFixed(1)} s;`,
        `${Math.round(body.deleted / Math.max(seconds - listSeconds, 0.001))}/s after it;`,
        `writes ${Math.round(ENTRIES / writeSeconds)}/s)`,
      ].join('  '),
    )
    process.stderr.write(rows.at(-1) + '\n')
  }
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1)
  console.log(`clean-up of ${ENTRIES} expired entries, Blobs sandbox, one run each (load ${load}):`)
  for (const row of rows) console.log('  ' + row)
} finally {
  await sandbox.close()
}
