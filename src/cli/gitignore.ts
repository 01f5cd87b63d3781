// Keeps the site's `.env` (development credentials) out of git: init adds a `.env` rule to the
// site's `.gitignore`, creating it when absent, unless a rule there already decides about `.env`
// (a pattern that matches it, or a `!` negation that keeps it tracked on purpose: init respects
// that and says so). It never writes through a link and replaces the file instead of writing
// into it (a hard link's other names keep their content).
import { lstatSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readSiteFile } from './site-paths.ts'

/** What init did, or would do, about `.env` in `.gitignore`. */
export type GitignoreStatus =
  /** No .gitignore: one holding `.env` was created. */
  | 'created'
  /** `.env` was appended to the existing file. */
  | 'added'
  /** A rule already ignores `.env`. */
  | 'present'
  /** A `!` rule un-ignores `.env` on purpose: left as it is. */
  | 'negated'
  /** `.gitignore` is a link or not a regular file: left as it is. */
  | 'not-a-file'

/** The result of {@link ensureEnvIgnored}. */
export interface GitignoreResult {
  path: string
  status: GitignoreStatus
  /** The rule that decided (`present`, `negated`). */
  rule?: string
}

/**
 * Makes the site's `.gitignore` ignore `.env` (nothing written with `dryRun`).
 *
 * @throws `Error` for a `.gitignore` init may not read (see `readSiteFile`).
 * @example
 * ensureEnvIgnored(process.cwd(), { dryRun: false }).status // 'created'
 */
export function ensureEnvIgnored(site: string, { dryRun }: { dryRun: boolean }): GitignoreResult {
  const path = join(site, '.gitignore')
  const stat = lstatOrUndefined(path)
  if (stat !== undefined && !stat.isFile()) return { path, status: 'not-a-file' }
  const text = readSiteFile(path, site)
  if (text === undefined) {
    if (!dryRun) writeFileSync(path, '.env\n', { flag: 'wx' })
    return { path, status: 'created' }
  }
  const decided = lastRuleFor('.env', text)
  if (decided) return { path, status: decided.negated ? 'negated' : 'present', rule: decided.rule }
  if (!dryRun) {
    const separator = text === '' || text.endsWith('\n') ? '' : '\n'
    const temporary = `${path}.${process.pid}.textile-tmp`
    writeFileSync(temporary, `${text}${separator}.env\n`, { flag: 'wx', mode: stat!.mode & 0o777 })
    try {
      renameSync(temporary, path)
    } catch (error) {
      rmSync(temporary, { force: true })
      throw error
    }
  }
  return { path, status: 'added' }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}

/**
 * The last rule of a `.gitignore` (at the root of the repository or of the site) that matches
 * the file `name` in its own folder, as git reads the file: later rules win, `!` negates, a
 * trailing `/` matches folders only, a pattern with a `/` before its end is anchored, `*` and `?`
 * and `[…]` are globs, `\` escapes.
 *
 * @example
 * lastRuleFor('.env', '*.env\n!.env\n') // { rule: '!.env', negated: true }
 */
export function lastRuleFor(
  name: string,
  text: string,
): { rule: string; negated: boolean } | undefined {
  let decided: { rule: string; negated: boolean } | undefined
  for (const line of text.split('\n')) {
    // Trailing spaces end a pattern unless escaped; a CR of CRLF endings too.
    const rule = line.replace(/\r$/, '').replace(/(?<!\\)\s+$/, '')
    if (rule === '' || rule.startsWith('#')) continue
    const negated = rule.startsWith('!')
    let pattern = negated ? rule.slice(1) : rule
    if (pattern.endsWith('/')) continue
    while (pattern.startsWith('**/')) pattern = pattern.slice(3)
    if (pattern.startsWith('/')) pattern = pattern.slice(1)
    if (pattern.includes('/')) continue
    if (globMatches(pattern, name)) decided = { rule, negated }
  }
  return decided
}

type Glob = { literal: string } | { set: string; negated: boolean } | 'any' | 'one'

// `*` any run (no `/` in a name anyway), `?` one character, `[…]` a set, `\x` a literal x.
function tokenize(pattern: string): Glob[] {
  const tokens: Glob[] = []
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!
    if (char === '\\' && i + 1 < pattern.length) tokens.push({ literal: pattern[++i]! })
    else if (char === '*') {
      if (tokens.at(-1) !== 'any') tokens.push('any')
    } else if (char === '?') tokens.push('one')
    else if (char === '[' && pattern.indexOf(']', i + 2) !== -1) {
      const close = pattern.indexOf(']', i + 2)
      let body = pattern.slice(i + 1, close)
      const negated = body.startsWith('!') || body.startsWith('^')
      if (negated) body = body.slice(1)
      tokens.push({ set: expandRanges(body), negated })
      i = close
    } else tokens.push({ literal: char })
  }
  return tokens
}

function expandRanges(body: string): string {
  let set = ''
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const [from, to] = [body.charCodeAt(i), body.charCodeAt(i + 2)]
      // Only the characters that can be in `name` matter: clamp the range to printable ASCII.
      for (let code = Math.max(from, 0x20); code <= Math.min(to, 0x7e); code++) {
        set += String.fromCharCode(code)
      }
      i += 2
    } else set += body[i]
  }
  return set
}

// Which prefixes of `name` the tokens so far match, one token at a time (no backtracking).
function globMatches(pattern: string, name: string): boolean {
  let ends = new Set([0])
  for (const token of tokenize(pattern)) {
    const next = new Set<number>()
    for (const end of ends) {
      if (token === 'any') for (let i = end; i <= name.length; i++) next.add(i)
      else if (end < name.length) {
        const char = name[end]!
        const matches =
          token === 'one' ||
          ('literal' in token && token.literal === char) ||
          ('set' in token && token.set.includes(char) !== token.negated)
        if (matches) next.add(end + 1)
      }
    }
    ends = next
    if (ends.size === 0) return false
  }
  return ends.has(name.length)
}
