// The public build-time configuration (written by scripts/build-site.ts into build/config.json).
import { DemoError } from './error-messages.ts'

/** What build/config.json holds: only public values. */
export interface SiteConfig {
  hubUrl: string
  endpoint: string
  banner?: string
  context?: string
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
