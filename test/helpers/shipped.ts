// What Netlify ships, checked as shipped: `netlify build --offline` in a project folder, its
// function manifest, each function zip unpacked on its own, and the function module run in a clean
// Node process whose environment is only what a deployed function gets at run time
// (docs/netlify-platform.md: UI/CLI variables plus URL, SITE_ID, SITE_NAME; never netlify.toml).
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { unzipSync } from 'fflate'
import type { Transport } from './login.ts'
import { ROOT } from './netlify-dev.ts'

/** Netlify's function manifest (`.netlify/functions/manifest.json`), the parts tests read. */
export interface FunctionManifest {
  functions: Array<{
    name: string
    path: string
    runtime: string
    runtimeVersion?: string
    routes?: Array<{ pattern: string; literal?: string; methods?: string[] }>
    /** A scheduled function's `config.schedule`. */
    schedule?: string
    trafficRules?: {
      action: { type: string; config: { rateLimitConfig: RateLimitRule } & Record<string, unknown> }
    }
    mainFile: string
  }>
}

/** The rate-limit part of a traffic rule, as netlify build writes it. */
export interface RateLimitRule {
  windowLimit: number
  windowSize: number
  algorithm: string
}

/** A finished command: exit code and everything it printed. */
export interface Ran {
  code: number | null
  output: string
}

/** Runs a command to the end (never throws for a non-zero exit). */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

/** The environment for netlify-cli runs: quiet, offline, the pinned Deno on PATH. */
export function netlifyEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CI: 'true',
    NO_UPDATE_NOTIFIER: '1',
    BROWSER: 'none',
    PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
    ...extra,
  }
}

/**
 * Runs `netlify build --offline` in `dir` and returns its function manifest.
 *
 * @throws when the build fails (with its output).
 */
export async function netlifyBuild(
  dir: string,
  env: Record<string, string> = {},
): Promise<FunctionManifest> {
  const built = await run(join(ROOT, 'node_modules/.bin/netlify'), ['build', '--offline'], {
    cwd: dir,
    env: netlifyEnv(env),
  })
  if (built.code !== 0) throw new Error(`netlify build failed:\n${built.output}`)
  return JSON.parse(readFileSync(join(dir, '.netlify/functions/manifest.json'), 'utf8'))
}

/** One unpacked function zip: its folder and the function module its entry point names. */
export interface Unpacked {
  dir: string
  /** Path of the function module inside `dir`, from `___netlify-entry-point.mjs`. */
  module: string
  files: string[]
}

/**
 * Unpacks a function zip into a fresh folder of its own.
 *
 * @example
 * const fn = unpackFunction('/site/.netlify/functions/token.zip')
 */
export function unpackFunction(zipPath: string): Unpacked {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-zip-'))
  const entries = unzipSync(new Uint8Array(readFileSync(zipPath)))
  for (const [name, bytes] of Object.entries(entries)) {
    if (name.endsWith('/')) continue
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), bytes)
  }
  const entry = readFileSync(join(dir, '___netlify-entry-point.mjs'), 'utf8')
  const named = /getLambdaHandler\(\s*['"]([^'"]+)['"]/.exec(entry)
  if (!named) throw new Error(`no function module named in the entry point:\n${entry}`)
  return { dir, module: named[1]!, files: Object.keys(entries) }
}

/** A request to replay against a shipped function, and the `context` Netlify would pass. */
export interface ShippedCall {
  url: string
  method?: string
  headers?: Record<string, string>
  body?: string
  /**
   * Netlify Blobs access as the platform passes it in the invocation event (base64 JSON
   * `{url, token}`); the bootstrap makes NETLIFY_BLOBS_CONTEXT of it with the `x-nf-site-id` header.
   */
  blobs?: string
}

/** What a shipped function answered. */
export interface ShippedAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

/** Options of {@link openShipped} and {@link callShipped}. */
export interface ShippedOptions {
  env: Record<string, string>
  deployContext: string
  /** The Node binary; default the one running this process. */
  node?: string
}

/** A shipped function running in its own process, serving one call at a time. */
export interface ShippedProcess {
  /** `performance.now()` of this process just before the spawn. */
  spawnedAt: number
  /** Serves one call; `at` is `performance.now()` here when its answer arrived. */
  call(call: ShippedCall): Promise<ShippedAnswer & { at: number }>
  /** Ends the process (stdin closed) and waits for its exit. */
  close(): Promise<void>
}

