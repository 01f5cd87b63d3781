// `textile-token-provider init`, the planning and the writing (init-command.ts parses arguments
// and prints): adds the token provider's functions to an existing Netlify site. It writes one
// small file per function into the site's functions folder, each re-exporting a ready-made
// handler of the package with a literal `config` (function-files.ts says why): by default one
// login function for both routes, or with --split (or when a site already has them) a challenge
// and a token function, never both layouts at once (their routes would clash); with --gate, the
// members-only gate in the site's edge functions folder (gate-file.ts); and it adds `.env` to the
// site's .gitignore. Non-interactive and idempotent: a second run changes nothing, a file the
// user changed is never overwritten without --force, and a taken route or gated path is refused,
// not shadowed.
// Threat model: it runs in cloned repositories, whose netlify.toml, symbolic links and special
// files are the repository author's. It reads only regular files inside the site, at most 1 MiB
// each, never through a link out of it (site-paths.ts); it writes only inside the site (unless
// --functions-dir says otherwise), never through a link (lstat, then create-only writes), and
// --force replaces a file, never writes into it.
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import {
  functionFileText,
  routePaths,
  selectFunctions,
  type FunctionSpec,
  type LoginLayout,
} from './function-files.ts'
import { GATE_DEFAULTS, gateFileText } from '../netlify/gate-file.ts'
import { applyEnvIgnored, planEnvIgnored, type GitignoreResult } from './gitignore.ts'
import {
  namesPlace,
  readNetlifyConfig,
  redirectCovers,
  siteRedirects,
  type NetlifyConfig,
} from './netlify-config.ts'
import {
  DEFAULT_EDGE_FUNCTIONS_DIR,
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
/** The written files are named `textile-<function>.<ext>`, so they never take a site's own names. */
const FILE_PREFIX = 'textile-'

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
  /**
   * Also write the members-only gate into the edge functions folder (implies `jwt`: the session
   * cookie comes from the JWT function): the paths it protects and the login page it sends
   * navigations to; defaults {@link GATE_DEFAULTS}.
   */
  gate?: { paths?: readonly string[]; loginPath?: string }
  functionsDir?: string
  ext?: 'ts' | 'mts' | 'js' | 'mjs'
  force?: boolean
  dryRun?: boolean
}

/** What happened to one file. */
export interface InitFile {
  path: string
  /** `METHOD path` of a function; the gate's URL patterns (every method). */
  routes: string[]
  /** A scheduled function's schedule (it has no routes). */
  schedule?: string
  /** The members-only gate (an edge function) and its login page. */
  gate?: { loginPath: string }
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
  /** Whether the JWT minter was written (`--jwt`, or implied by `--gate`). */
  jwt: boolean
  /** The gate asked for (`--gate`): the edge functions folder, its paths and login page. */
  gate?: { edgeFunctionsDir: string; paths: string[]; loginPath: string }
  files: InitFile[]
  /** Routes already served by something else in the site (the run wrote nothing then). */
  conflicts: string[]
  /** Gate paths another edge function already takes (the run wrote nothing then). */
  gateConflicts: string[]
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
  const jwt = options.jwt === true || options.gate !== undefined
  const specs = selectFunctions({ layout, jwt, singleUse: options.singleUse })
  const planned: PlannedFile[] = specs.map((spec) => {
    const path = join(functionsDir, `${FILE_PREFIX}${spec.name}.${ext}`)
    const text = functionFileText(spec, { from: `${PACKAGE_NAME}/netlify/${spec.name}`, base })
    return {
      path,
      text,
      routes: routesOf(spec, base),
      ...(spec.schedule !== undefined && { schedule: spec.schedule }),
    }
  })
  const routes = planned.flatMap((file) => file.routes)
  const gate = options.gate && planGate(options.gate, { dir, base: folders.base }, config, routes)
  if (gate) planned.push(gate.file)

