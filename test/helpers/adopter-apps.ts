// The adopter tier's apps: the fixture apps (test/adopter/fixtures) copied into a temporary folder
// outside the repository, with the packed tarball, @textile/hub and the bundlers installed from
// the npm registry once (one node_modules that every app links to, as its own), then
// `npx textile-token-provider init` in each, the package's hub emulator (`textile-token-provider
// emulator --write-env`, the documented offline workflow) and the apps' own builds.
import { spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, stat, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { transform } from 'esbuild'
import { ROOT } from './netlify-dev.ts'
import { run } from './shipped.ts'

const FIXTURES = join(ROOT, 'test/adopter/fixtures')

/** The fixture apps, by folder name. */
export const APPS = ['vite-app', 'webpack-app'] as const
export type AppName = (typeof APPS)[number]

/** The installed apps. */
export interface AdopterApps {
  /** The temporary folder holding `shared/` (the one node_modules) and one folder per app. */
  root: string
  dir: Record<AppName, string>
}

/**
 * Copies the fixture apps, installs their dependencies once (`npm install --prefer-offline` of
 * the union of their package.json files, with `textile-token-provider` as `file:<tarball>`, as
 * `npm i <tarball>` writes it), links that node_modules into each app, copies the shared notes
 * feature into the Vite app, writes its late.html from its index.html, writes the webpack app's
 * JavaScript from the Vite app's TypeScript ({@link webpackSource}) and runs `init` in each app.
 *
 * @throws when npm install or init fails (with its output).
 */
export async function installApps(tarball: string): Promise<AdopterApps> {
  const root = await mkdtemp(join(tmpdir(), 'ttp-adopter-'))
  const dir = Object.fromEntries(APPS.map((app) => [app, join(root, app)])) as AdopterApps['dir']
  const dependencies: Record<string, string> = {}
  const devDependencies: Record<string, string> = {}
  for (const app of APPS) {
    await cp(join(FIXTURES, app), dir[app], { recursive: true })
    const pkgPath = join(dir[app], 'package.json')
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    pkg.dependencies['textile-token-provider'] = `file:${tarball}`
    writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n')
    Object.assign(dependencies, pkg.dependencies)
    Object.assign(devDependencies, pkg.devDependencies)
  }
  const vite = dir['vite-app']
  copyFileSync(join(FIXTURES, 'shared/notes.ts'), join(vite, 'src/notes.ts'))
  writeFileSync(join(vite, 'late.html'), latePage(readFileSync(join(vite, 'index.html'), 'utf8')))
  await mkdir(join(dir['webpack-app'], 'src'))
  for (const name of (await readdir(join(vite, 'src'))).filter((name) => name.endsWith('.ts'))) {
    const ts = readFileSync(join(vite, 'src', name), 'utf8')
    const js = join(dir['webpack-app'], 'src', name.replace(/\.ts$/, '.js'))
    writeFileSync(js, await webpackSource(ts))
  }

  const shared = join(root, 'shared')
  await mkdir(shared)
  writeFileSync(
    join(shared, 'package.json'),
    JSON.stringify({ name: 'adopter-apps', private: true, dependencies, devDependencies }, null, 2),
  )
  const installed = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    { cwd: shared, timeoutMs: 300_000 },
  )
  if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.output}`)
  for (const app of APPS) {
    await symlink(join(shared, 'node_modules'), join(dir[app], 'node_modules'), 'dir')
    const init = await npx(dir[app], ['textile-token-provider', 'init'])
    if (init.code !== 0) throw new Error(`init failed in ${app}:\n${init.output}`)
  }
  return { root, dir }
}

/**
 * The Vite app's second page: its index.html with the title and the script of `src/late.ts`.
 *
 * @throws when index.html no longer has the title or the script this replaces.
 */
function latePage(index: string): string {
  return replaceOnce(
    replaceOnce(index, '<title>vite-app</title>', '<title>vite-app: late</title>'),
    'src="/src/main.ts"',
    'src="/src/late.ts"',
  )
}

/**
 * A module of the webpack app from the Vite app's (the same app under the other bundler): types
 * stripped by esbuild, the stylesheet import dropped (the webpack app has no CSS loader), the
 * hub's URL from DefinePlugin's `process.env.HUB_URL` rather than Vite's `import.meta.env`, and
 * `./x.ts` imports as `./x.js`.
 */
async function webpackSource(ts: string): Promise<string> {
  const js = ts
    .replace("import './style.css'\n", '')
    .replaceAll('import.meta.env.VITE_HUB_URL', 'process.env.HUB_URL')
    .replace(/(from '\.\/[\w-]+)\.ts'/g, "$1.js'")
  if (/\.ts'|import\.meta\.env|\.css'/.test(js)) {
    throw new Error(`the webpack app cannot take this module as it is:\n${ts}`)
  }
  return (await transform(js, { loader: 'ts', format: 'esm' })).code
}

/** `text` with its one `from` replaced by `to`; throws when `from` is not there exactly once. */
function replaceOnce(text: string, from: string, to: string): string {
  const parts = text.split(from)
  if (parts.length !== 2) throw new Error(`expected ${from} once in:\n${text}`)
  return parts.join(to)
}

/**
 * A copy of an app folder named `<app>-<label>` beside it (its build included, `.netlify/` and
 * node_modules left out, node_modules linked to the shared one); returns its path.
 */
export async function checkout(apps: AdopterApps, app: AppName, label: string): Promise<string> {
  const dir = join(apps.root, `${app}-${label}`)
  await cp(apps.dir[app], dir, {
    recursive: true,
    filter: (source) => !/\/(node_modules|\.netlify)$/.test(source),
  })
  await symlink(join(apps.root, 'shared/node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

/** `npx <args>` in an app folder, quiet and offline-friendly. */
export function npx(cwd: string, args: string[], env: Record<string, string> = {}) {
  return run('npx', ['--no', '--', ...args], { cwd, env: { ...process.env, ...env } })
}

/** The package's hub emulator, started with the CLI in an app folder. */
export interface RunningEmulator {
  url: string
  output: () => string
  stop: () => Promise<void>
}

/**
 * Runs `textile-token-provider emulator --write-env --port <port>` in `cwd` (writing its `.env`)
 * and resolves once it listens.
 *
 * @throws when it exits or does not listen within 20 s (with its output).
 */
export async function startEmulatorCli(cwd: string, port: number): Promise<RunningEmulator> {
  const bin = join(cwd, 'node_modules/.bin/textile-token-provider')
  const child: ChildProcess = spawn(bin, ['emulator', '--write-env', '--port', String(port)], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGINT')
    await exited
  }
  const deadline = Date.now() + 20_000
  while (!output.includes('Ctrl-C stops it')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`the emulator did not start:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const url = /listening on (http:\/\/\S+)/.exec(output)?.[1]
  if (!url) throw new Error(`the emulator named no URL:\n${output}`)
  return { url, output: () => output, stop }
}

