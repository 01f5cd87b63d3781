// The scheduled clean-up of single-use mode (SINGLE_USE_ENVELOPES=true): the token function writes
// one entry per login and nothing else removes them. This lists the store once, deletes the
// entries no envelope can match any more, and writes one log line with the counts.
// Threat model: deleting an entry too early would reopen the replay it closes, so an entry goes
// only when its envelope is refused as expired everywhere: past its expiry, the clock-skew
// allowance, and a grace longer than a function may run (a redemption that passed the expiry check
// just in time may still be on its way to the store). Only the project's keys are ever deleted
// (envelope-store.ts), so a store shared with app data loses none of it. Bounded per run by time
// (not by a count: a fixed count would let the store grow without bound above that many logins
// per run), so a run never overruns the function's limit and a backlog drains over several runs.
// Never logs a key.
import { CLOCK_SKEW_SECONDS } from '../core/envelope.ts'
import { configSource, type ConfigSource, type VariableTable } from './config-source.ts'
import { createEndpoint, type HandlerOptions, type RequestHandler } from './endpoint.ts'
import { createBlobsEnvelopeStore, type EnvelopeCleanupStore } from './envelope-store.ts'
import { value } from './env-values.ts'
import type { CleanupCounts } from './log.ts'
import { TEXTILE_VARIABLES, textileConfig } from './textile-config.ts'

/**
 * Seconds past an envelope's expiry plus {@link CLOCK_SKEW_SECONDS} before its entry may go:
 * longer than a Netlify function may run (30 s), plus a second skew allowance between the
 * clean-up's clock and the token function's.
 */
export const CLEANUP_GRACE_SECONDS = 60

/** Default bounds of one clean-up run. */
export const CLEANUP_DEFAULTS = {
  /** Milliseconds after which no new work starts (Netlify stops a scheduled function at 30 s). */
  timeBudgetMs: 20_000,
  /** Deletions in flight at once. */
  concurrency: 8,
} as const

/** Options of {@link createEnvelopeCleanupHandler}. */
export interface EnvelopeCleanupOptions extends Pick<HandlerOptions, 'env' | 'now' | 'logger'> {
  /** The store to clean; default Netlify Blobs ({@link createBlobsEnvelopeStore}). */
  envelopeStore?: EnvelopeCleanupStore
  /** At most this many deletions per run (default: no count, only `timeBudgetMs`). */
  maxDeletions?: number
  /** No new listing or deletion starts after this many milliseconds (default 20,000). */
  timeBudgetMs?: number
  /** Deletions in flight at once (default 8). */
  concurrency?: number
}

/** The 200 body of a clean-up run (a scheduled function's response is ignored by Netlify). */
export type EnvelopeCleanupResponse = CleanupCounts

/**
 * Creates the scheduled function that deletes expired single-use entries. A no-op (the store is
 * never opened) unless `SINGLE_USE_ENVELOPES=true`.
 *
 * @throws `TypeError` for a bound that is not a positive whole number.
 * @example
 * export default createEnvelopeCleanupHandler()
 * export const config = { schedule: '@hourly' }
 */
