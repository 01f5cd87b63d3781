// Where an endpoint's configuration comes from: the variables it reads, which of them are secrets,
// and how they are parsed. The pipeline (endpoint.ts) caches a parse per handler, keyed by the
// values themselves, so an env change is picked up at once and nothing is shared between handlers
// (each keeps the crypto provider it was made with).
import type { CryptoProvider } from '../core/crypto-provider.ts'
import type { Env } from './env-values.ts'

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
