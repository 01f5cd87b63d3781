// `npm start`: the local hub emulator and `netlify dev` together, offline, on a fresh clone.
// First run writes `.env` with emulator credentials; Ctrl-C stops both and leaves no process.
// Everything listens on 127.0.0.1 only: whoever reaches these ports can mint development
// credentials. netlify dev has no host option, so two small shims in scripts/loopback/ make its
// Node servers and its Deno edge server bind loopback.
// "ready" is printed once netlify dev serves and its [dev] command has built the page's script (a
// page opened earlier had no script yet). A port in use is one line naming the flag that moves it.
// Options: --port <site port, 8888> --emulator-port <6007> --dotenv <path, .env>
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { startEmulator, type Emulator } from '../src/emulator/index.ts'
import { EMULATOR_PORT, ensureDevEnv } from '../src/cli/env-file.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const started = performance.now()
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8888' },
    'emulator-port': { type: 'string' },
    dotenv: { type: 'string', default: join(ROOT, '.env') },
  },
})

/** Stops with one line: what is wrong and which flag or file fixes it. No stack. */
function fail(message: string): never {
  console.error(`npm start: ${message}`)
  process.exit(1)
}

function readPort(flag: string, value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    fail(`${flag} must be a port number from 1 to 65535, not "${value.slice(0, 20)}"`)
  }
  return port
}

/** Whether nothing listens on 127.0.0.1:`port` (netlify dev and the emulator bind there). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

function portInUse(port: number, flag: string, why = ''): string {
  return `port ${port} is already in use${why}: stop what listens there, or pick another port with ${flag} <port>`
}

const sitePort = readPort('--port', args.port)
if (!(await portIsFree(sitePort))) fail(portInUse(sitePort, '--port'))

const { values: env, created } = await ensureDevEnv(args.dotenv)
if (created) console.log(`Wrote ${args.dotenv} with fresh credentials for the local hub emulator.`)
if (!env.USER_API_KEY || !env.USER_API_SECRET) {
  console.error(`${args.dotenv} has no USER_API_KEY / USER_API_SECRET: see .env.example.`)
  process.exit(1)
}

// The emulator runs unless HUB_URL points at a hub elsewhere (then `npm start` is netlify dev only).
const hubUrl = env.HUB_URL ? new URL(env.HUB_URL) : undefined
const local = !hubUrl || ['127.0.0.1', 'localhost', '[::1]'].includes(hubUrl.hostname)
let emulator: Emulator | undefined
if (local) {
  const flagged = args['emulator-port'] !== undefined
  const port = readPort(
    '--emulator-port',
    args['emulator-port'] ?? (hubUrl?.port || `${EMULATOR_PORT}`),
  )
  const why = !flagged && hubUrl?.port ? ` (HUB_URL in ${args.dotenv} names it)` : ''
  if (!(await portIsFree(port))) fail(portInUse(port, '--emulator-port', why))
  emulator = await startEmulator({
    host: '127.0.0.1',
    port,
    hostKey: env.EMULATOR_HOST_KEY ?? env.HUB_ISSUER_KEY,
    apiKeys: [{ key: env.USER_API_KEY, secret: env.USER_API_SECRET }],
  }).catch((error: NodeJS.ErrnoException) =>
    // Taken between the check and the listen.
    error.code === 'EADDRINUSE'
      ? fail(portInUse(port, '--emulator-port', why))
      : Promise.reject(error),
  )
}

const netlify = spawn(
  join(ROOT, 'node_modules', '.bin', 'netlify'),
  ['dev', '--offline', '--port', args.port],
  {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      ...(emulator && { HUB_URL: emulator.url }),
      BROWSER: 'none',
      NO_UPDATE_NOTIFIER: '1',
      // netlify dev downloads Deno unless one is on PATH; the pinned npm `deno` is.
      PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
      // Its proxy and functions server listen on 127.0.0.1 instead of every interface.
      NODE_OPTIONS: [
        process.env.NODE_OPTIONS,
        `--import=${pathToFileURL(join(ROOT, 'scripts/loopback/node-listen.mjs')).href}`,
      ]
        .filter(Boolean)
        .join(' '),
      // Netlify's own edge bootstrap from npm (pinned @netlify/edge-functions-dev) instead of a
      // download from edge.netlify.com, so the edge functions load offline too; wrapped so that
      // its Deno server listens on 127.0.0.1.
      NETLIFY_EDGE_BOOTSTRAP:
        process.env.NETLIFY_EDGE_BOOTSTRAP ??
        pathToFileURL(join(ROOT, 'scripts/loopback/edge-bootstrap.mjs')).href,
    },
  },
)

// Ready when both have said so: netlify dev serves, and the [dev] command (scripts/build-site.ts
// --watch) has finished its first build, config.json last. Lines may arrive split over chunks.
const BUILT = /build-site: config\.json and _headers/
let seen = ''
let serving = false
let built = false
let ready = false
const forward = (chunk: Buffer, to: NodeJS.WriteStream) => {
  to.write(chunk)
  if (ready) return
  seen = (seen + chunk.toString()).slice(-4096)
  serving ||= seen.includes('Local dev server ready')
  built ||= BUILT.test(seen)
  if (serving && built) {
    ready = true
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const mode = env.HUB_ISSUER_KEY ? 'issuer mode' : 'hub-challenge mode'
    console.log(
      [
        '',
        `textile-token-provider is ready in ${seconds} s (${mode})`,
        `  site + functions  http://localhost:${args.port}  (POST /api/challenge, POST /api/token)`,
        process.env.NETLIFY_EDGE_BOOTSTRAP
          ? '  (127.0.0.1 only, except the edge server of your own NETLIFY_EDGE_BOOTSTRAP)'
          : '  (this machine only: nothing listens beyond 127.0.0.1)',
        `  hub               ${emulator ? `${emulator.url}  (local emulator)` : env.HUB_URL}`,
        '  Ctrl-C stops everything.',
        '',
      ].join('\n'),
    )
  }
}
netlify.stdout.on('data', (chunk: Buffer) => forward(chunk, process.stdout))
netlify.stderr.on('data', (chunk: Buffer) => forward(chunk, process.stderr))

let stopping: Promise<never> | undefined
/** Stops netlify dev (its whole process group) and the emulator, once, then exits. */
function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    if (netlify.exitCode === null && netlify.signalCode === null) {
      const exited = new Promise((resolve) => netlify.once('exit', resolve))
      signalGroup('SIGTERM')
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    await emulator?.close()
    process.exit(code)
  })()
  return stopping
}

function signalGroup(signal: NodeJS.Signals) {
  try {
    process.kill(-netlify.pid!, signal)
  } catch {
    // Already gone.
  }
}

process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
netlify.on('exit', (code) => void stop(code ?? 1))
