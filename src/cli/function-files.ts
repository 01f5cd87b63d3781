// The Netlify function files a site needs: each re-exports a ready-made handler of the package and
// declares its `config` as a literal in the file itself, because Netlify reads a function's route
// and rate limit by static analysis of that file only (a re-exported `config` silently loses them;
// docs/netlify-platform.md). `init` writes these files; the repository's own functions/ are the
// same text with a relative import (a test holds them to it). A scheduled function has a `schedule`
// instead of routes (Netlify refuses both in one config). The login's two routes come in one
// function by default (one cold start per login) or, in the split layout, in two.
import { LOGIN_RATE_LIMIT, RATE_LIMIT, type RateLimit } from '../netlify/rate-limit.ts'

/** The ready-made functions. */
export type FunctionName = 'login' | 'challenge' | 'token' | 'jwt' | 'jwks' | 'cleanup-envelopes'

/**
 * Where the login's routes live: `combined`, one function serving both challenge and token (the
 * default); `split`, a challenge function and a token function (the layout before the login function, and the
 * layout `init --split` writes).
 */
export type LoginLayout = 'combined' | 'split'

/** One function: its name, what it does and where it answers (below the base path) or when it runs. */
export interface FunctionSpec {
  name: FunctionName
  summary: string
  /** Routes below the base path, and absolute extra routes; none for a scheduled function. */
  routes: readonly string[]
  /** The routes' HTTP method (init prints it); default POST. */
  method?: 'GET' | 'POST'
  /** Netlify's rate limit, on everything that mints; none for the others. */
  rateLimit?: RateLimit
  /** A scheduled function's cron expression (UTC) or nickname such as `@hourly`; no routes then. */
  schedule?: string
  /** Written only in this login layout; functions without one are written in both. */
  layout?: LoginLayout
  /** Written only when this option of {@link FunctionSelection} is on. */
  option?: 'jwt' | 'singleUse'
}

/**
 * Every ready-made function: `login` or `challenge` + `token` by layout; `jwt` and `jwks` are
 * opt-in, `cleanup-envelopes` comes with single use.
 */
export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'login',
    summary: 'challenge and token in one function, so a login pays one cold start',
    routes: ['challenge', 'token'],
    rateLimit: LOGIN_RATE_LIMIT,
    layout: 'combined',
  },
  {
    name: 'challenge',
    summary: 'issue a signed, stateless challenge envelope for a Textile public key',
    routes: ['challenge'],
    rateLimit: RATE_LIMIT,
    layout: 'split',
  },
  {
    name: 'token',
    summary: "verify the signed envelope and mint the user's Textile Hub credentials",
    routes: ['token'],
    rateLimit: RATE_LIMIT,
    layout: 'split',
  },
  {
    name: 'jwt',
    summary: 'a JWT after the proof of possession of the token function; logout ends its cookie',
    routes: ['jwt', 'logout'],
    rateLimit: RATE_LIMIT,
    option: 'jwt',
  },
  {
    name: 'jwks',
    summary: "the public keys that verify the JWT function's EdDSA tokens",
    routes: ['jwks', '/.well-known/jwks.json'],
    method: 'GET',
    option: 'jwt',
  },
  {
    name: 'cleanup-envelopes',
    summary: 'delete expired single-use envelope entries from Netlify Blobs',
    routes: [],
    schedule: '@hourly',
    option: 'singleUse',
  },
]

/** Which functions a site gets (options of {@link selectFunctions}). */
export interface FunctionSelection {
  /** Default `combined`. */
  layout?: LoginLayout
  /** The JWT minter and its JWKS. */
  jwt?: boolean
  /** The scheduled clean-up of single-use envelopes. */
  singleUse?: boolean
}

/**
 * The functions of one selection, in {@link FUNCTIONS} order.
 *
 * @example
 * selectFunctions({ layout: 'split', jwt: true }).map((spec) => spec.name) // challenge, token, jwt, jwks
 */
export function selectFunctions(selection: FunctionSelection = {}): FunctionSpec[] {
  const layout = selection.layout ?? 'combined'
  return FUNCTIONS.filter(
    (spec) =>
      (spec.layout === undefined || spec.layout === layout) &&
      (spec.option === undefined || selection[spec.option] === true),
  )
}

/**
 * The URL paths of a function's routes: each below `base` (default `/api`), or as it is when
 * absolute.
 *
 * @example
 * routePaths(FUNCTIONS[4], '/auth') // ['/auth/jwks', '/.well-known/jwks.json']
 */
export function routePaths(spec: FunctionSpec, base = '/api'): string[] {
  return spec.routes.map((route) => (route.startsWith('/') ? route : `${base}/${route}`))
}

/** Options of {@link functionFileText}. */
export interface FunctionFileOptions {
  /** Where the handler comes from, e.g. `'textile-token-provider/netlify/token'`. */
  from: string
  /** The base path of the routes; default `'/api'`. */
  base?: string
}

/**
 * The text of one function file.
 *
 * @throws `Error` for a spec with both a schedule and routes, or neither.
 * @example
 * functionFileText(FUNCTIONS[0], { from: 'textile-token-provider/netlify/login' })
 */
export function functionFileText(spec: FunctionSpec, options: FunctionFileOptions): string {
  if ((spec.schedule === undefined) === (spec.routes.length === 0)) {
    throw new Error(`function ${spec.name}: give routes or a schedule, not both or neither`)
  }
  if (spec.schedule !== undefined) {
    return [
      `// ${spec.schedule} (scheduled, no route): ${spec.summary}.`,
      `// Netlify reads \`config\` from this file only: keep it a literal here (textile-token-provider).`,
      `export { default } from '${options.from}'`,
      '',
      'export const config = {',
      `  schedule: '${spec.schedule}',`,
      '}',
      '',
    ].join('\n')
  }
  const paths = routePaths(spec, options.base)
  const path = paths.length === 1 ? `'${paths[0]}'` : `[${paths.map((p) => `'${p}'`).join(', ')}]`
  const limit = spec.rateLimit
  const rateLimit =
    limit &&
    `{ windowLimit: ${limit.windowLimit}, windowSize: ${limit.windowSize}, aggregateBy: [${limit.aggregateBy.map((a) => `'${a}'`).join(', ')}] }`
  return [
    `// ${paths.join(', ')}: ${spec.summary}.`,
    `// Netlify reads \`config\` from this file only: keep it a literal here (textile-token-provider).`,
    `export { default } from '${options.from}'`,
    '',
    'export const config = {',
    `  path: ${path},`,
    ...(rateLimit ? [`  rateLimit: ${rateLimit},`] : []),
    '}',
    '',
  ].join('\n')
}
