// Measures what the client costs the websocket server: one socket, N pipelined
// `{"type":"token"}` requests, no answer ever read. Runs the `npm run ws-server` entry in a child
// process and samples its resident memory from /proc (Linux only).
// Usage: node --import tsx scripts/bench/ws-pipeline-memory.ts [requests=60000] [seconds=20]
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PrivateKey } from '@textile/hub'
import { WebSocket } from 'ws'
import { SECRETS } from '../../test/helpers/deployment.ts'

const requests = Number(process.argv[2] ?? 60_000)
const seconds = Number(process.argv[3] ?? 20)
const root = fileURLToPath(new URL('../..', import.meta.url))
const MiB = 1024 * 1024

const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/ws-server.ts'], {
  cwd: root,
  env: {
    PATH: process.env.PATH,
    ...SECRETS,
    PORT: '0',
    HOST: '127.0.0.1',
    WS_LOGINS_PER_MINUTE: '1000000', // measure flow control, not the rate limit
  },
  stdio: ['ignore', 'pipe', 'inherit'],
})
const url = await new Promise<string>((resolve, reject) => {
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk
    const match = /listening on (\S+)/.exec(out)
    if (match) resolve(match[1]!)
  })
  child.once('exit', () => reject(new Error(`ws-server exited: ${out}`)))
})
child.stdout.resume()
const rss = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
}
const open = async () => {
  const socket = new WebSocket(url)
  await new Promise((resolve) => socket.once('open', resolve))
  return socket
}

// Warm up (config, handlers, JIT) with one ordinary exchange, then take the baseline.
const pubkey = PrivateKey.fromRandom().public.toString()
const warm = await open()
warm.send(JSON.stringify({ type: 'token', pubkey }))
await new Promise((resolve) => warm.once('message', resolve))
warm.close()
await new Promise((resolve) => setTimeout(resolve, 500))
const baseline = rss()

const socket = await open()
socket.pause()
let closedAt: number | undefined
const started = performance.now()
socket.once('close', () => (closedAt = performance.now() - started))
const message = JSON.stringify({ type: 'token', pubkey })
for (let i = 0; i < requests; i++) socket.send(message)
const sentBytes = requests * (message.length + 6 + 4) // payload, masked header

let peak = baseline
while (performance.now() - started < seconds * 1000) {
  peak = Math.max(peak, rss())
  await new Promise((resolve) => setTimeout(resolve, 100))
}
// Now read whatever the server sent, to count the answers and see how it ended.
let answers = 0
socket.on('message', () => answers++)
socket.resume()
await new Promise((resolve) => setTimeout(resolve, 3000))
console.log(
  JSON.stringify({
    requests,
    sentMiB: +(sentBytes / MiB).toFixed(1),
    baselineMiB: +(baseline / MiB).toFixed(1),
    peakGrowthMiB: +((peak - baseline) / MiB).toFixed(1),
    answersRead: answers,
    closedAfterMs: closedAt === undefined ? null : Math.round(closedAt),
  }),
)
socket.terminate()
child.kill()
process.exit(0)
