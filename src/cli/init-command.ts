// `textile-token-provider init`, the command: usage, arguments, what it prints and the next steps
// (init.ts plans and writes). Every line goes out through `printable`: file names, folder names,
// routes and netlify.toml values are the site's, and a cloned repository chooses them. The
// install commands live here once: README.md and docs/deploy.md show the same lines (a test holds
// them to INSTALL_COMMANDS), and so do the next steps init prints.
import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { GATE_DEFAULTS } from '../netlify/gate-file.ts'
import { PACKAGE_NAME, runInit, type InitOptions, type InitResult } from './init.ts'
import { printable } from './printable.ts'

/** Usage of the command. */
export const INIT_USAGE = `textile-token-provider init [options]

Adds POST <base>/challenge and POST <base>/token (and, with --jwt, POST <base>/jwt,
POST <base>/logout and GET <base>/jwks) to the Netlify site in the current folder, as files in
its functions folder (netlify.toml [functions] directory, else netlify/functions, below
[build] base), adds .env to its .gitignore and prints what to set next.

  --base <path>           base path of the routes (default /api); use it when /api is taken
  --split                 serve challenge and token from two functions instead of one (the
                          layout of earlier versions: two cold starts per cold login; kept
                          automatically while textile-challenge/textile-token files exist)
  --jwt                   also add the JWT minter (with its logout route) and its JWKS
  --gate [paths]          also add the members-only gate in front of these comma-separated
                          URL patterns (default ${GATE_DEFAULTS.paths.join(',')}): an edge function,
                          ${GATE_DEFAULTS.fileName} in the edge functions folder (netlify.toml
                          [build] edge_functions, else netlify/edge-functions); implies --jwt
                          (the session cookie comes from <base>/jwt)
  --login <path>          with --gate: where page loads without a session go (default ${GATE_DEFAULTS.loginPath})
  --single-use            also add the hourly clean-up of single-use envelopes (a scheduled
                          function, no route) and say how to turn SINGLE_USE_ENVELOPES on
  --functions-dir <dir>   write here instead of the site's functions folder (the only way to
                          write outside the site: netlify.toml's folder must lie inside it)
  --ext <ts|mts|js|mjs>   file extension (default: .ts/.mts for TypeScript sites, else .js/.mjs,
                          the m-variant when package.json is not "type": "module")
  --dir <path>            the site (default the current folder)
  --force                 replace files that differ from what init writes (never a link)
  --dry-run               say what would change, change nothing`

/** The flags of `netlify env:set` for a secret the functions read in every deployed context. */
const SECRET_FLAGS = '--secret --scope functions --context production deploy-preview branch-deploy'

/**
 * The install commands, the one copy of them: README.md's and docs/deploy.md's install blocks
 * are these lines (a test holds them to it), and init prints the two `env:set` lines.
 */
export const INSTALL_COMMANDS = {
  install: `npm i ${PACKAGE_NAME} @textile/hub`,
  init: `npx ${PACKAGE_NAME} init`,
  apiKey: 'netlify env:set USER_API_KEY <hub user-group key> --scope functions',
  apiSecret: `netlify env:set USER_API_SECRET <its secret> ${SECRET_FLAGS}`,
} as const

/**
 * Generates CHALLENGE_SECRET inside the user's shell (`"$(…)"`): the value goes straight into
 * `netlify env:set … --secret`, which does not print it, so it never reaches this output, the
 * shell's history or a CI log.
 */
const CHALLENGE_SECRET_GENERATOR = `"$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64url"))')"`

/**
 * The browser headers init and docs/deploy.md recommend, defence in depth against a script in
 * the page handing the user's key (structured-cloneable) to a window or frame of another origin:
 * no cross-origin window keeps a handle on the page (COOP), nothing frames it and it frames
 * nothing (CSP; an app lists in `frame-src` only what it frames).
 */
export const BROWSER_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Content-Security-Policy': "frame-ancestors 'none'; frame-src 'none'",
} as const

/** {@link BROWSER_HEADERS} as a netlify.toml `[[headers]]` block for every page. */
export function headersToml(): string[] {
  return [
    '[[headers]]',
    '  for = "/*"',
    '  [headers.values]',
    ...Object.entries(BROWSER_HEADERS).map(([name, value]) => `    ${name} = "${value}"`),
  ]
}

/** {@link BROWSER_HEADERS} as the lines of a `_headers` file in the publish folder. */
export function headersFile(): string[] {
  return ['/*', ...Object.entries(BROWSER_HEADERS).map(([name, value]) => `  ${name}: ${value}`)]
}