export function createEnvelopeCleanupHandler(options: EnvelopeCleanupOptions = {}): RequestHandler {
  const maxDeletions = bound(options.maxDeletions, 'maxDeletions', Number.POSITIVE_INFINITY)
  const timeBudgetMs = bound(options.timeBudgetMs, 'timeBudgetMs', CLEANUP_DEFAULTS.timeBudgetMs)
  const concurrency = bound(options.concurrency, 'concurrency', CLEANUP_DEFAULTS.concurrency)
  let store: EnvelopeCleanupStore | undefined

  return createEndpoint(
    {
      name: 'cleanup-envelopes',
      // Netlify invokes a scheduled function with a POST whose body (`next_run`) is not needed.
      methods: ['POST'],
      body: 'ignore',
      event: 'cleanup',
      config: cleanupConfig,
      origins: 'none',
      scrubError: scrubKeys,
      async run({ config, now, log }) {
        const started = performance.now()
        const counts: CleanupCounts = {
          singleUse: config.singleUse,
          listed: 0,
          deleted: 0,
          fresh: 0,
          unknown: 0,
          legacy: 0,
          complete: true,
        }
        try {
          if (config.singleUse) {
            store ??= options.envelopeStore ?? createBlobsEnvelopeStore()
            const cutoff = now.getTime() - (CLOCK_SKEW_SECONDS + CLEANUP_GRACE_SECONDS) * 1000
            await prune(store, counts, {
              cutoff,
              deadline: started + timeBudgetMs,
              maxDeletions,
              concurrency,
            })
          }
        } catch (error) {
          counts.stoppedBy = 'error'
          throw error
        } finally {
          counts.complete = counts.stoppedBy === undefined
          if (!counts.complete) log.level = 'warn'
          log.fields = { ...counts }
        }
        const body: EnvelopeCleanupResponse = counts
        return { body }
      },
    },
    { env: options.env, now: options.now, logger: options.logger },
  )
}

/** The variables of the clean-up: the flag it reads, and the store's access, which Blobs reads. */
export const CLEANUP_VARIABLES = {
  SINGLE_USE_ENVELOPES: TEXTILE_VARIABLES.SINGLE_USE_ENVELOPES,
  /** Netlify Blobs' access for this invocation (Netlify's bootstrap sets it). */
  NETLIFY_BLOBS_CONTEXT: { secret: true, netlify: true, read: value },
} as const satisfies VariableTable

const cleanupTable = configSource(CLEANUP_VARIABLES, async (vars) => ({
  singleUse: vars.SINGLE_USE_ENVELOPES,
}))

// The site's secrets are redacted too, though the clean-up reads none: a logged error (a store's
// message, say) can never carry one.
const cleanupConfig: ConfigSource<{ singleUse: boolean }> = {
  ...cleanupTable,
  secrets: [...textileConfig.secrets, ...cleanupTable.secrets],
}

/**
 * One pass over the store: delete what expired before `cutoff` (now minus skew and grace: an entry
 * goes once `now > expiry + skew + grace`, as `openChallenge` refuses once `now > expiry + skew`),
 * within the bounds.
 */
async function prune(
  store: EnvelopeCleanupStore,
  counts: CleanupCounts,
  limits: { cutoff: number; deadline: number; maxDeletions: number; concurrency: number },
): Promise<void> {
  const running = new Set<Promise<void>>()
  let started = 0
  let failed: { error: unknown } | undefined
  try {
    for await (const entry of store.entries()) {
      if (failed) break
      if (performance.now() >= limits.deadline) {
        counts.stoppedBy = 'time_budget'
        break
      }
      const expiresAt = entry.expiresAt?.getTime()
      if (entry.foreign) continue // another app's data in a shared store: never touched
      if (expiresAt !== undefined && expiresAt < limits.cutoff && started >= limits.maxDeletions) {
        counts.stoppedBy = 'max_deletions'
        break
      }
      counts.listed++
      if (entry.legacy) counts.legacy++
      if (expiresAt === undefined) counts.unknown++
      else if (expiresAt >= limits.cutoff) counts.fresh++
      else {
        started++
        const task: Promise<void> = store.delete(entry.key).then(
          () => void counts.deleted++,
          (error: unknown) => void (failed ??= { error }),
        )
        running.add(task)
        void task.then(() => running.delete(task))
        if (running.size >= limits.concurrency) await Promise.race(running)
      }
    }
  } finally {
    await Promise.all(running)
  }
  if (failed) throw failed.error
}

function bound(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive whole number`)
  }
  return value
}

/**
 * Replaces anything shaped like an entry's key (`ttp1/<exp>/<nonce>`, `<exp>/<nonce>`, or a bare
 * 22-character nonce) in a logged error message, so no envelope content is logged.
 */
function scrubKeys(text: string): string {
  return text
    .replace(/(?:ttp1(?:\/|%2F))?\d+(?:\/|%2F)[A-Za-z0-9_-]+/gi, '[key]')
    .replace(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g, '[key]')
}
