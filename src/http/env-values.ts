// Reading configuration from environment variables: trimmed values, comma lists, booleans and
// bounded seconds, each failing with `server_misconfigured` naming the variable (never its value).
// `value` and `list` read as they are; the others make the reader a configuration table's entry
// holds (config-source.ts).
import { TokenProviderError } from '../core/errors.ts'

/** A source of environment values. */
export type Env = Readonly<Record<string, string | undefined>>

/** The trimmed value, or undefined when unset or blank. */
export function value(env: Env, name: string): string | undefined {
  const text = env[name]?.trim()
  return text ? text : undefined
}

/** A comma-separated list; whitespace around items and empty items are ignored. */
export function list(env: Env, name: string): string[] {
  return (value(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** How a configuration table reads one variable (src/http/config-source.ts): env and name in. */
export type Reader<T> = (env: Env, name: string) => T

/**
 * Reads `true` / `false` (any case); unset is `fallback` (default false).
 *
 * @throws (from the reader) `server_misconfigured` for anything else.
 * @example
 * const read = flag(true) // POLICY_AT_CHALLENGE: on unless set to false
 */
export function flag(fallback = false): Reader<boolean> {
  return (env, name) => {
    const text = value(env, name)?.toLowerCase()
    if (text === undefined) return fallback
    if (text === 'true') return true
    if (text === 'false') return false
    throw misconfigured(`${name} must be true or false.`)
  }
}

/**
 * Reads a whole number within bounds, or undefined when unset.
 *
 * @throws (from the reader) `server_misconfigured` when out of bounds or not a whole number; the
 *   detail says what it must be (`what`, default "a whole number").
 * @example
 * const read = wholeNumber(1, 1_000_000) // WS_MAX_CONNECTIONS
 */
export function wholeNumber(
  min: number,
  max: number,
  what = 'a whole number',
): Reader<number | undefined> {
  return (env, name) => {
    const text = value(env, name)
    if (text === undefined) return undefined
    const number = /^\d+$/.test(text) ? Number(text) : NaN
    if (!(number >= min && number <= max)) {
      throw misconfigured(`${name} must be ${what} from ${min} to ${max}.`)
    }
    return number
  }
}

/**
 * Reads a whole number of seconds within bounds, or undefined when unset (the parser decides the
 * default when it depends on more than the variable).
 *
 * @throws (from the reader) `server_misconfigured` when out of bounds or not a whole number.
 */
export function optionalSeconds(min: number, max: number): Reader<number | undefined> {
  return wholeNumber(min, max, 'a whole number of seconds')
}

/**
 * Reads a whole number of seconds within bounds, or the fallback when unset.
 *
 * @throws (from the reader) `server_misconfigured` when out of bounds or not a whole number.
 * @example
 * const read = seconds(60, 5, 600) // CHALLENGE_TTL_SECONDS
 */
export function seconds(fallback: number, min: number, max: number): Reader<number> {
  const read = optionalSeconds(min, max)
  return (env, name) => read(env, name) ?? fallback
}

/** The coded configuration error; `detail` names the variable, never its value. */
export function misconfigured(detail: string): TokenProviderError {
  return new TokenProviderError('server_misconfigured', detail)
}