/**
 * The command: parses arguments, runs `runInit`, prints the outcome and the next steps, every
 * line escaped for the terminal. Returns the exit code (1 when a route is taken).
 *
 * @throws `Error` with a one-line message for bad arguments or a site init refuses.
 * @example
 * process.exitCode = runInitCommand(process.argv.slice(3))
 */
export function runInitCommand(argv: string[], log: (line: string) => void = console.log): number {
  const say = (line: string) => log(printable(line))
  const { values } = parseArgs({
    args: withGateValue(argv),
    options: {
      base: { type: 'string' },
      split: { type: 'boolean', default: false },
      jwt: { type: 'boolean', default: false },
      gate: { type: 'string' },
      login: { type: 'string' },
      'single-use': { type: 'boolean', default: false },
      'functions-dir': { type: 'string' },
      ext: { type: 'string' },
      dir: { type: 'string', default: '.' },
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  })
  const dryRun = values['dry-run']
  if (values.login !== undefined && values.gate === undefined) {
    throw new Error("--login is the gate's login page: give it with --gate")
  }
  const gate = values.gate !== undefined && {
    paths: values.gate
      .split(',')
      .map((path) => path.trim())
      .filter((path) => path !== ''),
    ...(values.login !== undefined && { loginPath: values.login }),
  }
  const result = runInit({
    dir: values.dir,
    ...(values.base !== undefined && { base: values.base }),
    split: values.split,
    jwt: values.jwt,
    singleUse: values['single-use'],
    ...(gate && { gate }),
    ...(values['functions-dir'] !== undefined && { functionsDir: values['functions-dir'] }),
    ...(values.ext !== undefined && { ext: values.ext as InitOptions['ext'] }),
    force: values.force,
    dryRun,
  })
  const site = resolve(values.dir)
  if (result.conflicts.length > 0 || result.gateConflicts.length > 0) {
    if (result.conflicts.length > 0) {
      say(`${PACKAGE_NAME} init: nothing written; these routes are already taken in this site:`)
      for (const conflict of result.conflicts) say(`  ${conflict}`)
      say(`Choose another base path, for example: npx ${PACKAGE_NAME} init --base /auth`)
    }
    if (result.gateConflicts.length > 0) {
      say(`${PACKAGE_NAME} init: nothing written; another edge function takes these gate paths:`)
      for (const conflict of result.gateConflicts) say(`  ${conflict}`)
      say(`Gate other paths, for example: npx ${PACKAGE_NAME} init --gate /club,/club/*`)
    }
    return 1
  }
  const line = (status: string, changes: boolean, path: string, what: string) =>
    say(`${(dryRun && changes ? `would be ${status}` : status).padEnd(11)} ${path}  ${what}`)
  for (const file of result.files) {
    const changes = file.status === 'created' || file.status === 'overwritten'
    const note =
      file.status === 'kept'
        ? ' (kept: it differs from what init writes; --force overwrites it)'
        : ''
    const where = file.schedule
      ? `scheduled ${file.schedule}`
      : file.gate
        ? `members only: ${file.routes.join(', ')} (login page ${file.gate.loginPath})`
        : file.routes.join(', ')
    line(file.status, changes, relative(site, file.path), `${where}${note}`)
  }
  const gitignore = result.gitignore
  if (gitignore) {
    const path = relative(site, gitignore.path)
    const keep = '.env holds development credentials: never commit it'
    if (gitignore.status === 'created') line('created', true, path, `ignores .env (${keep})`)
    if (gitignore.status === 'added') line('updated', true, path, `added .env (${keep})`)
    if (gitignore.status === 'present') line('unchanged', false, path, 'ignores .env already')
    if (gitignore.status === 'negated') {
      line('kept', false, path, `${gitignore.rule} keeps .env tracked, as you chose; ${keep}`)
    }
    if (gitignore.status === 'not-a-file') {
      line('kept', false, path, `not a regular file (init writes through no link): add .env to it`)
    }
  }
  if (result.unread.length > 0) {
    const shown = result.unread.slice(0, 5).join(', ')
    const more = result.unread.length > 5 ? ` and ${result.unread.length - 5} more` : ''
    say(`Not read (a link, a special file or over 1 MiB), so not checked for these routes:`)
    say(`  ${shown}${more}`)
  }
  if (result.splitFound.length > 0 && !values.split) {
    const names = result.splitFound.map((path) => relative(site, path)).join(' and ')
    say(`Kept the two-function layout of ${names}. One function for both routes meets one cold`)
    say('start per login instead of two: delete those files, then run init again.')
  }
  const gitignoreChanges = gitignore?.status === 'created' || gitignore?.status === 'added'
  if (result.files.every((file) => file.status === 'unchanged') && !gitignoreChanges) {
    say('Everything is in place already.')
    return 0
  }
  say('')
  for (const next of nextSteps(result)) say(next)
  return 0
}

/**
 * `--gate` takes an optional value: alone (last, or before another option) it means the default
 * paths. node:util's parseArgs has no optional values, so the bare form gets them spelled out.
 */
function withGateValue(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) =>
    arg === '--gate' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-'))
      ? [`--gate=${GATE_DEFAULTS.paths.join(',')}`]
      : [arg],
  )
}

