// Browser origins (RFC 6454). Same origin always works; others only when configured.
// In a pattern, `*` stands for letters and digits with single hyphens inside (a slug) within the
// host: it never matches a dot, a colon or a slash, so `https://deploy-preview-*--site.netlify.app`
// cannot be stretched to `https://deploy-preview-1--site.netlify.app.evil.example`; and it never
// starts, ends or contains `--`, Netlify's separator between a deploy and a site name, so it cannot
// reach `https://deploy-preview-1--other--site.netlify.app` either. The scheme must match exactly.

/** A compiled origin pattern. */
export type OriginMatcher = (origin: string) => boolean

const PATTERN = /^(https?):\/\/([a-z0-9*.-]+)(:\d{1,5})?$/

/**
 * Compiles one `ALLOWED_ORIGINS` item; undefined when it is not `scheme://host[:port]`.
 *
 * @example
 * compileOriginPattern('https://deploy-preview-*--site.netlify.app')?.('https://deploy-preview-7--site.netlify.app') // true
 */
export function compileOriginPattern(pattern: string): OriginMatcher | undefined {
  const text = pattern.trim().toLowerCase().replace(/\/$/, '')
  const match = PATTERN.exec(text)
  if (!match) return undefined
  const host = match[2]!
  if (host.startsWith('.') || host.endsWith('.') || host.includes('..') || host.includes('**')) {
    return undefined
  }
  if (!host.includes('*')) return (origin) => origin === text
  const source = text.split('*').map(escapeRegExp).join('[a-z0-9]+(?:-[a-z0-9]+)*')
  const regex = new RegExp(`^${source}$`)
  return (origin) => regex.test(origin)
}

/** The origin of an absolute URL, or undefined. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const origin = new URL(url).origin
    return origin === 'null' ? undefined : origin
  } catch {
    return undefined
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
