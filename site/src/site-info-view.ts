// What the build configured: the banner (deploy previews, local development) and the footer's hub,
// functions and deploy context.
import type { SiteConfig } from './site-config.ts'

/** The banner and footer elements in index.html. */
export interface SiteInfoElements {
  banner: HTMLElement
  hubUrl: HTMLElement
  endpoint: HTMLElement
  contextLabel: HTMLElement
}

/**
 * Shows the site's configuration.
 *
 * @example
 * showSiteInfo({ elements, config: await loadSiteConfig() })
 */
export function showSiteInfo(options: { elements: SiteInfoElements; config: SiteConfig }): void {
  const { elements: ui, config } = options
  ui.hubUrl.textContent = config.hubUrl
  ui.endpoint.textContent = config.endpoint
  if (config.context) ui.contextLabel.textContent = `· built for ${config.context}`
  if (config.banner) {
    ui.banner.textContent = config.banner
    ui.banner.hidden = false
  }
}
