// The Netlify function files a site needs: each re-exports a ready-made handler of the package and
// declares its `config` as a literal in the file itself, because Netlify reads a function's route
// and rate limit by static analysis of that file only (a re-exported `config` silently loses them;
// docs/netlify-platform.md). `init` writes these files; the repository's own functions/ are the
// same text with a relative import (a test holds them to it). A scheduled function has a `schedule`
// instead of routes (Netlify refuses both in one config).
import { RATE_LIMIT } from '../netlify/rate-limit.ts'

/** The ready-made functions. */
export type FunctionName = 'challenge' | 'token' | 'jwt' | 'jwks' | 'cleanup-envelopes'

/** One function: its name, what it does and where it answers (below the base path) or when it runs. */
export interface FunctionSpec {
  name: FunctionName
  summary: string
  /** Routes below the base path, and absolute extra routes; none for a scheduled function. */
  routes: readonly string[]
  /** Whether Netlify's rate limit applies (everything that mints). */
  rateLimited: boolean
  /** A scheduled function's cron expression (UTC) or nickname such as `@hourly`; no routes then. */
  schedule?: string
}

/** Every ready-made function; `jwt` and `jwks` are opt-in, `cleanup-envelopes` comes with single use. */
export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'challenge',
    summary: 'issue a signed, stateless challenge envelope for a Textile public key',
    routes: ['challenge'],
    rateLimited: true,
  },
  {
    name: 'token',
    summary: "verify the signed envelope and mint the user's Textile Hub credentials",
    routes: ['token'],
    rateLimited: true,
  },
  {
    name: 'jwt',
    summary: 'the same proof of possession as the token function, answered with a JWT',
    routes: ['jwt'],
    rateLimited: true,
  },
  {
    name: 'jwks',
    summary: "the public keys that verify the JWT function's EdDSA tokens",
    routes: ['jwks', '/.well-known/jwks.json'],
    rateLimited: false,
  },
  {
    name: 'cleanup-envelopes',
    summary: 'delete expired single-use envelope entries from Netlify Blobs',
    routes: [],
    rateLimited: false,
    schedule: '@hourly',
  },
]

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
 * functionFileText(FUNCTIONS[1], { from: 'textile-token-provider/netlify/token' })
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
  const base = options.base ?? '/api'
  const paths = spec.routes.map((route) => (route.startsWith('/') ? route : `${base}/${route}`))
  const path = paths.length === 1 ? `'${paths[0]}'` : `[${paths.map((p) => `'${p}'`).join(', ')}]`
  const { windowLimit, windowSize, aggregateBy } = RATE_LIMIT
  const rateLimit = `{ windowLimit: ${windowLimit}, windowSize: ${windowSize}, aggregateBy: [${aggregateBy.map((a) => `'${a}'`).join(', ')}] }`
  return [
    `// ${paths.join(', ')}: ${spec.summary}.`,
    `// Netlify reads \`config\` from this file only: keep it a literal here (textile-token-provider).`,
    `export { default } from '${options.from}'`,
    '',
    'export const config = {',
    `  path: ${path},`,
    ...(spec.rateLimited ? [`  rateLimit: ${rateLimit},`] : []),
    '}',
    '',
  ].join('\n')
}
