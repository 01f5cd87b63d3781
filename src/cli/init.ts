// `textile-token-provider init`, the planning and the writing (init-command.ts parses arguments
// and prints): adds the token provider's functions to an existing Netlify site. It writes one
// small file per function into the site's functions folder, each re-exporting a ready-made
// handler of the package with a literal `config` (function-files.ts says why): by default one
// login function for both routes, or with --split (or when a site already has them) a challenge
// and a token function, never both layouts at once (their routes would clash); and it adds `.env`
// to the site's .gitignore. Non-interactive and idempotent: a second run changes nothing, a file
// the user changed is never overwritten without --force, and a taken route is refused, not
// shadowed.
// Threat model: it runs in cloned repositories, whose netlify.toml, symbolic links and special
// files are the repository author's. It reads only regular files inside the site, at most 1 MiB
// each, never through a link out of it (site-paths.ts); it writes only inside the site (unless
// --functions-dir says otherwise), never through a link (lstat, then create-only writes), and
// --force replaces a file, never writes into it.
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import {
  functionFileText,
  selectFunctions,
  type FunctionSpec,
  type LoginLayout,
} from './function-files.ts'
import { applyEnvIgnored, planEnvIgnored, type GitignoreResult } from './gitignore.ts'
import {
  namesPlace,
  readNetlifyConfig,
  redirectCovers,
  siteRedirects,
  type NetlifyConfig,
} from './netlify-config.ts'
import {
  DEFAULT_FUNCTIONS_DIR,
  folderInside,
  isInside,
  listFunctionsFolder,
  readRegularFile,
  readSiteJson,
  regularFile,
  type FunctionsFolder,
} from './site-paths.ts'

/** The package name: what the written files import from. */
export const PACKAGE_NAME = 'textile-token-provider'
export { DEFAULT_FUNCTIONS_DIR } from './site-paths.ts'
/** The written files are named `textile-<function>.<ext>`, so they never take a site's own names. */
export const FILE_PREFIX = 'textile-'

/** Options of {@link runInit}. */
export interface InitOptions {
  /** The site's root folder. */
  dir: string
  base?: string
  /** Two functions for challenge and token (default: one, unless the site has the two already). */
  split?: boolean
  jwt?: boolean
  /** Also write the scheduled clean-up of single-use envelopes. */
  singleUse?: boolean
  functionsDir?: string
  ext?: 'ts' | 'mts' | 'js' | 'mjs'
  force?: boolean
  dryRun?: boolean
}

/** What happened to one file. */
export interface InitFile {
  path: string
  routes: string[]
  /** A scheduled function's schedule (it has no routes). */
  schedule?: string
  status: 'created' | 'unchanged' | 'overwritten' | 'kept'
}

/** The result of {@link runInit}. */
export interface InitResult {
  functionsDir: string
  base: string
  /**
   * The login layout written: `split` with --split or when the site already has a challenge or
   * token function of ours (`splitFound` then names them), else `combined`.
   */
  layout: LoginLayout
  /** Files of the split layout found in the site (kept, so the routes never clash). */
  splitFound: string[]
  /** Whether the single-use clean-up was asked for (`--single-use`). */
  singleUse: boolean
  files: InitFile[]
  /** Routes already served by something else in the site (the run wrote nothing then). */
  conflicts: string[]
  /**
   * Functions of the site that init did not read, so did not check for its routes: links (never
   * followed), special files, files over 1 MiB.
   */
  unread: string[]
  /** What happened to `.env` in the site's .gitignore (absent when routes were taken). */
  gitignore?: GitignoreResult
}

/**
 * Writes the function files into a site and makes its .gitignore ignore `.env`.
 *
 * @throws `Error` with a one-line message for a bad base path or extension, a netlify.toml that
 *   is not TOML or names a folder outside the site, and a file init may not read or write
 *   (a link, a FIFO, a device, over 1 MiB).
 * @example
 * const result = runInit({ dir: process.cwd() })
 */
