// Fresh `node` processes: cold starts (spawn → import → one request → exit) and warm throughput
// (one child per function, so no function warms up another's JIT or shares its heap).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILDREN = fileURLToPath(new URL('./children/', import.meta.url))

/** What a child loads and how. */
export interface ChildSpec {
  bundle: string
  kind: 'handler' | 'floor' | 'floor-sign'
  target: 'token' | 'challenge'
  fixtures: string
  env: Record<string, string>
}

/** One throughput result, per concurrency. */
export interface ThroughputResult {
  concurrency: number
  requests: number
  rps: number
  p50Ms: number
  p99Ms: number
}

/** Wall time of one process in milliseconds; throws when it fails. */
function timed(args: string[], env: Record<string, string>): number {
  const started = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`)
  return ms
}

/** Median of a list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Cold starts, interleaved round by round so drift hits every function alike; `bare` is
 * `node -e ''` measured in the same rounds. Returns medians in milliseconds.
 */
export function coldStarts(
  specs: Record<string, ChildSpec>,
  runs: number,
): { bare: number; runs: number; medians: Record<string, number> } {
  const samples: Record<string, number[]> = { bare: [] }
  for (const name of Object.keys(specs)) samples[name] = []
  for (let round = 0; round <= runs; round++) {
    // Round 0 only warms the file system cache.
    const bare = timed(['-e', ''], {})
    if (round > 0) samples.bare!.push(bare)
    for (const [name, spec] of Object.entries(specs)) {
      const { env, ...rest } = spec
      const ms = timed([CHILDREN + 'cold.mjs', JSON.stringify(rest)], env)
      if (round > 0) samples[name]!.push(ms)
    }
  }
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
  return { bare: medians.bare!, runs, medians }
}

/** Throughput settings. */
export interface ThroughputOptions {
  warmupMs: number
  measureMs: number
  /** Serve at least this many even when slower than `measureMs` (slow baselines). */
  minRequests: number
  maxRequests: number
  concurrency: number[]
}

/** Runs the throughput child for one function. */
export function throughput(spec: ChildSpec, options: ThroughputOptions): ThroughputResult[] {
  const { env, ...rest } = spec
  const result = spawnSync(
    process.execPath,
    [CHILDREN + 'throughput.mjs', JSON.stringify({ ...rest, ...options })],
    { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', maxBuffer: 1 << 20 },
  )
  if (result.status !== 0)
    throw new Error(`throughput ${spec.bundle} failed: ${result.stderr.slice(-2000)}`)
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as ThroughputResult[]
}
