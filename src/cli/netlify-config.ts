// What init reads of a site's Netlify configuration: netlify.toml, parsed by a TOML parser
// (smol-toml, the parser of Netlify's own @netlify/config), reduced to the settings init uses (the
// folders of the functions and of the edge functions among them), and
// the `from` paths of the site's redirects and rewrites (netlify.toml `[[redirects]]`, `_redirects`
// at the root and in the publish folder) and `[[edge_functions]]` declarations.
import { join, relative } from 'node:path'
import { parse, TomlError } from 'smol-toml'
import { readSiteFile } from './site-paths.ts'

/** One `[[redirects]]` rule of netlify.toml. */
export interface TomlRedirect {
  from: string
  to?: string
  status?: number
  force?: boolean
}

/** One `[[edge_functions]]` declaration of netlify.toml: the function and the paths it takes. */
export interface TomlEdgeFunction {
  function: string
  path: string[]
}

/** The settings of netlify.toml that init uses (absent ones undefined; lists possibly empty). */
export interface NetlifyConfig {
  /** `[build] base`: the folder the other paths are relative to. */
  base?: string
  /** `[build] publish`. */
  publish?: string
  /** The functions folder: `[functions] directory`, else `[build] functions`, and which it was. */
  functions?: { name: '[functions] directory' | '[build] functions'; value: string }
  /** `[build] edge_functions`: the edge functions folder (Netlify's default `netlify/edge-functions`). */
  edgeFunctionsDir?: string
  redirects: TomlRedirect[]
  edgeFunctions: TomlEdgeFunction[]
}

/** One redirect or rewrite rule's `from`, whether it is forced, and the file that declares it. */
export interface SiteRedirect {
  from: string
  /** `force = true` in netlify.toml, `!` after the status in `_redirects`. */
  force: boolean
  /** `netlify.toml [[redirects]]`, or the `_redirects` file relative to the site. */
  where: string
}

/**
 * The settings init uses from netlify.toml text: every valid TOML form (dotted keys, inline
 * tables, literal and multi-line strings, comments, CRLF, a BOM).
 *
 * @throws `Error` with a one-line message naming the file, line and column for text that is not
 *   TOML, and naming the setting for a value of the wrong type.
 * @example
 * parseNetlifyToml('functions.directory = "fns"').functions // { name: '[functions] directory', value: 'fns' }
 */
export function parseNetlifyToml(text: string, file = 'netlify.toml'): NetlifyConfig {
  let toml: Record<string, unknown>
  try {
    toml = parse(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '')
    throw new Error(
      `${file} is not valid TOML: line ${error.line}, column ${error.column}: ${reason}`,
    )
  }
  const build = table(toml.build, file, '[build]')
  const functions = table(toml.functions, file, '[functions]')
  const directory = string(functions.directory, file, '[functions] directory')
  const buildFunctions = string(build.functions, file, '[build] functions')
  return {
    ...optional('base', string(build.base, file, '[build] base')),
    ...optional('publish', string(build.publish, file, '[build] publish')),
    ...optional('edgeFunctionsDir', string(build.edge_functions, file, '[build] edge_functions')),
    ...(directory !== undefined
      ? { functions: { name: '[functions] directory', value: directory } }
      : buildFunctions !== undefined
        ? { functions: { name: '[build] functions', value: buildFunctions } }
        : {}),
    redirects: tables(toml.redirects, file, '[[redirects]]').map((rule, i) => {
      const where = `[[redirects]] number ${i + 1}`
      const from = string(rule.from, file, `${where} from`)
      if (from === undefined) throw new Error(`${file} ${where} has no from`)
      const to = string(rule.to, file, `${where} to`)
      const status = typeOf(rule.status, 'number', file, `${where} status`)
      const force = typeOf(rule.force, 'boolean', file, `${where} force`)
      return {
        from,
        ...optional('to', to),
        ...optional('status', status),
        ...optional('force', force),
      }
    }),
    // A `pattern` (a regular expression) is not matched: init builds no expression from a site.
    edgeFunctions: tables(toml.edge_functions, file, '[[edge_functions]]').map((decl, i) => {
      const where = `[[edge_functions]] number ${i + 1}`
      const paths: unknown[] = Array.isArray(decl.path) ? decl.path : [decl.path]
      return {
        function: string(decl.function, file, `${where} function`) ?? '',
        path: paths.flatMap((path) => string(path, file, `${where} path`) ?? []),
      }
    }),
  }
}

