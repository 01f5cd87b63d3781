// Browser origins (RFC 6454). Same origin always works; others only when configured.
// In a pattern, `*` stands for letters and digits with single hyphens inside (a slug) within the
// host: it never matches a dot, a colon or a slash, so `https://deploy-preview-*--site.netlify.app`
// cannot be stretched to `https://deploy-preview-1--site.netlify.app.evil.example`; and it never
// starts, ends or contains `--`, Netlify's separator between a deploy and a site name, so it cannot
// reach `https://deploy-preview-1--other--site.netlify.app` either. The scheme must match exactly.
// Threat model: the Origin header is attacker-chosen and checked before the body is read, so a
// match must cost little whatever it holds: origins over MAX_ORIGIN_LENGTH are refused unread, and
// a pattern runs as a small automaton over the origin, one pass and no backtracking
// (time ∝ origin length × pattern length, both bounded).

/** A compiled origin pattern. */
export type OriginMatcher = (origin: string) => boolean

/** Longest origin ever matched: `https://`, a 253-character DNS name and `:65535`. */
export const MAX_ORIGIN_LENGTH = 'https://'.length + 253 + ':65535'.length

const PATTERN = /^(https?):\/\/([a-z0-9*.-]+)(:\d{1,5})?$/
const STAR = -1

/**
 * Compiles one `ALLOWED_ORIGINS` item; undefined when it is not `scheme://host[:port]` or is
 * longer than {@link MAX_ORIGIN_LENGTH}. The matcher is false for any origin over that length.
 *
 * @throws never.
 * @example
 * compileOriginPattern('https://deploy-preview-*--site.netlify.app')?.('https://deploy-preview-7--site.netlify.app') // true
 */
export function compileOriginPattern(pattern: string): OriginMatcher | undefined {
  const text = pattern.trim().toLowerCase().replace(/\/$/, '')
  if (text.length > MAX_ORIGIN_LENGTH) return undefined
  const match = PATTERN.exec(text)
  if (!match) return undefined
  const host = match[2]!
  if (host.startsWith('.') || host.endsWith('.') || host.includes('..') || host.includes('**')) {
    return undefined
  }
  if (!host.includes('*')) return (origin) => origin === text
  const tokens = Array.from(text, (char) => (char === '*' ? STAR : char.charCodeAt(0)))
  return (origin) => origin.length <= MAX_ORIGIN_LENGTH && matchTokens(tokens, origin)
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

// Runs the pattern as a nondeterministic automaton, tracking every live state at once (Thompson's
// construction): one pass over the origin, never a retry. Per token `p` there are three states:
// `at[p]` about to match token p; for a star, `slug[p]` inside it after a letter or digit (it may
// end here) and `hyphen[p]` inside it right after a hyphen (a letter or digit must follow). So a
// star is exactly `[a-z0-9]+(?:-[a-z0-9]+)*`, as the regex this replaces.
function matchTokens(tokens: readonly number[], origin: string): boolean {
  const n = tokens.length
  let at = new Uint8Array(n + 1)
  let slug = new Uint8Array(n)
  let hyphen = new Uint8Array(n)
  let nextAt = new Uint8Array(n + 1)
  let nextSlug = new Uint8Array(n)
  let nextHyphen = new Uint8Array(n)
  at[0] = 1
  for (let i = 0; i < origin.length; i++) {
    const char = origin.charCodeAt(i)
    const alnum = (char >= 0x61 && char <= 0x7a) || (char >= 0x30 && char <= 0x39)
    nextAt.fill(0)
    nextSlug.fill(0)
    nextHyphen.fill(0)
    let live = false
    for (let p = 0; p < n; p++) {
      const token = tokens[p]!
      if (at[p]) {
        if (token === STAR) {
          if (alnum) nextSlug[p] = 1
        } else if (token === char) {
          nextAt[p + 1] = 1
          live = true
        }
      }
      if (token === STAR && alnum && (slug[p] || hyphen[p])) nextSlug[p] = 1
      if (token === STAR && char === 0x2d && slug[p]) nextHyphen[p] = 1
      if (nextSlug[p]) {
        nextAt[p + 1] = 1 // a star may end after a letter or digit
        live = true
      }
      if (nextHyphen[p]) live = true
    }
    if (!live) return false
    ;[at, nextAt] = [nextAt, at]
    ;[slug, nextSlug] = [nextSlug, slug]
    ;[hyphen, nextHyphen] = [nextHyphen, hyphen]
  }
  return at[n] === 1
}
