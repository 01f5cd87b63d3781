// The scheduled clean-up of single-use entries (SINGLE_USE_ENVELOPES=true): what it deletes, what
// it keeps, its bounds and its one log line, against an in-memory store with the Blobs key scheme
// and against Netlify Blobs' own local sandbox.
import { getStore } from '@netlify/blobs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOCK_SKEW_SECONDS } from '../../src/core/envelope.ts'
import {
  CLEANUP_GRACE_SECONDS,
  createBlobsEnvelopeStore,
  createEnvelopeCleanupHandler,
  type EnvelopeCleanupOptions,
  type EnvelopeCleanupStore,
  type LogRecord,
} from '../../src/index.ts'
import { envelopeKey } from '../../src/http/envelope-store.ts'
import { startBlobsSandbox, type BlobsSandbox } from '../helpers/blobs-sandbox.ts'
import { NOW } from '../helpers/clock.ts'
import {
  SECRETS,
  challengeFor,
  deployment,
  post,
  problem,
  signEnvelope,
} from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'
import { memoryEnvelopeStore } from '../helpers/memory-envelope-store.ts'

const ON = { SINGLE_USE_ENVELOPES: 'true' }
/** An entry may go this many seconds after its expiry, and not a millisecond earlier. */
const AFTER = CLOCK_SKEW_SECONDS + CLEANUP_GRACE_SECONDS
const at = (secondsAfterNow: number) => new Date(NOW.getTime() + secondsAfterNow * 1000)

function nonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
}

/** One clean-up run at `now`; its response, parsed body and log lines. */
async function runCleanup(
  store: EnvelopeCleanupStore | undefined,
  options: Omit<EnvelopeCleanupOptions, 'envelopeStore'> & { envValues?: Record<string, string> },
) {
  const logs: LogRecord[] = []
  const { envValues = ON, ...rest } = options
  const handler = createEnvelopeCleanupHandler({
    env: () => envValues,
    now: () => NOW,
    logger: (record) => logs.push(record),
    ...(store && { envelopeStore: store }),
    ...rest,
  })
  const response = await handler(
    new Request('https://site.example/.netlify/functions/cleanup-envelopes', {
      method: 'POST',
      body: JSON.stringify({ next_run: '2030-01-01T01:00:00.000Z' }),
    }),
    {},
  )
  return { response, body: (await response.json()) as Record<string, unknown>, logs }
}

