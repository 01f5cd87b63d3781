// Drives full logins (challenge → sign → token) at a fixed concurrency and measures them.
import { login, type Transport } from '../../test/helpers/login.ts'
import type { PoolIdentity } from './identities.ts'

/** Options of {@link runLogins}. */
export interface RunLoginsOptions {
  transport: Transport
  identities: readonly PoolIdentity[]
  count: number
  concurrency: number
}

/** What {@link runLogins} measured. */
export interface RunLoginsResult {
  count: number
  elapsedMs: number
  /** Per login, milliseconds, sorted. */
  latencies: number[]
  /** Final status of each login (the challenge's when it failed) → count. */
  statuses: Record<string, number>
  /** Logins that did not end in a 200 with a UserAuth, or threw. */
  errors: number
}

/** One full login; returns the final status (`-1` for a 200 without a UserAuth). */
export async function loginOnce(transport: Transport, id: PoolIdentity): Promise<number> {
  const { challenge, redeemed } = await login({ transport, signer: id })
  const last = redeemed ?? challenge
  if (last.status !== 200) {
    await last.body?.cancel()
    return last.status
  }
  const auth = (await last.json()) as { key?: unknown; sig?: unknown; msg?: unknown }
  return typeof auth.key === 'string' &&
    typeof auth.sig === 'string' &&
    typeof auth.msg === 'string'
    ? 200
    : -1
}

/**
 * Runs `count` logins with at most `concurrency` in flight, identities taken round-robin.
 *
 * @example
 * const result = await runLogins({ transport, identities, count: 10_000, concurrency: 100 })
 */
export async function runLogins(options: RunLoginsOptions): Promise<RunLoginsResult> {
  const { transport, identities, count, concurrency } = options
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let next = 0
  let errors = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      const started = performance.now()
      let status: number
      try {
        status = await loginOnce(transport, identities[i % identities.length]!)
      } catch {
        status = 0
      }
      latencies.push(performance.now() - started)
      statuses[status] = (statuses[status] ?? 0) + 1
      if (status !== 200) errors++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  const elapsedMs = performance.now() - started
  latencies.sort((a, b) => a - b)
  return { count, elapsedMs, latencies, statuses, errors }
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}
