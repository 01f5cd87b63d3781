// Warm throughput and latency of one bundled function in a fresh process: warm up, then serve
// pre-built requests sequentially and at each concurrency. Prints one JSON line.
import { load } from './load.mjs'

const spec = JSON.parse(process.argv[2])
const { prepare, run } = await load(spec)
// The functions' one log line per request is the host's to write; keep it off the pipe.
console.log = () => {}

async function measure(concurrency, ms, max) {
  const calls = prepare(max)
  const latencies = []
  let next = 0
  const started = performance.now()
  const deadline = started + ms
  const worker = async () => {
    while (next < calls.length && (performance.now() < deadline || next < spec.minRequests)) {
      const call = calls[next++]
      const t = performance.now()
      await run(call)
      latencies.push(performance.now() - t)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = performance.now() - started
  latencies.sort((a, b) => a - b)
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]
  return {
    concurrency,
    requests: latencies.length,
    rps: (latencies.length / elapsed) * 1000,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  }
}

await measure(1, spec.warmupMs, spec.maxRequests)
const results = []
for (const concurrency of spec.concurrency) {
  results.push(await measure(concurrency, spec.measureMs, spec.maxRequests))
}
process.stdout.write(JSON.stringify(results) + '\n')
