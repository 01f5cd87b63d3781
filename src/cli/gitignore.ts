// Keeps the site's `.env` (development credentials) out of git: init adds a `.env` rule to the
// site's `.gitignore`, creating it when absent, unless a rule there already decides about `.env`
// (a pattern that matches it, or a `!` negation that keeps it tracked on purpose: init respects
// that and says so). It never writes through a link and replaces the file instead of writing
// into it (a hard link's other names keep their content).
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { lstat, readSiteFile } from './site-paths.ts'

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

/** The result of {@link applyEnvIgnored}. */
export interface GitignoreResult {
  path: string
  status: GitignoreStatus
  /** The rule that decided (`present`, `negated`). */
  rule?: string
}

/** What {@link planEnvIgnored} decided, for {@link applyEnvIgnored}. */
export interface GitignorePlan extends GitignoreResult {
  /** The file's new text (`created`, `added`). */
  text?: string
  /** The existing file's permission bits (`added`). */
  mode?: number
}

/**
 * Decides what to do about `.env` in the site's `.gitignore`, reading it but writing nothing
 * (init decides before it writes anything).
 *
 * @throws `Error` for a `.gitignore` init may not read (see `readSiteFile`).
 * @example
 * planEnvIgnored(process.cwd()).status // 'created'
 */
export function planEnvIgnored(site: string): GitignorePlan {
  const path = join(site, '.gitignore')
  const stat = lstat(path)
  if (stat !== undefined && !stat.isFile()) return { path, status: 'not-a-file' }
  const text = readSiteFile(path, site)
  if (text === undefined) return { path, status: 'created', text: '.env\n' }
  const decided = lastRuleFor('.env', text)
  if (decided) return { path, status: decided.negated ? 'negated' : 'present', rule: decided.rule }
  const separator = text === '' || text.endsWith('\n') ? '' : '\n'
  return { path, status: 'added', text: `${text}${separator}.env\n`, mode: stat!.mode & 0o777 }
}

/**
 * Carries out a plan: creates the file (create-only) or replaces it with its new text (a
 * temporary file renamed over it, so a hard link's other names keep their content). With
 * `dryRun`, writes nothing and says what it would have done.
 *
 * @example
 * applyEnvIgnored(planEnvIgnored(process.cwd()))
 */
export function applyEnvIgnored(
  plan: GitignorePlan,
  { dryRun = false }: { dryRun?: boolean } = {},
): GitignoreResult {
  const { text, mode, ...result } = plan
  if (dryRun) return result
  if (text !== undefined && plan.status === 'created') {
    writeFileSync(plan.path, text, { flag: 'wx' })
  } else if (text !== undefined) {
    const temporary = `${plan.path}.${process.pid}.textile-tmp`
    writeFileSync(temporary, text, { flag: 'wx', ...(mode !== undefined && { mode }) })
    try {
      renameSync(temporary, plan.path)
    } catch (error) {
      rmSync(temporary, { force: true })
      throw error
    }
  }
  return result
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
    const rule = trimRule(line)
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

// Trailing spaces and tabs end a pattern unless escaped with `\`; so does the CR of CRLF. One
// pass from the end (a regular expression here could backtrack over a long line).
function trimRule(line: string): string {
  let end = line.length
  if (line[end - 1] === '\r') end--
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t') && line[end - 2] !== '\\') {
    end--
  }
  return line.slice(0, end)
}

type Glob = { literal: string } | { set: string; negated: boolean } | 'any' | 'one'

// `*` any run (no `/` in a name anyway), `?` one character, `[…]` a set, `\x` a literal x.
function tokenize(pattern: string): Glob[] {
  const tokens: Glob[] = []
  let close = -1
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!
    // The next `]` that can end a set opened here (at least one character in between); found
    // once per stretch, so a line of `[`s costs one pass, not one per `[`.
    if (char === '[' && close !== Infinity && close < i + 2) {
      close = pattern.indexOf(']', i + 2)
      if (close === -1) close = Infinity
    }
    if (char === '\\' && i + 1 < pattern.length) tokens.push({ literal: pattern[++i]! })
    else if (char === '*') {
      if (tokens.at(-1) !== 'any') tokens.push('any')
    } else if (char === '?') tokens.push('one')
    else if (char === '[' && close !== Infinity) {
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