export function runInit(options: InitOptions): InitResult {
  const dir = resolve(options.dir)
  const base = normaliseBase(options.base ?? '/api')
  const config = readNetlifyConfig(dir)
  const folders = siteFolders(dir, config, options.functionsDir)
  const functionsDir = folders.functions
  const ext = options.ext ?? defaultExtension(dir, functionsDir)
  if (!['ts', 'mts', 'js', 'mjs'].includes(ext)) throw new Error(`unsupported --ext ${ext}`)
  const folder = listFunctionsFolder(functionsDir, dir)
  const splitFound = splitFiles(functionsDir, folder)
  const layout: LoginLayout = options.split || splitFound.length > 0 ? 'split' : 'combined'
  const specs = selectFunctions({ layout, jwt: options.jwt, singleUse: options.singleUse })
  const planned = specs.map((spec) => {
    const path = join(functionsDir, `${FILE_PREFIX}${spec.name}.${ext}`)
    const text = functionFileText(spec, { from: `${PACKAGE_NAME}/netlify/${spec.name}`, base })
    return { spec, path, text, routes: routesOf(spec, base) }
  })

  // Before anything is written: a link (dangling or not) or a non-file where a file goes is refused.
  const existing = new Map(planned.map((file) => [file.path, regularFile(file.path, dir)]))
  const ours = new Set(planned.map((file) => file.path))
  const { conflicts, unread } = findConflicts({
    dir,
    config,
    publishDir: folders.publish,
    folder,
    ours,
    routes: planned.flatMap((file) => file.routes),
  })
  const result: InitResult = {
    functionsDir,
    base,
    layout,
    splitFound,
    singleUse: options.singleUse === true,
    files: [],
    conflicts,
    unread,
  }
  if (conflicts.length > 0) return result

  // Decided before anything is written: a .gitignore init may not read stops it here.
  const gitignore = planEnvIgnored(dir)
  for (const file of planned) {
    const read = existing.get(file.path) ? readRegularFile(file.path) : undefined
    let status: InitFile['status']
    if (read === undefined) status = 'created'
    else if ('text' in read && read.text === file.text) status = 'unchanged'
    else status = options.force ? 'overwritten' : 'kept'
    if (!options.dryRun && (status === 'created' || status === 'overwritten')) {
      mkdirSync(functionsDir, { recursive: true })
      // Replace, never write into: a hard link's other names keep their content.
      if (status === 'overwritten') unlinkSync(file.path)
      writeFileSync(file.path, file.text, { flag: 'wx' })
    }
    result.files.push({
      path: file.path,
      routes: file.routes,
      ...(file.spec.schedule !== undefined && { schedule: file.spec.schedule }),
      status,
    })
  }
  result.gitignore = options.dryRun ? applyNothing(gitignore) : applyEnvIgnored(gitignore)
  return result
}

function applyNothing({ path, status, rule }: GitignoreResult): GitignoreResult {
  return { path, status, ...(rule !== undefined && { rule }) }
}

/**
 * The site's folders as Netlify resolves them (@netlify/config `files.js`; the docs: "the path is
 * relative to the site's base directory"): `[build] base` from the site's root, `[build] publish`
 * (default: the base, when one is set) and the functions folder from the base, a leading `/`
 * meaning the base too. Each must lead inside the site; only --functions-dir may point elsewhere.
 */
function siteFolders(
  dir: string,
  config: NetlifyConfig,
  flag: string | undefined,
): { base: string; publish?: string; functions: string } {
  const toml = (name: string, value: string) => `netlify.toml ${name} ${JSON.stringify(value)}`
  const base =
    config.base === undefined
      ? dir
      : folderInside(dir, dir, config.base, toml('[build] base', config.base))
  const publish =
    config.publish === undefined
      ? config.base === undefined
        ? undefined
        : base
      : folderInside(dir, base, config.publish, toml('[build] publish', config.publish))
  if (flag !== undefined)
    return { base, ...(publish && { publish }), functions: resolve(dir, flag) }
  const configured = config.functions
  const functions = folderInside(
    dir,
    base,
    configured?.value ?? DEFAULT_FUNCTIONS_DIR,
    configured ? toml(configured.name, configured.value) : 'the default functions folder',
    'init writes there only when told with --functions-dir',
  )
  return { base, ...(publish && { publish }), functions }
}

