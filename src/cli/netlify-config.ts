// What init reads of a site's Netlify configuration: string values of netlify.toml (only the
// simple forms netlify.toml uses, not a TOML parser) and the `from` paths of its redirects and
// rewrites (netlify.toml `[[redirects]]`, `_redirects` at the root and in the publish folder).
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** One redirect or rewrite rule's `from`, and the file that declares it. */
export interface SiteRedirect {
  from: string
  /** `netlify.toml [[redirects]]`, or the `_redirects` file relative to the site. */
  where: string
}

/**
 * The text of the site's `netlify.toml`, undefined when it has none.
 *
 * @example
 * const toml = readNetlifyToml(dir)
 */
export function readNetlifyToml(dir: string): string | undefined {
  return readText(join(dir, 'netlify.toml'))
}

/**
 * A string value of `key` in a TOML `[section]` (only the simple forms netlify.toml uses).
 *
 * @example
 * tomlString(toml, 'functions', 'directory') // 'netlify/functions'
 */
export function tomlString(
  toml: string | undefined,
  section: string,
  key: string,
): string | undefined {
  if (!toml) return undefined
  let current = ''
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim()
    const header = /^\[([^\[\]]+)\]$/.exec(line)
    if (header) {
      current = header[1]!.trim()
      continue
    }
    if (/^\[\[/.test(line)) current = ''
    if (current !== section) continue
    const match = new RegExp(`^${key}\\s*=\\s*(["'])(.*)\\1$`).exec(line)
    if (match) return match[2]
  }
  return undefined
}

/**
 * The redirects and rewrites of a site: netlify.toml `[[redirects]]` and `_redirects` files.
 *
 * @example
 * for (const { from, where } of siteRedirects(dir, readNetlifyToml(dir))) console.log(from, where)
 */
export function siteRedirects(dir: string, toml: string | undefined): SiteRedirect[] {
  return [
    ...[...(toml ?? '').matchAll(/^\s*from\s*=\s*["']([^"']+)["']/gm)].map((m) => ({
      from: m[1]!,
      where: 'netlify.toml [[redirects]]',
    })),
    ...redirectsFiles(dir, toml).flatMap(({ file, text }) =>
      text
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[0] ?? '')
        .filter((from) => from.startsWith('/'))
        .map((from) => ({ from, where: relative(dir, file) })),
    ),
  ]
}

/**
 * Whether a redirect's `from` matches `path`. Netlify's `from`: an exact path, or a prefix ending
 * in `/*` (splat); `:placeholders` match a segment.
 *
 * @example
 * redirectCovers('/api/*', '/api/token') // true
 */
export function redirectCovers(from: string, path: string): boolean {
  const pattern = from
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\/\*$/, '(?:/.*)?')
    .replace(/:[A-Za-z_]+/g, '[^/]+')
  return new RegExp(`^${pattern}/?$`).test(path)
}

function redirectsFiles(dir: string, toml: string | undefined) {
  const publish = tomlString(toml, 'build', 'publish')
  return [join(dir, '_redirects'), ...(publish ? [join(dir, publish, '_redirects')] : [])]
    .map((file) => ({ file, text: readText(file) }))
    .filter((entry): entry is { file: string; text: string } => entry.text !== undefined)
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}
