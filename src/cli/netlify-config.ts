// What init reads of a site's Netlify configuration: string values of netlify.toml (only the
// simple forms netlify.toml uses, not a TOML parser) and the `from` paths of its redirects and
// rewrites (netlify.toml `[[redirects]]`, `_redirects` at the root and in the publish folder).
import { join, relative } from 'node:path'
import { readText } from './site-paths.ts'

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
 * Whether a redirect's `from` covers `path`, as Netlify matches it: `*` (a splat) matches anything,
 * `/` included, and a trailing `/*` also the bare prefix; `:name` (`:splat` too) matches one
 * non-empty segment; every other character is literal; a trailing `/` and letter case do not
 * matter. Where Netlify is stricter (a splat in the middle), this errs towards "covers": init
 * then refuses a route that might be shadowed rather than shadow it. No regular expression is
 * built from the site's text: any `from` is matched in O(from × path) steps, never backtracking.
 *
 * @example
 * redirectCovers('/api/*', '/api/token') // true
 * redirectCovers('/**', '/api/token') // true
 */
export function redirectCovers(from: string, path: string): boolean {
  const rule = trimSlash(from.split(/[?#]/)[0]!).toLowerCase()
  const target = trimSlash(path).toLowerCase()
  const prefix = rule.endsWith('/*') && globMatches(tokenize(rule.slice(0, -2)), target)
  return prefix || globMatches(tokenize(rule), target)
}

type Token = { literal: string } | 'splat' | 'segment'

// `*` runs collapse into one splat; `:name` is one segment; the rest, character by character.
function tokenize(rule: string): Token[] {
  const tokens: Token[] = []
  const name = /:[a-z_][a-z0-9_]*/y
  for (let i = 0; i < rule.length;) {
    name.lastIndex = i
    const placeholder = name.exec(rule)
    if (rule[i] === '*') {
      if (tokens.at(-1) !== 'splat') tokens.push('splat')
      i++
    } else if (placeholder) {
      tokens.push('segment')
      i += placeholder[0].length
    } else {
      tokens.push({ literal: rule[i]! })
      i++
    }
  }
  return tokens
}

// Which prefixes of `text` the tokens so far can match, one token at a time (no backtracking).
function globMatches(tokens: readonly Token[], text: string): boolean {
  let ends = new Set([0])
  for (const token of tokens) {
    const next = new Set<number>()
    if (token === 'splat') {
      for (let i = Math.min(...ends); i <= text.length; i++) next.add(i)
    } else {
      for (const end of ends) {
        if (token !== 'segment') {
          if (text[end] === token.literal) next.add(end + 1)
        } else {
          for (let i = end; i < text.length && text[i] !== '/'; i++) next.add(i + 1)
        }
      }
    }
    ends = next
    if (ends.size === 0) return false
  }
  return ends.has(text.length)
}

function trimSlash(value: string): string {
  return value.length > 1 ? value.replace(/\/+$/, '') : value
}

function redirectsFiles(dir: string, toml: string | undefined) {
  const publish = tomlString(toml, 'build', 'publish')
  return [join(dir, '_redirects'), ...(publish ? [join(dir, publish, '_redirects')] : [])]
    .map((file) => ({ file, text: readText(file) }))
    .filter((entry): entry is { file: string; text: string } => entry.text !== undefined)
}

/**
 * The functions folder netlify.toml names, and where: `[functions] directory`, else
 * `[build] functions`; undefined when it names none.
 *
 * @example
 * configuredFunctionsDir('[functions]\ndirectory = "fns"') // { name: '[functions] directory', value: 'fns' }
 */
export function configuredFunctionsDir(
  toml: string | undefined,
): { name: string; value: string } | undefined {
  const directory = tomlString(toml, 'functions', 'directory')
  if (directory !== undefined) return { name: '[functions] directory', value: directory }
  const functions = tomlString(toml, 'build', 'functions')
  return functions === undefined ? undefined : { name: '[build] functions', value: functions }
}
