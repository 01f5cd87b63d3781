// `textile-token-provider init`: adds the token provider's functions to an existing Netlify site.
// It writes one small file per function into the site's functions folder, each re-exporting a
// ready-made handler of the package with a literal `config` (function-files.ts says why): by
// default one login function for both routes, or with --split (or when a site already has them)
// a challenge and a token function, never both layouts at once (their routes would clash); and
// prints what to set next (with --single-use, also the scheduled clean-up of the single-use
// store). Non-interactive and idempotent: a second run changes nothing, a file
// the user changed is never overwritten without --force, and a taken route is refused, not shadowed.
// Threat model: it runs in cloned repositories, whose netlify.toml and symbolic links are the
// repository author's. It writes only inside the site (unless --functions-dir says otherwise),
// never through a link (lstat, then create-only writes), and --force replaces a file, never
// writes into it.
import { existsSync, mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  functionFileText,
  selectFunctions,
  type FunctionSpec,
  type LoginLayout,
} from './function-files.ts'
import {
  configuredFunctionsDir,
  readNetlifyToml,
  redirectCovers,
  siteRedirects,
} from './netlify-config.ts'
import { functionsFolder, readJson, readText, regularFile } from './site-paths.ts'

/** The package name: what the written files import from. */
export const PACKAGE_NAME = 'textile-token-provider'
export { DEFAULT_FUNCTIONS_DIR } from './site-paths.ts'
/** The written files are named `textile-<function>.<ext>`, so they never take a site's own names. */
export const FILE_PREFIX = 'textile-'

/** Usage of the command. */
export const INIT_USAGE = `textile-token-provider init [options]

Adds POST <base>/challenge and POST <base>/token (and, with --jwt, POST <base>/jwt and
GET <base>/jwks) to the Netlify site in the current folder, as files in its functions folder
(netlify.toml [functions] directory, else netlify/functions). Prints what to set next.

  --base <path>           base path of the routes (default /api); use it when /api is taken
  --split                 serve challenge and token from two functions instead of one (the
                          layout of earlier versions: two cold starts per cold login; kept
                          automatically while textile-challenge/textile-token files exist)
  --jwt                   also add the JWT minter and its JWKS
  --single-use            also add the hourly clean-up of single-use envelopes (a scheduled
                          function, no route) and say how to turn SINGLE_USE_ENVELOPES on
  --functions-dir <dir>   write here instead of the site's functions folder (the only way to
                          write outside the site: netlify.toml's folder must lie inside it)
  --ext <ts|mts|js|mjs>   file extension (default: .ts/.mts for TypeScript sites, else .js/.mjs,
                          the m-variant when package.json is not "type": "module")
  --dir <path>            the site (default the current folder)
  --force                 replace files that differ from what init writes (never a link)
  --dry-run               say what would change, change nothing`

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
}

/**
 * Writes the function files into a site.
 *
 * @throws `Error` with a one-line message for a bad base path or extension.
 * @example
 * const result = runInit({ dir: process.cwd() })
 */
export function runInit(options: InitOptions): InitResult {
  const dir = resolve(options.dir)
  const base = normaliseBase(options.base ?? '/api')
  const toml = readNetlifyToml(dir)
  const functionsDir = functionsFolder(dir, configuredFunctionsDir(toml), options.functionsDir)
  const ext = options.ext ?? defaultExtension(dir)
  if (!['ts', 'mts', 'js', 'mjs'].includes(ext)) throw new Error(`unsupported --ext ${ext}`)
  const splitFound = splitFiles(functionsDir)
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
  const conflicts = findConflicts({
    dir,
    toml,
    functionsDir,
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
  }
  if (conflicts.length > 0) return result

  for (const file of planned) {
    const text = existing.get(file.path) ? readText(file.path) : undefined
    let status: InitFile['status']
    if (text === undefined) status = 'created'
    else if (text === file.text) status = 'unchanged'
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
  return result
}

/**
 * The command: parses arguments, runs {@link runInit}, prints the outcome and the next steps.
 * Returns the exit code (1 when a route is taken).
 *
 * @example
 * process.exitCode = runInitCommand(process.argv.slice(3))
 */
export function runInitCommand(argv: string[], log: (line: string) => void = console.log): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: 'string' },
      split: { type: 'boolean', default: false },
      jwt: { type: 'boolean', default: false },
      'single-use': { type: 'boolean', default: false },
      'functions-dir': { type: 'string' },
      ext: { type: 'string' },
      dir: { type: 'string', default: '.' },
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  })
  const result = runInit({
    dir: values.dir,
    ...(values.base !== undefined && { base: values.base }),
    split: values.split,
    jwt: values.jwt,
    singleUse: values['single-use'],
    ...(values['functions-dir'] !== undefined && { functionsDir: values['functions-dir'] }),
    ...(values.ext !== undefined && { ext: values.ext as InitOptions['ext'] }),
    force: values.force,
    dryRun: values['dry-run'],
  })
  const site = resolve(values.dir)
  if (result.conflicts.length > 0) {
    log(`${PACKAGE_NAME} init: nothing written; these routes are already taken in this site:`)
    for (const conflict of result.conflicts) log(`  ${conflict}`)
    log(`Choose another base path, for example: npx ${PACKAGE_NAME} init --base /auth`)
    return 1
  }
  for (const file of result.files) {
    const changes = file.status === 'created' || file.status === 'overwritten'
    const status = values['dry-run'] && changes ? `would be ${file.status}` : file.status
    const note =
      file.status === 'kept'
        ? ' (kept: it differs from what init writes; --force overwrites it)'
        : ''
    const where = file.schedule ? `scheduled ${file.schedule}` : file.routes.join(', ')
    log(`${status.padEnd(11)} ${relative(site, file.path)}  ${where}${note}`)
  }
  if (result.splitFound.length > 0 && !values.split) {
    const names = result.splitFound.map((path) => relative(site, path)).join(' and ')
    log(`Kept the two-function layout of ${names}. One function for both routes meets one cold`)
    log('start per login instead of two: delete those files, then run init again.')
  }
  if (result.files.every((file) => file.status === 'unchanged')) {
    log('Everything is in place already.')
    return 0
  }
  log('')
  for (const line of nextSteps(result)) log(line)
  return 0
}