/** Our challenge and token files from an earlier init (or --split), any extension, links too. */
function splitFiles(functionsDir: string, folder: FunctionsFolder): string[] {
  const split = new RegExp(`^${FILE_PREFIX}(challenge|token)\\.(m|c)?[jt]s$`)
  return folder.names.filter((name) => split.test(name)).map((name) => join(functionsDir, name))
}

function routesOf(spec: FunctionSpec, base: string): string[] {
  const method = spec.name === 'jwks' ? 'GET' : 'POST'
  return spec.routes.map(
    (route) => `${method} ${route.startsWith('/') ? route : `${base}/${route}`}`,
  )
}

function normaliseBase(base: string): string {
  const trimmed = base.trim().replace(/\/+$/, '')
  // URL dot segments (RFC 3986 §5.2.4) would route elsewhere than the path says.
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed) || /\/\.\.?(?=\/|$)/.test(trimmed)) {
    throw new Error(
      `--base must be a path such as /api or /auth/textile, not ${JSON.stringify(base)}`,
    )
  }
  return trimmed
}

// TypeScript sites get .ts (.mts without "type": "module", so Netlify builds ESM); others .js/.mjs.
// The package.json that decides is the nearest one above the functions folder, as for Netlify.
function defaultExtension(dir: string, functionsDir: string): NonNullable<InitOptions['ext']> {
  const folders = [dir]
  if (isInside(dir, functionsDir)) {
    for (let folder = functionsDir; folder !== dir; folder = dirname(folder)) {
      folders.splice(-1, 0, folder)
    }
  }
  const home = folders.find((folder) => existsSync(join(folder, 'package.json'))) ?? dir
  const pkg = readSiteJson(join(home, 'package.json'), dir)
  const esm = pkg?.type === 'module'
  const deps = { ...(pkg?.dependencies as object), ...(pkg?.devDependencies as object) }
  const tsconfig = folders.some((folder) => existsSync(join(folder, 'tsconfig.json')))
  return tsconfig || 'typescript' in deps ? (esm ? 'ts' : 'mts') : esm ? 'js' : 'mjs'
}

/**
 * Routes of ours that something else in the site already takes: another function that declares
 * one, a forced redirect or rewrite that covers one, a rule or an edge function declared for that
 * place (see `namesPlace`).
 */
function findConflicts(input: {
  dir: string
  config: NetlifyConfig
  publishDir: string | undefined
  folder: FunctionsFolder
  ours: ReadonlySet<string>
  routes: readonly string[]
}): { conflicts: string[]; unread: string[] } {
  const paths = input.routes.map((route) => route.split(' ')[1]!)
  const conflicts: string[] = []
  const unread = [...input.folder.unread]
  // Other functions in the folder that declare one of our paths.
  for (const file of input.folder.entries) {
    if (input.ours.has(file)) continue
    const read = readRegularFile(file)
    if (read === undefined) continue
    if (!('text' in read)) {
      unread.push(file)
      continue
    }
    for (const path of paths) {
      if (read.text.includes(`'${path}'`) || read.text.includes(`"${path}"`)) {
        conflicts.push(`${path} (declared by ${relative(input.dir, file)})`)
      }
    }
  }
  // Redirects and rewrites (netlify.toml and _redirects) whose `from` covers one of our paths.
  for (const { from, force, where } of siteRedirects(input.dir, input.config, input.publishDir)) {
    if (!force && !namesPlace(from)) continue
    for (const path of paths) {
      if (redirectCovers(from, path)) conflicts.push(`${path} (redirected by ${from} in ${where})`)
    }
  }
  // Edge functions run before every function: one declared for the place takes it.
  for (const edge of input.config.edgeFunctions) {
    for (const pattern of edge.path.filter(namesPlace)) {
      for (const path of paths) {
        if (redirectCovers(pattern, path)) {
          conflicts.push(
            `${path} (taken by edge function ${edge.function} at ${pattern} in netlify.toml [[edge_functions]])`,
          )
        }
      }
    }
  }
  return { conflicts, unread: unread.map((file) => relative(input.dir, file)).sort() }
}
