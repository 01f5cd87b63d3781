// The demo's public configuration, from the build to the page: its shape (`SiteConfig`, the one
// declaration of it), how the build makes it from the environment (`siteConfig`, run by
// site/tools/build-site.ts, which writes it to build/config.json) and how the page reads it back
// (`loadSiteConfig`). Threat model: site/ is public, so the config comes from an allowlist of
// non-secret variables (HUB_URL, DEMO_BANNER, CONTEXT), never from the whole environment.
import { DemoError } from './error-messages.ts'

/** Default hub: the local emulator `npm start` runs. */
export const DEFAULT_HUB_URL = 'http://127.0.0.1:6007'

const DEPLOYED_CONTEXTS = new Set(['production', 'deploy-preview', 'branch-deploy'])

/** What `build/config.json` holds. Public: never put a secret here. */
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
 * The public site configuration from environment variables (an allowlist, nothing else): what the
 * build writes to `build/config.json`.
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
 * Loads build/config.json next to the page.
 *
 * @throws `config_unavailable` when it is missing or malformed.
 * @example
 * const { hubUrl, endpoint } = await loadSiteConfig()
 */
export async function loadSiteConfig(url = '/build/config.json'): Promise<SiteConfig> {
  let json: unknown
  try {
    const response = await fetch(url, { cache: 'no-store' })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    json = await response.json()
  } catch (cause) {
    throw new DemoError('config_unavailable', undefined, { cause })
  }
  const config = json as Partial<SiteConfig> | null
  if (
    typeof config?.hubUrl !== 'string' ||
    !/^https?:\/\//.test(config.hubUrl) ||
    typeof config.endpoint !== 'string'
  ) {
    throw new DemoError('config_unavailable', 'config.json lacks hubUrl or endpoint')
  }
  return {
    hubUrl: config.hubUrl,
    endpoint: config.endpoint,
    ...(typeof config.banner === 'string' && { banner: config.banner }),
    ...(typeof config.context === 'string' && { context: config.context }),
  }
}