/**
 * Generates CHALLENGE_SECRET inside the user's shell (`"$(…)"`): the value goes straight into
 * `netlify env:set … --secret`, which does not print it, so it never reaches this output, the
 * shell's history or a CI log.
 */
export const CHALLENGE_SECRET_GENERATOR = `"$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64url"))')"`

/** What to do after init: the variables, the SDK snippet, offline development. No secret in it. */
export function nextSteps(result: InitResult): string[] {
  const secret = '--secret --scope functions --context production deploy-preview branch-deploy'
  return [
    'Next:',
    "1. Set the functions' variables (netlify.toml values never reach deployed functions):",
    '     netlify env:set USER_API_KEY <hub user-group key> --scope functions',
    `     netlify env:set USER_API_SECRET <its secret> ${secret}`,
    `     netlify env:set CHALLENGE_SECRET ${CHALLENGE_SECRET_GENERATOR} ${secret}`,
    '   (the last line makes a random secret in your shell; it is never printed)',
    '   Self-hosted hub whose host key you hold (issuer mode, no hub round trip):',
    `     netlify env:set HUB_ISSUER_KEY <host private key> ${secret}`,
    '     netlify env:set USER_TOKEN_TTL_SECONDS 3600 --scope functions   (user tokens that end)',
    '   Optional: ALLOWED_ORIGINS, ALLOWED_PUBKEYS, DENIED_PUBKEYS, API_SIG_TTL_SECONDS',
    "   (docs/configuration.md in the project's repository).",
    ...(result.singleUse
      ? [
          '   Single use (each envelope redeemable once, remembered in Netlify Blobs; the',
          '   scheduled clean-up deletes expired entries hourly, on the published production deploy):',
          '     npm i @netlify/blobs    # the store (an optional peer dependency of this package)',
          '     netlify env:set SINGLE_USE_ENVELOPES true --scope functions',
        ]
      : []),
    '2. In the app (npm i @textile/hub):',
    "     import { Client } from '@textile/hub'",
    `     import { createUserAuthProvider } from '${PACKAGE_NAME}/client'`,
    `     import { browserIdentity } from '${PACKAGE_NAME}/identity'`,
    '     const identity = await browserIdentity() // a non-extractable key kept in IndexedDB',
    `     const provider = createUserAuthProvider({ endpoint: '${result.base}', identity, hubUrl })`,
    '     const client = Client.withUserAuth(provider, hubUrl)',
    '   The thread token stays in memory (or pass storage: sessionStorage), not in localStorage:',
    '   any XSS on the site reads localStorage, and without USER_TOKEN_TTL_SECONDS the token',
    '   never expires.',
    '3. Offline development against the local hub emulator:',
    `     npx ${PACKAGE_NAME} emulator --write-env    # writes .env once, then: netlify dev`,
  ]
}

/** Our challenge and token files from an earlier init (or --split), any extension. */
function splitFiles(functionsDir: string): string[] {
  if (!existsSync(functionsDir)) return []
  const split = new RegExp(`^${FILE_PREFIX}(challenge|token)\\.(m|c)?[jt]s$`)
  return readdirSync(functionsDir)
    .filter((name) => split.test(name))
    .sort()
    .map((name) => join(functionsDir, name))
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
function defaultExtension(dir: string): NonNullable<InitOptions['ext']> {
  const pkg = readJson(join(dir, 'package.json'))
  const esm = pkg?.type === 'module'
  const deps = { ...(pkg?.dependencies as object), ...(pkg?.devDependencies as object) }
  const typescript = existsSync(join(dir, 'tsconfig.json')) || 'typescript' in deps
  return typescript ? (esm ? 'ts' : 'mts') : esm ? 'js' : 'mjs'
}

/** Routes of ours that something else in the site already serves: functions, redirects. */
function findConflicts(input: {
  dir: string
  toml: string | undefined
  functionsDir: string
  ours: ReadonlySet<string>
  routes: readonly string[]
}): string[] {
  const paths = input.routes.map((route) => route.split(' ')[1]!)
  const conflicts: string[] = []
  // Other functions in the folder that declare one of our paths.
  if (existsSync(input.functionsDir)) {
    for (const name of readdirSync(input.functionsDir, { recursive: true }) as string[]) {
      const file = join(input.functionsDir, name)
      if (input.ours.has(file) || !/\.(m|c)?[jt]sx?$/.test(name)) continue
      const text = readText(file) ?? ''
      for (const path of paths) {
        if (text.includes(`'${path}'`) || text.includes(`"${path}"`)) {
          conflicts.push(`${path} (declared by ${relative(input.dir, file)})`)
        }
      }
    }
  }
  // Redirects and rewrites (netlify.toml and _redirects) whose `from` covers one of our paths.
  for (const { from, where } of siteRedirects(input.dir, input.toml)) {
    for (const path of paths) {
      if (redirectCovers(from, path)) conflicts.push(`${path} (redirected by ${from} in ${where})`)
    }
  }
  return conflicts
}
