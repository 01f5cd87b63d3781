// `npm run build:site`: bundles the demo SPA (site/src) for the browser into site/build/, writes
// site/build/config.json from the environment and site/_headers with the page's
// Content-Security-Policy. Threat model: site/ is public, so the config is built from an allowlist
// of non-secret variables (HUB_URL, DEMO_BANNER, CONTEXT) and never from the whole environment; the
// bundle gets no `process.env` at all.
// `--watch` rebuilds on every change: it is netlify dev's `[dev] command`. `--publish-dir` writes
// elsewhere (tests serve a copy of site/ so parallel dev servers never share site/build).
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Default hub: the local emulator `npm start` runs. */
export const DEFAULT_HUB_URL = 'http://127.0.0.1:6007'

const DEPLOYED_CONTEXTS = new Set(['production', 'deploy-preview', 'branch-deploy'])

/** What the page reads from `build/config.json`. Public: never put a secret here. */
export interface SiteConfig {
  /** The hub's gRPC-web URL (`HUB_URL`). */
  hubUrl: string
  /** The functions' base path. */
  endpoint: string
  /**
   * A notice shown on every page, e.g. on deploy previews (`DEMO_BANNER`, where `{hub}` stands
   * for the hub's URL).
   */
  banner?: string
  /** Netlify's deploy context at build time (`CONTEXT`: production, deploy-preview, …). */
  context?: string
}

/**
 * The public site configuration from environment variables (an allowlist, nothing else).
 *
 * @throws TypeError when `HUB_URL` is not an http(s) URL, or unset in a deployed Netlify context
 *   (the message names the variable, never its value).
 * @example
 * siteConfig({ HUB_URL: 'https://hub.example' }) // { hubUrl: 'https://hub.example', endpoint: '/api' }
 */
export function siteConfig(env: Readonly<Record<string, string | undefined>>): SiteConfig {
  // On Netlify's builders the emulator default would point every visitor at their own machine.
  if (!env.HUB_URL?.trim() && DEPLOYED_CONTEXTS.has(env.CONTEXT ?? '')) {
    throw new TypeError(`HUB_URL must be set for the ${env.CONTEXT} context`)
  }
  const hubUrl = (env.HUB_URL?.trim() || DEFAULT_HUB_URL).replace(/\/+$/, '')
  let parsed: URL | undefined
  try {
    parsed = new URL(hubUrl)
  } catch {
    parsed = undefined
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password) {
    throw new TypeError('HUB_URL must be an http:// or https:// URL without credentials')
  }
  const config: SiteConfig = { hubUrl, endpoint: '/api' }
  // netlify.toml cannot interpolate: `{hub}` in the banner is replaced by the hub's URL here.
  const banner = env.DEMO_BANNER?.trim().replaceAll('{hub}', hubUrl)
  if (banner) config.banner = banner.slice(0, 300)
  const context = env.CONTEXT?.trim()
  if (context && /^[a-z0-9-]{1,40}$/.test(context)) config.context = context
  return config
}

/**
 * The demo page's Content-Security-Policy: its own origin only, plus the configured hub for
 * `connect-src` (the hub client talks gRPC-web over a WebSocket to the hub's origin, `ws:` for
 * `http:` and `wss:` for `https:`); no plugins, no `<base>`, no framing at all (the page is framed
 * by nothing and frames nothing) and no workers.
 *
 * @throws TypeError when the hub is an IPv6 address literal, which CSP source lists cannot name.
 * @example
 * contentSecurityPolicy({ hubUrl: 'https://hub.example', endpoint: '/api' })
 * // "default-src 'self'; connect-src 'self' https://hub.example wss://hub.example; …"
 */
