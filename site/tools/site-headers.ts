// The demo's response headers that depend on the deployment: the Content-Security-Policy names the
// hub (HUB_URL, a different URL per deploy context), which a static netlify.toml cannot, so the
// build writes it into `_headers` in the publish directory; the headers that are the same for every
// deployment stay in netlify.toml's `[[headers]]`. One CSP, in one place: a browser enforces every
// policy a response carries, so a stricter second one would block the hub.
import type { SiteConfig } from '../src/site-config.ts'

/**
 * The demo page's Content-Security-Policy: its own origin only, plus the configured hub for
 * `connect-src` (the hub client talks gRPC-web over a WebSocket to the hub's origin, `ws:` for
 * `http:` and `wss:` for `https:`); no plugins, no `<base>`, no framing at all (the page is framed
 * by nothing and frames nothing) and no workers.
 *
 * @throws TypeError when the hub is an IPv6 address literal, which CSP source lists cannot name.
 * @example
 * contentSecurityPolicy({ hubUrl: 'https://hub.example', endpoint: '/api' })
 * // "default-src 'self'; connect-src 'self' https://hub.example wss://hub.example; …"
 */
export function contentSecurityPolicy(config: SiteConfig): string {
  const hub = new URL(config.hubUrl)
  if (hub.hostname.startsWith('[')) {
    throw new TypeError('HUB_URL must name its host or an IPv4 address (a CSP cannot list IPv6)')
  }
  const socket = `${hub.protocol === 'https:' ? 'wss:' : 'ws:'}//${hub.host}`
  return [
    "default-src 'self'",
    `connect-src 'self' ${hub.origin} ${socket}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    // No framing either way, and no workers: a page that frames or opens nothing of another
    // origin gives an XSS no foreign window to hand a CryptoKey to (docs/identity.md).
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
  ].join('; ')
}

/**
 * The `_headers` file for the publish directory: the CSP for every page. Netlify and `netlify dev`
 * both read it next to netlify.toml's `[[headers]]`.
 *
 * @example
 * siteHeaders({ hubUrl: 'http://127.0.0.1:6007', endpoint: '/api' }) // '# Written by …\n/*\n  Content-Security-Policy: …'
 */
export function siteHeaders(config: SiteConfig): string {
  return [
    '# Written by npm run build:site (site/tools/site-headers.ts) from HUB_URL: edit that, not this file.',
    '/*',
    `  Content-Security-Policy: ${contentSecurityPolicy(config)}`,
    '',
  ].join('\n')
}