/**
 * The site's netlify.toml settings (none when it has no netlify.toml).
 *
 * @throws `Error` as {@link parseNetlifyToml} does, and for a netlify.toml init may not read
 *   (a link out of the site, a FIFO, a device, over 1 MiB).
 * @example
 * const config = readNetlifyConfig(process.cwd())
 */
export function readNetlifyConfig(dir: string): NetlifyConfig {
  const text = readSiteFile(join(dir, 'netlify.toml'), dir)
  return text === undefined ? { redirects: [], edgeFunctions: [] } : parseNetlifyToml(text)
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

interface Types {
  string: string
  number: number
  boolean: boolean
}

// A value of the given TOML type, or undefined when absent; any other type is an error.
function typeOf<T extends keyof Types>(
  value: unknown,
  type: T,
  file: string,
  where: string,
): Types[T] | undefined {
  if (value === undefined) return undefined
  if (typeof value !== type) throw new Error(`${file} ${where} must be a ${type}`)
  return value as Types[T]
}

function string(value: unknown, file: string, where: string): string | undefined {
  return typeOf(value, 'string', file, where)
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function table(value: unknown, file: string, where: string): Record<string, unknown> {
  if (value === undefined) return {}
  if (!isTable(value)) throw new Error(`${file} ${where} must be a table`)
  return value
}

function tables(value: unknown, file: string, where: string): Record<string, unknown>[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every(isTable)) {
    throw new Error(`${file} ${where} must be an array of tables`)
  }
  return value
}

/**
 * The redirects and rewrites of a site: netlify.toml `[[redirects]]` and the `_redirects` files
 * at the root and in the publish folder.
 *
 * @throws `Error` for a `_redirects` file init may not read (see `readSiteFile`).
 * @example
 * for (const { from, where } of siteRedirects(dir, config, publishDir)) console.log(from, where)
 */
export function siteRedirects(
  dir: string,
  config: NetlifyConfig,
  publishDir: string | undefined,
): SiteRedirect[] {
  const files = new Set([join(dir, '_redirects')])
  if (publishDir !== undefined) files.add(join(publishDir, '_redirects'))
  return [
    ...config.redirects.map((rule) => ({
      from: rule.from,
      force: rule.force === true,
      where: 'netlify.toml [[redirects]]',
    })),
    ...[...files].flatMap((file) =>
      (readSiteFile(file, dir) ?? '').split('\n').flatMap((line) => {
        // `from to [status[!]] [conditions]`; `#` starts a comment.
        const [from = '', , ...rest] = line.trim().split(/\s+/)
        if (!from.startsWith('/')) return []
        const force = rest.some((token) => /^\d{3}!$/.test(token))
        return [{ from, force, where: relative(dir, file) }]
      }),
    ),
  ]
}

/**
 * Whether a rule's `from` names a place of its own rather than catching everything: its first
 * segment is literal (`/api/*`, `/api/token`), not a placeholder or a splat (`/*`, `/**`,
 * `/:lang/*`). A function's route wins over a rule that is not forced (Netlify's redirects are
 * fallbacks); init still refuses one that names the place, so a rule someone wrote for those
 * paths (a proxy to a backend) never loses them silently, and lets a catch-all (the SPA
 * fallback `/* /index.html 200`) be.
 *
 * @example
 * namesPlace('/api/*') // true
 * namesPlace('/*') // false
 */
export function namesPlace(from: string): boolean {
  const first = from.split(/[?#]/)[0]!.split('/')[1] ?? ''
  return first !== '' && !first.includes('*') && !first.startsWith(':')
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
