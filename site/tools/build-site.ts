// The demo's build: bundles the page's sources (site/src) for the browser into build/ in the
// publish directory, writes build/config.json (site/src/site-config.ts) and _headers with the
// page's Content-Security-Policy (site-headers.ts). The bundle gets no `process.env` at all. The
// pages import the SDK by its package name (`textile-token-provider/client`), as an app does:
// tsconfig.json's `paths` map each name to the source behind package.json's `exports`, and esbuild
// reads them there. `scripts/build-site.ts` is the command (`npm run build:site`, netlify.toml).
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { siteConfig, type SiteConfig } from '../src/site-config.ts'
import { siteHeaders } from './site-headers.ts'
import { noEvalForTheGlobalObject, pruneUnusedTextilePackages } from './textile-bundling.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SOURCES = join(ROOT, 'site', 'src')

/** Options of {@link buildSite}. */
export interface BuildSiteOptions {
  /** The directory Netlify publishes (`_headers` goes here); default `site`. */
  publishDir?: string
  /** Where the bundle and config.json go; default `build` in the publish directory. */
  outdir?: string
  /** The environment to read the public config from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
  /** Keep rebuilding on changes until `stop()`. */
  watch?: boolean
}

/** One output file and its size. */
export interface BuiltFile {
  path: string
  bytes: number
  gzipBytes: number
}

/** Result of {@link buildSite}. */
export interface BuildSiteResult {
  config: SiteConfig
  files: BuiltFile[]
  /** False when the first build failed (watch mode only: esbuild printed why, and it goes on). */
  built: boolean
  /** Stops watching and removes `_headers` (no-op without `watch`). */
  stop: () => Promise<void>
}

/**
 * Bundles `site/src/app.ts` and `site/src/members.ts` (ESM, minified, code-split), writes
 * `config.json` next to them and `_headers` into the publish directory.
 *
 * @throws TypeError for a bad `HUB_URL`; esbuild's error when the sources do not compile.
 * @example
 * const { files } = await buildSite({ env: { HUB_URL: 'https://hub.example' } })
 */
export async function buildSite(options: BuildSiteOptions = {}): Promise<BuildSiteResult> {
  const publishDir = options.publishDir ?? join(ROOT, 'site')
  const outdir = options.outdir ?? join(publishDir, 'build')
  const config = siteConfig(options.env ?? process.env)
  const headers = siteHeaders(config)
  // Stale chunks from earlier builds would otherwise pile up (chunk names carry a hash).
  await rm(outdir, { recursive: true, force: true })
  await mkdir(outdir, { recursive: true })
  // netlify dev (it runs this build as its [dev] command, next to itself) reads _headers when it
  // starts and reloads it on a change, but not when it is created later: written now, before
  // bundling, and again after each build (writeOnEnd), one of the two is seen whichever comes
  // first. And the copy it read at start outranks later edits until it restarts, so in watch mode
  // a changed policy is reported and the file is removed when watching stops (no stale copy).
  const headersPath = join(publishDir, '_headers')
  if (options.watch && (await readFile(headersPath, 'utf8').catch(() => headers)) !== headers) {
    console.warn(
      'build-site: the CSP in _headers changed (HUB_URL): restart netlify dev once to serve it',
    )
  }
  const writeHeaders = () => writeWhole(headersPath, headers)
  await writeHeaders()
  const writeConfig = () =>
    writeWhole(join(outdir, 'config.json'), JSON.stringify(config, null, 2) + '\n')

  const buildOptions: esbuild.BuildOptions = {
    absWorkingDir: ROOT,
    entryPoints: { app: join(SOURCES, 'app.ts'), members: join(SOURCES, 'members.ts') },
    // Its `paths` resolve `textile-token-provider/…` to src/ (test/package-paths.test.ts).
    tsconfig: join(ROOT, 'tsconfig.json'),
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    minify: true,
    sourcemap: 'linked',
    target: ['es2022'],
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'linked',
    logLevel: 'warning',
    plugins: [
      pruneUnusedTextilePackages,
      noEvalForTheGlobalObject,
      writeOnEnd(async () => {
        await writeHeaders()
        await writeConfig()
      }),
    ],
  }

  if (options.watch) {
    const context = await esbuild.context(buildOptions)
    // A compile error while editing must not stop netlify dev (it exits with its [dev] command):
    // esbuild has printed it, and the next save rebuilds.
    const built = await context.rebuild().then(
      () => true,
      () => false,
    )
    await context.watch()
    const stop = async () => {
      await context.dispose()
      await rm(headersPath, { force: true })
    }
    return { config, files: await sizes(outdir), built, stop }
  }
  await esbuild.build(buildOptions)
  return { config, files: await sizes(outdir), built: true, stop: async () => {} }
}

/**
 * Writes a file that a watcher may read at any moment (netlify dev re-reads _headers on each change
 * event, the page and the tests fetch config.json): never empty or half-written. writeFile
 * truncates first, and a reader in between takes an empty _headers, so netlify dev served the page
 * with no CSP until the next change. The same bytes are written again in place (a change event, as
 * netlify dev needs when it missed the file's creation); new bytes go to a temporary file renamed
 * over the old one.
 */
async function writeWhole(path: string, text: string): Promise<void> {
  const bytes = Buffer.from(text)
  const current = await readFile(path).catch(() => undefined)
  if (current?.equals(bytes)) {
    const file = await open(path, 'r+')
    try {
      await file.write(bytes, 0, bytes.length, 0)
    } finally {
      await file.close()
    }
    return
  }
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, bytes)
  await rename(temporary, path)
}

// config.json goes last so a watcher of it (tests, the page) never sees a half-built bundle.
function writeOnEnd(write: () => Promise<void>): esbuild.Plugin {
  return {
    name: 'write-on-end',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length === 0) await write()
      })
    },
  }
}

async function sizes(outdir: string): Promise<BuiltFile[]> {
  const files: BuiltFile[] = []
  for (const entry of await readdir(outdir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue
    const path = join(entry.parentPath, entry.name)
    const bytes = await readFile(path)
    files.push({ path, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length })
  }
  return files.sort((a, b) => b.bytes - a.bytes)
}