  // Before anything is written: a link (dangling or not) or a non-file where a file goes is refused.
  const existing = new Map(planned.map((file) => [file.path, regularFile(file.path, dir)]))
  const ours = new Set(planned.map((file) => file.path))
  const { conflicts, unread } = findConflicts({
    dir,
    config,
    publishDir: folders.publish,
    folder,
    ours,
    routes,
  })
  const gateConflicts = gate ? findGateConflicts({ dir, config, gate: gate.file, ours }) : undefined
  const result: InitResult = {
    functionsDir,
    base,
    layout,
    splitFound,
    singleUse: options.singleUse === true,
    jwt,
    ...(gate && { gate: gate.result }),
    files: [],
    conflicts,
    gateConflicts: gateConflicts?.conflicts ?? [],
    unread: [...unread, ...(gateConflicts?.unread ?? [])].sort(),
  }
  if (conflicts.length > 0 || result.gateConflicts.length > 0) return result

  // Decided before anything is written: a .gitignore init may not read stops it here.
  const gitignore = planEnvIgnored(dir)
  for (const file of planned) {
    const read = existing.get(file.path) ? readRegularFile(file.path) : undefined
    let status: InitFile['status']
    if (read === undefined) status = 'created'
    else if ('text' in read && read.text === file.text) status = 'unchanged'
    else status = options.force ? 'overwritten' : 'kept'
    if (!options.dryRun && (status === 'created' || status === 'overwritten')) {
      mkdirSync(dirname(file.path), { recursive: true })
      // Replace, never write into: a hard link's other names keep their content.
      if (status === 'overwritten') unlinkSync(file.path)
      writeFileSync(file.path, file.text, { flag: 'wx' })
    }
    result.files.push({
      path: file.path,
      routes: file.routes,
      ...(file.schedule !== undefined && { schedule: file.schedule }),
      ...(file.gate && { gate: file.gate }),
      status,
    })
  }
  result.gitignore = applyEnvIgnored(gitignore, { dryRun: options.dryRun })
  return result
}

/** A file init would write: where, its text, and what it serves. */
interface PlannedFile {
  path: string
  text: string
  routes: string[]
  schedule?: string
  gate?: { loginPath: string }
}

/** Gate paths and the login page: a path, with only the characters of RFC 3986 path segments. */
const GATE_PATH = /^\/(?![/\\])[A-Za-z0-9._~!$&()*+,;=:@%/-]*$/

/**
 * The gate's file in the site's edge functions folder (`[build] edge_functions` below the base,
 * else `netlify/edge-functions`; it must lead inside the site). `base` is the site's base folder
 * as {@link siteFolders} resolved it.
 *
 * @throws `Error` with a one-line message for a path that is not one, or that gates one of the
 *   routes init writes (the login must stay reachable).
 */
function planGate(
  gate: NonNullable<InitOptions['gate']>,
  { dir, base }: { dir: string; base: string },
  config: NetlifyConfig,
  routes: readonly string[],
): { file: PlannedFile; result: NonNullable<InitResult['gate']> } {
  const paths = [...(gate.paths ?? GATE_DEFAULTS.paths)]
  const loginPath = gate.loginPath ?? GATE_DEFAULTS.loginPath
  if (paths.length === 0) throw new Error('--gate needs at least one path, such as /members/*')
  for (const [flag, path] of [...paths.map((path) => ['--gate', path]), ['--login', loginPath]]) {
    if (!GATE_PATH.test(path!)) {
      throw new Error(
        `${flag} takes paths such as /members/* and /login (letters, digits and - . _ ~ ! $ & ( ) * + , ; = : @ % /), not ${JSON.stringify(path)}`,
      )
    }
  }
  for (const route of routes) {
    const path = route.split(' ')[1]!
    const covering = paths.find((pattern) => redirectCovers(pattern, path))
    if (covering !== undefined) {
      throw new Error(
        `--gate ${covering} would gate ${path}: the login routes must stay open (gate narrower paths, or use --base)`,
      )
    }
  }
  const configured = config.edgeFunctionsDir
  const edgeFunctionsDir = folderInside(
    dir,
    base,
    configured ?? DEFAULT_EDGE_FUNCTIONS_DIR,
    configured
      ? `netlify.toml [build] edge_functions ${JSON.stringify(configured)}`
      : 'the default edge functions folder',
  )
  const text = gateFileText({ from: `${PACKAGE_NAME}/netlify/gate`, paths, loginPath })
  return {
    file: {
      path: join(edgeFunctionsDir, GATE_DEFAULTS.fileName),
      text,
      routes: paths,
      gate: { loginPath },
    },
    result: { edgeFunctionsDir, paths, loginPath },
  }
}

