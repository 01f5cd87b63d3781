// Where an endpoint's configuration comes from: a table of the variables it reads (each with its
// reader and whether it is a secret; a doc comment says what it is), from which the lists of names
// and secrets derive, and a parser that sees only the table's values. Adding a variable is one entry
// (docs/architecture.md, "Add a variable"); a test holds docs/configuration.md and .env.example to
// the tables' names. The pipeline (endpoint.ts) caches a parse per handler, keyed by the values
// themselves, so an env change is picked up at once and nothing is shared between handlers (each
// keeps the crypto provider it was made with).
import type { CryptoProvider } from '../core/crypto-provider.ts'
import { value, type Env, type Reader } from './env-values.ts'

/**
 * What a Netlify function learns about its deploy at run time, from its `context` argument
 * (docs/netlify-platform.md): variables set in netlify.toml never reach a deployed function.
 */
export interface DeployFacts {
  /** `context.deploy.context`: `production`, `deploy-preview`, `branch-deploy`, `dev`, … */
  context?: string
  /** `context.site.url`: the site's main URL. */
  siteUrl?: string
}

/** What a config parser receives. */
export interface ConfigInput {
  env: Env
  crypto: CryptoProvider
  deploy: DeployFacts
}

/**
 * One variable of a configuration table. What it is goes in a doc comment on its entry, not in a
 * field: the tables ship in every function bundle, and docs/configuration.md has the whole row.
 */
export interface Variable<T = unknown> {
  /** Redacted from logged errors, whole and item by item (a comma list's items too). */
  secret?: true
  /**
   * Netlify sets it, not the site's owner: listed apart in docs/configuration.md and never in
   * `.env.example`.
   */
  netlify?: true
  /** Reads and checks the value (src/http/env-values.ts). */
  read: Reader<T>
}

/** A configuration table: variable name → how it is read. */
export type VariableTable = Readonly<Record<string, Variable>>

/** What a table's parser receives: each variable's value, read (and checked) on first access. */
export type VariableValues<T extends VariableTable> = {
  readonly [K in keyof T]: T[K] extends Variable<infer V> ? V : never
}

/**
 * The values of a table in `env`. Each is read on first access, so the parser's order decides
 * which bad variable a `server_misconfigured` names first.
 *
 * @throws (on access) `server_misconfigured` naming the variable, from its reader.
 * @example
 * const { CHALLENGE_TTL_SECONDS } = readVariables(TEXTILE_VARIABLES, process.env)
 */
export function readVariables<T extends VariableTable>(table: T, env: Env): VariableValues<T> {
  const values = {}
  for (const [name, variable] of Object.entries(table)) {
    let read: { value: unknown } | undefined
    Object.defineProperty(values, name, {
      enumerable: true,
      get: () => (read ??= { value: variable.read(env, name) }).value,
    })
  }
  return values as VariableValues<T>
}

/** A variable Netlify sets: the site's main URL (a deployed function sees it, docs/netlify-platform.md §1). */
export const SITE_URL_VARIABLE: Variable<string | undefined> = { netlify: true, read: value }

/** An endpoint's configuration: its variables, its secrets and its parser. */
export interface ConfigSource<C> {
  /** Every variable the parser reads; their values key the cache. */
  readonly variables: readonly string[]
  /** The variables that hold secrets: redacted from logged errors, whole and item by item. */
  readonly secrets: readonly string[]
  /**
   * Validates and imports the configuration.
   *
   * @throws `server_misconfigured` naming the first bad variable (never its value).
   */
  parse(input: ConfigInput): Promise<C>
}

/** A table's parser: the table's values (read on access), the crypto provider and the deploy facts. */
export type ConfigParser<T extends VariableTable, C> = (
  vars: VariableValues<T>,
  input: Omit<ConfigInput, 'env'>,
) => Promise<C>

/**
 * Makes a configuration source of a table and a parser of its values: the names and the secrets
 * derive from the table, and the parser reads no variable the table does not hold.
 *
 * @example
 * const source = configSource({ SINGLE_USE_ENVELOPES: { read: flag() } }, async (vars) => ({
 *   singleUse: vars.SINGLE_USE_ENVELOPES,
 * }))
 */
export function configSource<T extends VariableTable, C>(
  table: T,
  parse: ConfigParser<T, C>,
): ConfigSource<C> {
  const names = Object.keys(table)
  return {
    variables: names,
    secrets: names.filter((name) => table[name]!.secret),
    parse: ({ env, crypto, deploy }) => parse(readVariables(table, env), { crypto, deploy }),
  }
}

/**
 * Wraps a source in a cache keyed by its variables' values and the deploy facts. A failed load is
 * not kept: the next request tries again (and fails the same way, cheaply).
 *
 * @example
 * const load = createConfigLoader(textileConfig, webCryptoProvider)
 * const config = await load(process.env, {})
 */
export function createConfigLoader<C>(
  source: ConfigSource<C>,
  crypto: CryptoProvider,
): (env: Env, deploy: DeployFacts) => Promise<C> {
  let cache: { key: string; config: Promise<C> } | undefined
  return (env, deploy) => {
    const key = JSON.stringify([
      source.variables.map((name) => env[name] ?? null),
      deploy.context ?? null,
      deploy.siteUrl ?? null,
    ])
    if (cache?.key !== key) {
      const config = source.parse({ env, crypto, deploy })
      cache = { key, config }
      config.catch(() => {
        if (cache?.config === config) cache = undefined
      })
    }
    return cache.config
  }
}

/** The secret values of a source in `env`: each whole value and each item of a comma list. */
export function secretValues(source: ConfigSource<unknown>, env: Env): string[] {
  return source.secrets.flatMap((name) => {
    const text = env[name]
    return text ? [text, ...text.split(',').map((item) => item.trim())] : []
  })
}