export function contentSecurityPolicy(config: SiteConfig): string {
  const hub = new URL(config.hubUrl)
  if (hub.hostname.startsWith('[')) {
    throw new TypeError('HUB_URL must name its host or an IPv4 address (a CSP cannot list IPv6)')
  }
  const socket = `${hub.protocol === 'https:' ? 'wss:' : 'ws:'}//${hub.host}`
  return [
    "default-src 'self'",
    `connect-src 'self' ${hub.origin} ${socket}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    // No framing either way, and no workers: a page that frames or opens nothing of another
    // origin gives an XSS no foreign window to hand a CryptoKey to (docs/identity.md).
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
  ].join('; ')
}

/**
 * The `_headers` file for the publish directory: the CSP for every page. Netlify and `netlify dev`
 * both read it next to netlify.toml's `[[headers]]` (which holds the headers that are the same for
 * every deployment; the CSP is here because it names the deployment's HUB_URL, which a static
 * netlify.toml cannot).
 *
 * @example
 * siteHeaders({ hubUrl: 'http://127.0.0.1:6007', endpoint: '/api' }) // '# Written by …\n/*\n  Content-Security-Policy: …'
 */
export function siteHeaders(config: SiteConfig): string {
  return [
    '# Written by scripts/build-site.ts (npm run build:site) from HUB_URL: edit that, not this file.',
    '/*',
    `  Content-Security-Policy: ${contentSecurityPolicy(config)}`,
    '',
  ].join('\n')
}

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
  // netlify dev (it runs this script as its [dev] command, next to itself) reads _headers when it
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
  const writeHeaders = () => writeFile(headersPath, headers)
  await writeHeaders()
  const writeConfig = () =>
    writeFile(join(outdir, 'config.json'), JSON.stringify(config, null, 2) + '\n')

  const buildOptions: esbuild.BuildOptions = {
    absWorkingDir: ROOT,
    entryPoints: {
      app: join(ROOT, 'site', 'src', 'app.ts'),
      members: join(ROOT, 'site', 'src', 'members.ts'),
    },
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
    // No buffer/process/global shims: the pre-bundled @textile packages guard every Node global
    // with `typeof` (test/demo/browser.test.ts runs the bundle in Chromium to keep it so).
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

// @textile/hub re-exports Buckets, Users and Filecoin, whose pre-bundled ESM builds esbuild must
// assume have side effects (no `sideEffects` field). The demo uses none of them: declaring them
// side-effect free lets tree shaking drop them (2.7 MB → 1.3 MB minified).
const pruneUnusedTextilePackages: esbuild.Plugin = {
  name: 'prune-unused-textile-packages',
  setup(build) {
    build.onResolve({ filter: /^@textile\/(buckets|users|hub-filecoin)$/ }, async (args) => {
      if (args.pluginData === 'pruned') return undefined
      const result = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'pruned',
      })
      return result.errors.length > 0 ? undefined : { ...result, sideEffects: false }
    })
  },
}

// google-protobuf's generated modules (every @textile *_pb.js, and @textile's pre-bundled ESM
// builds of them) find the global object with `Function('return this')()` as they load. That is
// eval: the page's CSP (no 'unsafe-eval') refuses it and the hub client fails to load. In a
// browser module it always returns `globalThis`, so the build says that instead.
const EVAL_FOR_GLOBAL = /\bFunction\((['"])return this\1\)\(\)/g

const noEvalForTheGlobalObject: esbuild.Plugin = {
  name: 'no-eval-for-the-global-object',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]node_modules[\\/](@textile[\\/][^\\/]+|google-protobuf)[\\/].*\.js$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8')
        const contents = source.replace(EVAL_FOR_GLOBAL, 'globalThis')
        return contents === source ? undefined : { contents, loader: 'js' }
      },
    )
  },
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

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      watch: { type: 'boolean', default: false },
      'publish-dir': { type: 'string' },
      outdir: { type: 'string' },
    },
  })
  const result = await buildSite({
    watch: values.watch,
    publishDir: values['publish-dir'],
    outdir: values.outdir,
  }).catch((error: unknown) => {
    // Configuration mistakes get one clear line; esbuild has already printed compile errors.
    if (error instanceof TypeError) console.error(`build-site: ${error.message}`)
    process.exit(1)
  })
  for (const file of result.files) {
    const name = relative(process.cwd(), file.path)
    console.log(`build-site: ${name}  ${kib(file.bytes)} (gzip ${kib(file.gzipBytes)})`)
  }
  // `npm start` waits for this line before it says "ready" (scripts/start.ts).
  if (result.built) {
    console.log(`build-site: config.json and _headers (CSP) → hub ${result.config.hubUrl}`)
  } else {
    console.error('build-site: the first build failed (above); watching for a fix')
  }
  if (values.watch) {
    console.log('build-site: watching site/src/ and src/ for changes')
    const stop = () => void result.stop().then(() => process.exit(0))
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  }
}