/**
 * Gives every app the `.env` that the emulator wrote into the first one, plus what the docs tell
 * a bundled app to add: Vite exposes only `VITE_*` variables to the page (docs/adopting.md).
 */
export function shareEnv(apps: AdopterApps, hubUrl: string): void {
  const from = join(apps.dir['vite-app'], '.env')
  copyFileSync(from, join(apps.dir['webpack-app'], '.env'))
  appendFileSync(from, `VITE_HUB_URL=${hubUrl}\n`)
}

/**
 * `npm run build` in an app folder (Vite: `tsc && vite build`; webpack: `webpack --mode
 * production`), with `env` added to its environment.
 *
 * @throws when the build fails (with its output); resolves to the output otherwise.
 */
export async function buildApp(cwd: string, env: Record<string, string> = {}): Promise<string> {
  const built = await run('npm', ['run', 'build'], {
    cwd,
    env: { ...process.env, ...env },
    timeoutMs: 300_000,
  })
  if (built.code !== 0) throw new Error(`npm run build failed in ${cwd}:\n${built.output}`)
  return built.output
}

/** One JavaScript file of a build. */
export interface BuiltChunk {
  file: string
  bytes: number
  gzipBytes: number
  /** Copies of the generated GetToken request class defined in it. */
  getTokenClasses: number
}