/**
 * Gate paths another edge function already takes: one in the edge functions folder that declares
 * the path, or a netlify.toml `[[edge_functions]]` declaration that names the place. Edge
 * functions on one path run in turn, the netlify.toml ones before those with an inline `config`
 * (`mergeDeclarations` in @netlify/edge-bundler), so one that answers would keep the gate from
 * running. A middleware on every path (`/*`) passes requests on: it takes nothing.
 */
function findGateConflicts(input: {
  dir: string
  config: NetlifyConfig
  gate: PlannedFile
  ours: ReadonlySet<string>
}): { conflicts: string[]; unread: string[] } {
  const edgeDir = dirname(input.gate.path)
  const folder = listFunctionsFolder(edgeDir, input.dir)
  const { declared, unread } = pathsDeclaredIn(folder, input.ours, input.gate.routes)
  const conflicts = declared.map(
    ({ path, file }) => `${path} (declared by edge function ${relative(input.dir, file)})`,
  )
  const ourName = GATE_DEFAULTS.fileName.replace(/\.ts$/, '')
  conflicts.push(
    ...edgeDeclarationsTaking(input.config, input.gate.routes, patternsOverlap, ourName),
  )
  return { conflicts, unread: unread.map((file) => relative(input.dir, file)) }
}

/**
 * The `paths` that a netlify.toml `[[edge_functions]]` declaration for a place (see `namesPlace`)
 * takes, `takes` deciding whether one of its patterns takes a path; the function named `except`
 * (our own gate) aside.
 */
function edgeDeclarationsTaking(
  config: NetlifyConfig,
  paths: readonly string[],
  takes: (pattern: string, path: string) => boolean,
  except?: string,
): string[] {
  const conflicts: string[] = []
  for (const edge of config.edgeFunctions) {
    if (edge.function === except) continue
    for (const pattern of edge.path.filter(namesPlace)) {
      for (const path of paths) {
        if (takes(pattern, path)) {
          conflicts.push(
            `${path} (taken by edge function ${edge.function} at ${pattern} in netlify.toml [[edge_functions]])`,
          )
        }
      }
    }
  }
  return conflicts
}

/**
 * The paths that files of a functions folder (ours aside) declare: a path quoted in a file's text.
 * A file it cannot read as text goes to `unread`, beside the folder's own.
 */
function pathsDeclaredIn(
  folder: FunctionsFolder,
  ours: ReadonlySet<string>,
  paths: readonly string[],
): { declared: { path: string; file: string }[]; unread: string[] } {
  const declared: { path: string; file: string }[] = []
  const unread = [...folder.unread]
  for (const file of folder.entries) {
    if (ours.has(file)) continue
    const read = readRegularFile(file)
    if (read === undefined) continue
    if (!('text' in read)) {
      unread.push(file)
      continue
    }
    for (const path of paths) {
      if (read.text.includes(`'${path}'`) || read.text.includes(`"${path}"`)) {
        declared.push({ path, file })
      }
    }
  }
  return { declared, unread }
}

/** Whether two URL patterns share a path: each covers a path the other stands for. */
function patternsOverlap(a: string, b: string): boolean {
  const example = (pattern: string) => pattern.replace(/\*+/g, 'x').replace(/:[A-Za-z_]\w*/g, 'x')
  return redirectCovers(a, example(b)) || redirectCovers(b, example(a))
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
  return routePaths(spec, base).map((path) => `${spec.method ?? 'POST'} ${path}`)
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
  // Other functions in the folder that declare one of our paths.
  const { declared, unread } = pathsDeclaredIn(input.folder, input.ours, paths)
  const conflicts = declared.map(
    ({ path, file }) => `${path} (declared by ${relative(input.dir, file)})`,
  )
  // Redirects and rewrites (netlify.toml and _redirects) whose `from` covers one of our paths.
  for (const { from, force, where } of siteRedirects(input.dir, input.config, input.publishDir)) {
    if (!force && !namesPlace(from)) continue
    for (const path of paths) {
      if (redirectCovers(from, path)) conflicts.push(`${path} (redirected by ${from} in ${where})`)
    }
  }
  // Edge functions run before every function: one declared for the place takes it.
  conflicts.push(...edgeDeclarationsTaking(input.config, paths, redirectCovers))
  return { conflicts, unread: unread.map((file) => relative(input.dir, file)).sort() }
}
