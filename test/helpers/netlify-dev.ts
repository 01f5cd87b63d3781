// Runs Netlify's own dev server (`netlify dev --offline`) for tests, on free ports, and stops its
// whole process group afterwards so no stray process survives a test.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface NetlifyDev {
  url: string
  output: () => string
  stop: () => Promise<void>
}

/** Options of {@link startNetlifyDev}. */
export interface NetlifyDevOptions {
  /** Added to the environment; process env wins over `.env` and netlify.toml. */
  env?: Record<string, string>
  /** Extra CLI arguments. */
  args?: string[]
  timeoutMs?: number
  /** `--context` (e.g. 'deploy-preview'); default netlify dev's own ('dev'). */
  context?: string
  /**
   * Run netlify.toml's `[dev] command` (the demo's esbuild watch into site/build). Default false:
   * tests that only call the functions skip it, so parallel instances never rewrite site/build.
   */
  site?: boolean
  /** Project directory to run in (a private copy with its own `.env`); default the repository. */
  cwd?: string
}

/**
 * Starts `netlify dev --offline` with the given environment (process env wins over `.env`).
 * Resolves when the server says it is ready.
 */
export async function startNetlifyDev(options: NetlifyDevOptions = {}): Promise<NetlifyDev> {
  const port = await freePort()
  const functionsPort = await freePort()
  // netlify dev's static server otherwise takes 3999 for every instance: parallel tests race.
  const staticPort = await freePort()
  const child = spawn(
    join(ROOT, 'node_modules/.bin/netlify'),
    [
      'dev',
      '--offline',
      '--port',
      String(port),
      '--functions-port',
      String(functionsPort),
      '--staticServerPort',
      String(staticPort),
      ...(options.context ? ['--context', options.context] : []),
      ...(options.site ? [] : ['--command=']),
      ...(options.args ?? []),
    ],
    {
      cwd: options.cwd ?? ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CI: 'true',
        NO_UPDATE_NOTIFIER: '1',
        BROWSER: 'none',
        // netlify dev downloads Deno unless one is on PATH; the pinned npm `deno` is.
        PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
        ...options.env,
      },
    },
  )
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {
      return
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {}
    }, 5000)
    await exited
    clearTimeout(timer)
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  while (!output.includes('Local dev server ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`netlify dev did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return { url: `http://localhost:${port}`, output: () => output, stop }
}