// The child: Netlify's bootstrap through the zip's entry point, fed one JSON call per stdin line;
// each answer is one stdout line after a marker (the function's own log lines go there too).
const CHILD = `
  import { PassThrough } from 'node:stream'
  import { createInterface } from 'node:readline'
  globalThis.awslambda = {
    streamifyResponse: (handler) => handler,
    HttpResponseStream: { from: (stream, prelude) => Object.assign(stream, { prelude }) },
  }
  const { handler } = await import('./___netlify-entry-point.mjs')
  const deployContext = process.argv[1]
  let i = 0
  for await (const line of createInterface({ input: process.stdin })) {
    const call = JSON.parse(line)
    const stream = new PassThrough()
    const chunks = []
    stream.on('data', (chunk) => chunks.push(chunk))
    const done = new Promise((resolve) => stream.on('end', resolve))
    const event = {
      rawUrl: call.url,
      httpMethod: call.method ?? 'GET',
      headers: {
        ...call.headers,
        'x-nf-deploy-context': deployContext,
        'x-nf-request-id': 'shipped-' + i,
      },
      body: call.body ?? '',
      isBase64Encoded: false,
      flags: {},
      ...(call.blobs && { blobs: call.blobs }),
    }
    const context = {
      awsRequestId: 'aws-' + i++,
      getRemainingTimeInMillis: () => 10_000,
      clientContext: {},
    }
    await handler(event, stream, context)
    await done
    const headers = {}
    for (const [name, values] of Object.entries(stream.prelude?.multiValueHeaders ?? {})) {
      headers[name.toLowerCase()] = values.join(', ')
    }
    const answer = {
      status: stream.prelude?.statusCode,
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }
    process.stdout.write('\\n@@' + JSON.stringify(answer) + '\\n')
  }
`

/**
 * Runs an unpacked zip as Netlify does: a clean Node process (cwd = the zip's folder, environment
 * = `env` only, no NODE_OPTIONS) imports `___netlify-entry-point.mjs` and calls its Lambda handler
 * once per call, with a Lambda streaming event like Netlify's and the few `awslambda` runtime
 * globals the bootstrap uses. So Netlify's own bootstrap builds the `Request` and the `context`
 * (deploy context from `x-nf-deploy-context`, site from URL/SITE_ID/SITE_NAME). Calls are sent one
 * at a time, so a later call may depend on an earlier answer (a login in one warm instance).
 *
 * @example
 * const fn = openShipped(unpacked, { env, deployContext: 'production' })
 * const answer = await fn.call({ url, method: 'POST', headers, body })
 * await fn.close()
 */
export function openShipped(fn: Unpacked, options: ShippedOptions): ShippedProcess {
  const spawnedAt = performance.now()
  const child = spawn(
    options.node ?? process.execPath,
    ['--input-type=module', '-e', CHILD, options.deployContext],
    {
      cwd: fn.dir,
      env: { ...options.env, PATH: '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  )
  let output = ''
  let pending = ''
  const waiting: Array<{
    resolve: (answer: ShippedAnswer & { at: number }) => void
    reject: (error: Error) => void
  }> = []
  let failure: Error | undefined
  const fail = (error: Error) => {
    failure ??= error
    for (const waiter of waiting.splice(0)) waiter.reject(failure)
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  child.stderr.on('data', (chunk) => (output += chunk))
  // A call written after the process died fails through `close`, not as an unhandled EPIPE.
  child.stdin.on('error', () => {})
  child.stdout.on('data', (chunk: Buffer) => {
    const at = performance.now()
    output += chunk
    pending += chunk
    let newline: number
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline)
      pending = pending.slice(newline + 1)
      if (line.startsWith('@@')) {
        waiting.shift()?.resolve({ ...(JSON.parse(line.slice(2)) as ShippedAnswer), at })
      }
    }
  })
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      fail(error)
      resolve()
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      if (code !== 0 || waiting.length > 0) {
        fail(new Error(`shipped function failed (exit ${code}):\n${output.slice(-4000)}`))
      }
      resolve()
    })
  })
  return {
    spawnedAt,
    call(call) {
      if (failure) return Promise.reject(failure)
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject })
        child.stdin.write(JSON.stringify(call) + '\n')
      })
    },
    async close() {
      child.stdin.end()
      await exited
      if (failure) throw failure
    },
  }
}

/**
 * Runs the calls, in order, in one fresh process of the zip ({@link openShipped}).
 *
 * @throws when the process fails (with the end of its output).
 */
export async function callShipped(
  fn: Unpacked,
  options: ShippedOptions & { calls: ShippedCall[] },
): Promise<ShippedAnswer[]> {
  const running = openShipped(fn, options)
  const answers: ShippedAnswer[] = []
  try {
    for (const call of options.calls) {
      const { at: _at, ...answer } = await running.call(call)
      answers.push(answer)
    }
  } finally {
    await running.close().catch((error: unknown) => {
      if (answers.length === options.calls.length) throw error
    })
  }
  return answers
}

/**
 * The one login's {@link Transport} (test/helpers/login.ts) over shipped functions: each request
 * goes to `origin` + path through `serve` (one process's `call`, or a fresh process of the zip
 * that serves the path), and its answer comes back as a Response.
 *
 * @example
 * const transport = shippedTransport(SITE, (call) => running.call(call))
 * const { redeemed } = await login({ transport, signer: signerOf(identity()) })
 */
export function shippedTransport(
  origin: string,
  serve: (call: ShippedCall) => Promise<ShippedAnswer>,
): Transport {
  return async (path, init) => {
    const answer = await serve({
      url: origin + path,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: String(init.body),
    })
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  }
}