describe('envelope clean-up (in-memory store with the Blobs key scheme)', () => {
  it('deletes entries past expiry + skew + grace, keeps the rest, and logs one line of counts', async () => {
    const store = memoryEnvelopeStore()
    const gone = [nonce(), nonce(), nonce()]
    const kept = [nonce(), nonce(), nonce()]
    await store.claim(gone[0]!, at(-AFTER - 3600)) // an hour past
    await store.claim(gone[1]!, at(-AFTER - 1)) // one second past the grace
    store.putLegacy(gone[2]!, at(-AFTER - 0.001)) // old format, a millisecond past
    await store.claim(kept[0]!, at(-AFTER)) // exactly at the line: still kept
    await store.claim(kept[1]!, at(-CLOCK_SKEW_SECONDS - 1)) // refused as expired, within grace
    store.putLegacy(kept[2]!, at(30)) // old format, still redeemable
    const { response, body, logs } = await runCleanup(store, {})
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const counts = {
      singleUse: true,
      listed: 6,
      deleted: 3,
      fresh: 3,
      unknown: 0,
      legacy: 2,
      complete: true,
    }
    expect(body).toEqual(counts)
    const remaining = [...store.entriesByKey.keys()].join(' ')
    for (const n of gone) expect(remaining).not.toContain(n)
    for (const n of kept) expect(remaining).toContain(n)
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatchObject({
      level: 'info',
      event: 'cleanup',
      fn: 'cleanup-envelopes',
      method: 'POST',
      status: 200,
      fields: counts,
    })
    expect(logs[0]!.fields).toEqual(counts)
    // No key, nonce or expiry of an entry in the log line.
    const line = JSON.stringify(logs)
    for (const n of [...gone, ...kept]) expect(line).not.toContain(n)
    expect(line).not.toMatch(/\d{10}\//)
  })

  it('never touches another app’s keys in a shared store, and reads metadata only for bare-nonce keys', async () => {
    const store = memoryEnvelopeStore()
    const long = at(-AFTER - 3600).toISOString()
    // found: '2024/01-report' read as an expiry in 1970 and was deleted.
    const app: [string, Record<string, unknown>][] = [
      ['2024/01-report', {}],
      ['1700000000/report', {}],
      ['notes', {}],
      [nonce(), { expiresAt: long, owner: 'app' }], // nonce-shaped, but not the first store's metadata
      [nonce(), {}],
    ]
    for (const [key, metadata] of app) store.entriesByKey.set(key, metadata)
    for (let i = 0; i < 5; i++) await store.claim(nonce(), at(-AFTER - 10))
    store.putLegacyExpiry(nonce(), at(-AFTER - 10))
    store.putLegacy(nonce(), at(-AFTER - 10))
    store.entriesByKey.set('ttp1/odd', {}) // the project's, expiry unreadable: kept
    const { body } = await runCleanup(store, {})
    expect(body).toEqual({
      singleUse: true,
      listed: 8,
      deleted: 7,
      fresh: 0,
      unknown: 1,
      legacy: 2,
      complete: true,
    })
    const left = [...store.entriesByKey.keys()].sort()
    expect(left).toEqual([...app.map(([key]) => key), 'ttp1/odd'].sort())
    expect(store.metadataReads).toBe(3)
  })

  it('refuses to delete a key that is not the project’s, whoever asks', async () => {
    const store = memoryEnvelopeStore()
    store.entriesByKey.set('2024/01-report', {})
    await expect(store.delete('2024/01-report')).rejects.toThrow(/not an envelope/)
    expect(store.entriesByKey.has('2024/01-report')).toBe(true)
  })

  it('deletes more than 5,000 expired entries in one run: bounded by time, not by a count', async () => {
    const store = memoryEnvelopeStore()
    for (let i = 0; i < 6000; i++) await store.claim(nonce(), at(-AFTER - 10 - (i % 600)))
    await store.claim(nonce(), at(60))
    const { body, logs } = await runCleanup(store, {})
    expect(body).toMatchObject({ listed: 6001, deleted: 6000, fresh: 1, complete: true })
    expect(body.stoppedBy).toBeUndefined()
    expect(logs[0]).toMatchObject({ level: 'info' })
    expect(store.entriesByKey.size).toBe(1)
  })

  it('stops after maxDeletions (warn, complete: false) and leaves the rest to later runs', async () => {
    const store = memoryEnvelopeStore()
    for (let i = 0; i < 10; i++) await store.claim(nonce(), at(-AFTER - 100 - i))
    await store.claim(nonce(), at(60))
    const first = await runCleanup(store, { maxDeletions: 4 })
    expect(first.response.status).toBe(200)
    expect(first.body).toMatchObject({
      deleted: 4,
      complete: false,
      stoppedBy: 'max_deletions',
    })
    expect(first.logs[0]).toMatchObject({
      level: 'warn',
      fields: { deleted: 4, complete: false, stoppedBy: 'max_deletions' },
    })
    expect(store.entriesByKey.size).toBe(7)
    expect((await runCleanup(store, { maxDeletions: 4 })).body).toMatchObject({ deleted: 4 })
    const last = await runCleanup(store, { maxDeletions: 4 })
    expect(last.body).toMatchObject({ deleted: 2, fresh: 1, complete: true })
    expect(last.body.stoppedBy).toBeUndefined()
    expect(store.entriesByKey.size).toBe(1)
  })

  it('stops starting work after timeBudgetMs and waits for the deletions in flight', async () => {
    const store = memoryEnvelopeStore()
    store.deleteDelayMs = 40
    // All of them would take 100 × 40 ms / 2 = 2 s.
    for (let i = 0; i < 100; i++) await store.claim(nonce(), at(-AFTER - 10))
    const started = performance.now()
    const { body } = await runCleanup(store, { timeBudgetMs: 100, concurrency: 2 })
    const took = performance.now() - started
    expect(body).toMatchObject({ complete: false, stoppedBy: 'time_budget' })
    expect(body.deleted).toBeGreaterThan(0)
    expect(body.deleted).toBeLessThan(100)
    expect(store.entriesByKey.size).toBe(100 - (body.deleted as number))
    expect(took).toBeLessThan(1000)
  })

  it('runs deletions concurrently, at most `concurrency` at a time', async () => {
    const store = memoryEnvelopeStore()
    let inFlight = 0
    let most = 0
    const remove = store.delete
    store.delete = async (key) => {
      most = Math.max(most, ++inFlight)
      await new Promise((resolve) => setTimeout(resolve, 5))
      await remove(key)
      inFlight--
    }
    for (let i = 0; i < 30; i++) await store.claim(nonce(), at(-AFTER - 10))
    const { body } = await runCleanup(store, { concurrency: 3 })
    expect(body).toMatchObject({ deleted: 30, complete: true })
    expect(most).toBe(3)
  })

  it('is a no-op that never opens the store when single use is off (unset or false)', async () => {
    const untouchable: EnvelopeCleanupStore = {
      entries: () => {
        throw new Error('the store was listed')
      },
      delete: () => {
        throw new Error('the store was written')
      },
    }
    for (const envValues of [{}, { SINGLE_USE_ENVELOPES: 'false' }] as Record<string, string>[]) {
      const { response, body, logs } = await runCleanup(untouchable, { envValues })
      expect(response.status).toBe(200)
      expect(body).toMatchObject({ singleUse: false, listed: 0, deleted: 0, complete: true })
      expect(logs[0]).toMatchObject({ level: 'info', event: 'cleanup', status: 200 })
    }
    // Without a store option and without Blobs configured: still fine, @netlify/blobs not needed.
    expect((await runCleanup(undefined, { envValues: {} })).response.status).toBe(200)
  })

  it('answers server_misconfigured naming SINGLE_USE_ENVELOPES for a value that is not true or false', async () => {
    const store = memoryEnvelopeStore()
    const { response, body, logs } = await runCleanup(store, {
      envValues: { SINGLE_USE_ENVELOPES: 'yes' },
    })
    expect(response.status).toBe(500)
    expect(body).toMatchObject({
      code: 'server_misconfigured',
      detail: expect.stringContaining('SINGLE_USE_ENVELOPES'),
    })
    // The configuration is read before the run starts: no counts, the same line as every endpoint.
    expect(logs[0]).toMatchObject({
      level: 'error',
      event: 'cleanup',
      code: 'server_misconfigured',
    })
    expect(logs[0]).not.toHaveProperty('fields')
  })

  it('answers internal_error when the store fails, logging the counts so far and no key', async () => {
    const store = memoryEnvelopeStore()
    const keys: string[] = []
    for (let i = 0; i < 6; i++) {
      const n = nonce()
      keys.push(n)
      await store.claim(n, at(-AFTER - 10))
    }
    store.failDeleteOf = [...store.entriesByKey.keys()][3]
    const { response, body, logs } = await runCleanup(store, {
      concurrency: 1,
      envValues: { ...ON, CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET },
    })
    expect(response.status).toBe(500)
    expect(body).toMatchObject({ code: 'internal_error' })
    expect(logs[0]).toMatchObject({
      level: 'error',
      code: 'internal_error',
      error: 'Error: store refused to delete [key]',
      fields: { deleted: 3, complete: false, stoppedBy: 'error' },
    })
    const line = JSON.stringify(logs)
    for (const n of keys) expect(line).not.toContain(n)
  })

  it('scrubs bare nonces and redacts secrets from a failing listing', async () => {
    const n = nonce()
    const failing: EnvelopeCleanupStore = {
      async *entries() {
        throw new Error(`listing failed near ${n} with ${SECRETS.CHALLENGE_SECRET}`)
      },
      delete: async () => {},
    }
    const { logs } = await runCleanup(failing, {
      envValues: { ...ON, CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET },
    })
    expect(logs[0]?.error).toBe('Error: listing failed near [key] with [redacted]')
  })

  it('cuts a long error message only after scrubbing it, so no part of a key survives the cut', async () => {
    const n = nonce()
    const failing: EnvelopeCleanupStore = {
      async *entries() {
        throw new Error(`${'x'.repeat(280)} ${n} and 1893456060/${n}`)
      },
      delete: async () => {},
    }
    const { logs } = await runCleanup(failing, {})
    expect(logs[0]?.error).toHaveLength(300)
    expect(logs[0]?.error).toMatch(/ \[key\]/)
    expect(logs[0]?.error).not.toContain(n.slice(0, 8))
  })

  it('refuses bounds that are not positive whole numbers', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => createEnvelopeCleanupHandler({ maxDeletions: bad })).toThrow(TypeError)
      expect(() => createEnvelopeCleanupHandler({ timeBudgetMs: bad })).toThrow(TypeError)
      expect(() => createEnvelopeCleanupHandler({ concurrency: bad })).toThrow(TypeError)
    }
  })

  it('removes a redeemed envelope only once no deployment can accept it: a replay stays refused', async () => {
    const store = memoryEnvelopeStore()
    const d = deployment(ON, { envelopeStore: store })
    const id = identity()
    const envelope = await challengeFor(d, id)
    const body = { envelope, signature: await signEnvelope(id, envelope) }
    expect((await d.token(post('/api/token', body))).status).toBe(200)
    expect(store.entriesByKey.size).toBe(1)
    // Within the lifetime, the skew allowance and the grace: kept, and the replay is "already used".
    d.clock.now = at(60 + AFTER)
    expect((await runCleanup(store, { now: () => d.clock.now })).body).toMatchObject({
      deleted: 0,
      fresh: 1,
    })
    d.clock.now = at(60 + CLOCK_SKEW_SECONDS)
    expect(await problem(await d.token(post('/api/token', body)))).toMatchObject({
      code: 'invalid_envelope',
    })
    // After them: deleted, and the replay is refused as expired before the store is asked.
    d.clock.now = at(60 + AFTER + 1)
    expect((await runCleanup(store, { now: () => d.clock.now })).body).toMatchObject({
      deleted: 1,
    })
    expect(store.entriesByKey.size).toBe(0)
    expect(await problem(await d.token(post('/api/token', body)))).toMatchObject({
      code: 'envelope_expired',
    })
    expect(store.entriesByKey.size).toBe(0)
  })
})