/**
 * The JavaScript files under `dir` (a build's output folder, without its `skip` subfolders), with
 * their sizes and how many copies of the generated `threads_pb` GetToken request class each
 * defines. A definition is counted by its serialiser, `….GetTokenRequest.prototype.serializeBinary
 * = function`, which every copy of the generated code carries whatever the minifier renames.
 */
export async function readChunks(dir: string, skip: string[] = []): Promise<BuiltChunk[]> {
  const chunks: BuiltChunk[] = []
  const walk = async (folder: string): Promise<void> => {
    for (const name of await readdir(folder)) {
      const path = join(folder, name)
      if ((await stat(path)).isDirectory()) {
        if (!skip.includes(relative(dir, path))) await walk(path)
      } else if (/\.m?js$/.test(name)) {
        const code = readFileSync(path)
        chunks.push({
          file: relative(dir, path),
          bytes: code.length,
          gzipBytes: gzipSync(code, { level: 9 }).length,
          getTokenClasses: countGetTokenClasses(code.toString('utf8')),
        })
      }
    }
  }
  await walk(dir)
  return chunks.sort((a, b) => b.bytes - a.bytes)
}

/** Copies of the generated GetToken request class defined in `code`. */
export function countGetTokenClasses(code: string): number {
  return code.match(/\.GetTokenRequest\.prototype\.serializeBinary\s*=\s*function/g)?.length ?? 0
}

/** Bytes of some chunks, raw and gzipped. */
export interface Size {
  bytes: number
  gzipBytes: number
}

/** A build's output, summed up for the record. */
export interface BuildSummary {
  /** Per page (HTML file): the JavaScript it names (entry, modulepreloads, script tags). */
  pages: Record<string, Size & { files: string[] }>
  /** The chunk holding @textile/hub (it names the hub's default host). */
  hub: Size & { file: string }
  /** Copies of the generated GetToken request class in the whole build. */
  getTokenClasses: number
  chunks: BuiltChunk[]
}

/**
 * Sums up a build folder: its chunks, what each page loads first, the @textile/hub chunk and the
 * copies of the generated GetToken classes.
 *
 * @throws when no chunk holds @textile/hub.
 */
export async function summariseBuild(dir: string, skip: string[] = []): Promise<BuildSummary> {
  const chunks = await readChunks(dir, skip)
  const sum = (list: BuiltChunk[]): Size => ({
    bytes: list.reduce((total, chunk) => total + chunk.bytes, 0),
    gzipBytes: list.reduce((total, chunk) => total + chunk.gzipBytes, 0),
  })
  const pages: BuildSummary['pages'] = {}
  for (const html of ['index.html', 'late.html']) {
    const text = readFileSync(join(dir, html), 'utf8')
    // Vite writes `src="/base/assets/x.js"`, webpack's minified HTML `src=x.js`.
    const named = [...text.matchAll(/(?:src|href)=["']?([^"'\s>]+\.js)/g)].map((match) =>
      match[1]!.split('/').slice(-2).join('/'),
    )
    const files = chunks
      .filter((chunk) =>
        named.some((name) => chunk.file === name || chunk.file.endsWith(`/${name}`)),
      )
      .map((chunk) => chunk.file)
    pages[html] = { files, ...sum(chunks.filter((chunk) => files.includes(chunk.file))) }
  }
  const hub = chunks.find((chunk) =>
    readFileSync(join(dir, chunk.file), 'utf8').includes('webapi.hub.textile.io'),
  )
  if (!hub) throw new Error(`no chunk in ${dir} holds @textile/hub`)
  return {
    pages,
    hub: { file: hub.file, bytes: hub.bytes, gzipBytes: hub.gzipBytes },
    getTokenClasses: chunks.reduce((total, chunk) => total + chunk.getTokenClasses, 0),
    chunks,
  }
}
