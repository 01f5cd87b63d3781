// `npm start`: the local hub emulator and `netlify dev` together, offline, on a fresh clone.
// First run writes `.env` with emulator credentials; Ctrl-C stops both and leaves no process.
// Everything listens on 127.0.0.1 only: whoever reaches these ports can mint development
// credentials. netlify dev has no host option, so two small shims in scripts/loopback/ make its
// Node servers and its Deno edge server bind loopback.
// Options: --port <site port, 8888> --emulator-port <6007> --dotenv <path, .env>
import { spawn } from 'node:child_process'
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
  emulator = await startEmulator({
    host: '127.0.0.1',
    port: Number(args['emulator-port'] ?? (hubUrl?.port || EMULATOR_PORT)),
    hostKey: env.EMULATOR_HOST_KEY ?? env.HUB_ISSUER_KEY,
    apiKeys: [{ key: env.USER_API_KEY, secret: env.USER_API_SECRET }],
  })
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

let ready = false
const forward = (chunk: Buffer, to: NodeJS.WriteStream) => {
  to.write(chunk)
  if (!ready && chunk.toString().includes('Local dev server ready')) {
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