describe('envelope clean-up (Netlify Blobs sandbox)', () => {
  let sandbox: BlobsSandbox
  let storeCount = 0
  beforeAll(async () => {
    sandbox = await startBlobsSandbox()
  })
  afterAll(() => sandbox.close())

  /** A fresh store of its own (the sandbox is shared), as the clean-up and as raw Blobs. */
  const freshStore = () => {
    const name = `cleanup-${++storeCount}`
    return {
      store: createBlobsEnvelopeStore({ name, client: sandbox.client }),
      raw: getStore({ name, ...sandbox.client }),
    }
  }
  /** A fresh store and `count` real logins through it: as many redeemed envelopes in it. */
  const storeWithLogins = async (count: number) => {
    const { store, raw } = freshStore()
    const d = deployment(ON, { envelopeStore: store })
    const id = identity()
    for (let i = 0; i < count; i++) {
      const envelope = await challengeFor(d, id)
      const signature = await signEnvelope(id, envelope)
      expect((await d.token(post('/api/token', { envelope, signature }))).status).toBe(200)
    }
    return { store, raw }
  }
  const keysOf = async (raw: ReturnType<typeof getStore>) =>
    (await raw.list()).blobs.map((blob) => blob.key).sort()

  it('deletes expired entries of all three key formats through real logins and old-format writes', async () => {
    const { store, raw } = await storeWithLogins(3)
    const written = await keysOf(raw)
    const exp = Math.floor(NOW.getTime() / 1000) + 60
    expect(written).toHaveLength(3)
    for (const key of written) expect(key).toMatch(new RegExp(`^ttp1/${exp}/[A-Za-z0-9_-]{22}$`))
    // Old formats, as earlier versions wrote them: key = nonce (expiry as metadata only), and
    // key = <exp>/<nonce>.
    const oldExpired = nonce()
    const oldFresh = nonce()
    const later = at(60 + AFTER + 1)
    for (const [key, expiresAt] of [
      [oldExpired, at(0)],
      [oldFresh, at(60 + AFTER + 600)],
      [`${exp}/${nonce()}`, at(60)],
    ] as const) {
      await raw.set(key, expiresAt.toISOString(), {
        onlyIfNew: true,
        metadata: { expiresAt: expiresAt.toISOString() },
      })
    }
    await raw.set('not-ours-at-all', 'x') // no expiry anywhere: left alone
    const { response, body } = await runCleanup(store, { now: () => later })
    expect(response.status).toBe(200)
    expect(body).toEqual({
      singleUse: true,
      listed: 6,
      deleted: 5,
      fresh: 1,
      unknown: 0,
      legacy: 3,
      complete: true,
    })
    expect(await keysOf(raw)).toEqual([oldFresh, 'not-ours-at-all'].sort())
  })

  it('never deletes an app’s data in a store shared with it: only its own keys and the exact old shapes', async () => {
    const { store, raw } = await storeWithLogins(2)
    const exp = Math.floor(NOW.getTime() / 1000) + 60
    const long = at(-3600).toISOString()
    // found: before the prefix, '2024/01-report' parsed as an expiry in 1970 and was deleted.
    const app: [string, Record<string, string>?][] = [
      ['2024/01-report'],
      ['2024/02-report'],
      [`1700000000/report.pdf`],
      [`${exp}/${nonce()}x`], // a legacy-looking directory with a name one character too long
      ['notes'],
      [nonce(), { expiresAt: long, owner: 'app' }], // nonce-shaped, not the first store's metadata
      [nonce()],
    ]
    for (const [key, metadata] of app) await raw.set(key, 'app data', { metadata })
    await raw.set(`${exp}/${nonce()}`, 'x', { metadata: { expiresAt: at(60).toISOString() } })
    await raw.set(nonce(), 'x', { metadata: { expiresAt: at(60).toISOString() } })
    const { body } = await runCleanup(store, { now: () => at(60 + AFTER + 1) })
    expect(body).toMatchObject({ listed: 4, deleted: 4, legacy: 2, unknown: 0, complete: true })
    expect(await keysOf(raw)).toEqual(app.map(([key]) => key).sort())
    for (const [key] of app) expect(await raw.get(key)).toBe('app data')
    await expect(store.delete('2024/01-report')).rejects.toThrow(/not an envelope/)
  })

  it('deletes more entries in one run than the old per-run ceiling (5,000)', async () => {
    const { store, raw } = freshStore()
    const count = 5200
    // Written as the token function names them (envelopeKey), as fast as the sandbox takes them.
    const keys = Array.from({ length: count }, () => envelopeKey(nonce(), at(-AFTER - 10)))
    for (let start = 0; start < count; start += 64) {
      await Promise.all(keys.slice(start, start + 64).map((key) => raw.set(key, 'x')))
    }
    await raw.set(envelopeKey(nonce(), at(3600)), 'x') // still fresh
    // The default count bound is gone; the time budget is raised only so that a slow machine
    // cannot make this a test of speed (scripts/bench/cleanup-rate.ts measures that).
    const { body, logs } = await runCleanup(store, { timeBudgetMs: 600_000 })
    expect(body).toMatchObject({ listed: count + 1, deleted: count, fresh: 1, complete: true })
    expect(body.stoppedBy).toBeUndefined()
    expect(logs[0]).toMatchObject({ level: 'info' })
    expect(await keysOf(raw)).toHaveLength(1)
  }, 600_000)

  it('keeps what is fresh, honours maxDeletions, and finishes on the next run', async () => {
    const { store, raw } = await storeWithLogins(5)
    expect((await runCleanup(store, {})).body).toMatchObject({ deleted: 0, fresh: 5 })
    const later = () => at(60 + AFTER + 1)
    expect((await runCleanup(store, { now: later, maxDeletions: 3 })).body).toMatchObject({
      deleted: 3,
      complete: false,
      stoppedBy: 'max_deletions',
    })
    expect(await keysOf(raw)).toHaveLength(2)
    expect((await runCleanup(store, { now: later, maxDeletions: 3 })).body).toMatchObject({
      deleted: 2,
      complete: true,
    })
    expect(await keysOf(raw)).toEqual([])
  })

  it('answers internal_error, logged without the token, when the store is unreachable', async () => {
    const gone = createBlobsEnvelopeStore({
      client: { ...sandbox.client, edgeURL: 'http://127.0.0.1:9' },
    })
    const { response, logs } = await runCleanup(gone, {})
    expect(response.status).toBe(500)
    expect(logs[0]).toMatchObject({ level: 'error', code: 'internal_error' })
    expect(JSON.stringify(logs)).not.toContain(sandbox.token)
  })

  it('answers internal_error when the store refuses the credentials', async () => {
    const wrong = createBlobsEnvelopeStore({ client: { ...sandbox.client, token: 'not-it' } })
    const { response } = await runCleanup(wrong, {})
    expect(response.status).toBe(500)
  })
})