/**
 * What to do after init: the variables, the SDK snippet, local development, the browser
 * headers. No secret in it.
 */
export function nextSteps(result: InitResult): string[] {
  return [
    'Next:',
    "1. Set the functions' variables (netlify.toml values never reach deployed functions):",
    `     ${INSTALL_COMMANDS.apiKey}`,
    `     ${INSTALL_COMMANDS.apiSecret}`,
    `     netlify env:set CHALLENGE_SECRET ${CHALLENGE_SECRET_GENERATOR} ${SECRET_FLAGS}`,
    '   (the last line makes a random secret in your shell; it is never printed)',
    '   Self-hosted hub whose host key you hold (issuer mode, no hub round trip):',
    `     netlify env:set HUB_ISSUER_KEY <host private key> ${SECRET_FLAGS}`,
    '     netlify env:set USER_TOKEN_TTL_SECONDS 3600 --scope functions   (user tokens that end)',
    '   Optional: ALLOWED_ORIGINS, ALLOWED_PUBKEYS, DENIED_PUBKEYS, API_SIG_TTL_SECONDS',
    "   (docs/configuration.md in the project's repository).",
    ...jwtSteps(result),
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
    '3. Local development against the bundled hub emulator (no Textile account needed), in two',
    '   terminals:',
    `     npx ${PACKAGE_NAME} emulator --write-env    # writes .env once, then runs the hub`,
    '     netlify dev                                        # the site and the functions',
    `   As an npm script: npm pkg set "scripts.dev:hub=${PACKAGE_NAME} emulator --write-env"`,
    '   netlify-cli 27 needs Node >= 22.13 (this package: Node >= 20.12). Without internet,',
    '   netlify dev also needs Deno on PATH, even for a site without edge functions (it would',
    '   download it): npm i -D deno, then start netlify dev with npx or from an npm script.',
    '4. Browser headers (defence in depth: no window or frame of another origin gets a handle',
    "   on the page to receive the user's key from an injected script). In netlify.toml:",
    ...headersToml().map((text) => `     ${text}`),
    '   List in frame-src only what the app frames; a second CSP header only adds limits.',
  ]
}

/**
 * An Ed25519 key for the JWT minter, made in the user's shell as {@link CHALLENGE_SECRET_GENERATOR}
 * makes its secret: any 32 random bytes are a seed, and `JWT_EDDSA_KEY` takes one as base64url.
 */
export const JWT_EDDSA_KEY_GENERATOR = CHALLENGE_SECRET_GENERATOR

/** The JWT minter's key and, with the gate, its cookie and what the login page must do. */
function jwtSteps(result: InitResult): string[] {
  if (!result.jwt) return []
  const steps = [
    '   The JWT minter (an EdDSA key made in your shell, never printed; its public half is',
    `   published at ${result.base}/jwks):`,
    `     netlify env:set JWT_EDDSA_KEY ${JWT_EDDSA_KEY_GENERATOR} ${SECRET_FLAGS}`,
  ]
  const gate = result.gate
  if (!gate) return steps
  return [
    ...steps,
    `   Members-only pages (the gate in front of ${gate.paths.join(', ')}):`,
    '     netlify env:set JWT_SESSION_COOKIE true --scope functions',
    '   Edge functions read only variables with the Functions scope, never netlify.toml; under',
    '   netlify dev they read .env only, so for local development put both there too:',
    `     echo JWT_EDDSA_KEY=${JWT_EDDSA_KEY_GENERATOR} >> .env`,
    '     echo JWT_SESSION_COOKIE=true >> .env',
    `   The login page (${gate.loginPath}) logs in with createJwtProvider (${PACKAGE_NAME}/client)`,
    `   on this same origin, endpoint '${result.base}', which sets the session cookie; then it`,
    '   follows ?next= only when that is a path on this site: it starts with / and its second',
    '   character is neither / nor \\ (anything else, a URL included, goes to a page of yours).',
  ]
}
