// The scheduled clean-up of single-use mode (SINGLE_USE_ENVELOPES=true): the token function writes
// one entry per login and nothing else removes them. This lists the store once, deletes the
// entries no envelope can match any more, and writes one log line with the counts.
// Threat model: deleting an entry too early would reopen the replay it closes, so an entry goes
// only when its envelope is refused as expired everywhere: past its expiry, the clock-skew
// allowance, and a grace longer than a function may run (a redemption that passed the expiry check
// just in time may still be on its way to the store). Bounded per run (deletions and time), so a
// backlog drains over several runs instead of overrunning the function's limit. Never logs a key.
import { CLOCK_SKEW_SECONDS } from '../core/envelope.ts'
import { TokenProviderError } from '../core/errors.ts'
import { secretValues } from './config-source.ts'
import { defaultEnv, requestIdOf, type RequestHandler } from './endpoint.ts'
import { createBlobsEnvelopeStore, type EnvelopeCleanupStore } from './envelope-store.ts'
import { flag, type Env } from './env-values.ts'
import { consoleLogger, redact, type CleanupCounts, type Logger } from './log.ts'
import { problemResponse } from './problem.ts'
import { textileConfig } from './textile-config.ts'

/**
 * Seconds past an envelope's expiry plus {@link CLOCK_SKEW_SECONDS} before its entry may go:
 * longer than a Netlify function may run (30 s), plus a second skew allowance between the
 * clean-up's clock and the token function's.
 */
export const CLEANUP_GRACE_SECONDS = 60

/** Default bounds of one clean-up run. */
export const CLEANUP_DEFAULTS = {
  /** Deletions per run; the rest waits for the next run. */
  maxDeletions: 5000,
  /** Milliseconds after which no new work starts (Netlify stops a scheduled function at 30 s). */
  timeBudgetMs: 20_000,
  /** Deletions in flight at once. */
  concurrency: 8,
} as const

/** Options of {@link createEnvelopeCleanupHandler}. */
export interface EnvelopeCleanupOptions {
  /** Where `SINGLE_USE_ENVELOPES` is read; default `process.env` (or `Netlify.env`). */
  env?: () => Env
  /** The clock that decides what has expired; default the wall clock. */
  now?: () => Date
  /** Where the one log line per run goes; default JSON on the console. */
  logger?: Logger
  /** The store to clean; default Netlify Blobs ({@link createBlobsEnvelopeStore}). */
  envelopeStore?: EnvelopeCleanupStore
  /** At most this many deletions per run (default 5000). */
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
  const maxDeletions = bound(options.maxDeletions, 'maxDeletions', CLEANUP_DEFAULTS.maxDeletions)
  const timeBudgetMs = bound(options.timeBudgetMs, 'timeBudgetMs', CLEANUP_DEFAULTS.timeBudgetMs)
  const concurrency = bound(options.concurrency, 'concurrency', CLEANUP_DEFAULTS.concurrency)
  const readEnv = options.env ?? defaultEnv
  const now = options.now ?? (() => new Date())
  const logger = options.logger ?? consoleLogger
  let store: EnvelopeCleanupStore | undefined

  return async (request, context) => {
    const started = performance.now()
    const requestId = requestIdOf(request, context)
    const env = readEnv()
    const counts: CleanupCounts = {
      singleUse: false,
      listed: 0,
      deleted: 0,
      fresh: 0,
      unknown: 0,
      legacy: 0,
      complete: true,
    }
    let failure: unknown
    try {
      counts.singleUse = flag(env, 'SINGLE_USE_ENVELOPES')
      if (counts.singleUse) {
        store ??= options.envelopeStore ?? createBlobsEnvelopeStore()
        const cutoff = now().getTime() - (CLOCK_SKEW_SECONDS + CLEANUP_GRACE_SECONDS) * 1000
        await prune(store, counts, {
          cutoff,
          deadline: started + timeBudgetMs,
          maxDeletions,
          concurrency,
        })
      }
    } catch (error) {
      failure = error
      counts.stoppedBy = 'error'
    }
    counts.complete = counts.stoppedBy === undefined

    const coded = failure === undefined ? undefined : TokenProviderError.from(failure)
    const response = coded
      ? problemResponse(coded, { requestId })
      : new Response(JSON.stringify(counts satisfies EnvelopeCleanupResponse), {
          headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
        })
    logger({
      level: coded ? 'error' : counts.complete ? 'info' : 'warn',
      event: 'cleanup',
      fn: 'cleanup-envelopes',
      requestId,
      method: request.method,
      status: response.status,
      ...(coded && { code: coded.code }),
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(coded?.code === 'internal_error' && { error: describe(failure, env) }),
      cleanup: counts,
    })
    return response
  }
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
 * The error's name and message for the log: secrets redacted, and anything shaped like an entry's
 * key (`<exp>/<nonce>`, or a bare 22-character nonce) replaced, so no envelope content is logged.
 */
function describe(error: unknown, env: Env): string {
  const cause = error instanceof TokenProviderError ? error.cause : error
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : typeof cause
  // Scrubbed and redacted before it is cut, so a cut never leaves part of a key or secret behind.
  const scrubbed = text
    .replace(/\d+(?:\/|%2F)[A-Za-z0-9_-]+/gi, '[key]')
    .replace(/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g, '[key]')
  const secrets = [...secretValues(textileConfig, env), env.NETLIFY_BLOBS_CONTEXT]
  return redact(scrubbed, secrets).slice(0, 300)
}
