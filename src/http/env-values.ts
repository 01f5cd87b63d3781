// Reading configuration from environment variables: trimmed values, comma lists, booleans and
// bounded seconds, each failing with `server_misconfigured` naming the variable (never its value).
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

/**
 * `true` / `false` (any case); unset is `fallback` (default false).
 *
 * @throws `server_misconfigured` for anything else.
 */
export function flag(env: Env, name: string, fallback = false): boolean {
  const text = value(env, name)?.toLowerCase()
  if (text === undefined) return fallback
  if (text === 'true') return true
  if (text === 'false') return false
  throw misconfigured(`${name} must be true or false.`)
}

/**
 * A whole number within bounds, or undefined when unset.
 *
 * @throws `server_misconfigured` when out of bounds or not a whole number; the detail says what
 *   it must be (`what`, default "a whole number").
 */
export function wholeNumber(
  env: Env,
  name: string,
  min: number,
  max: number,
  what = 'a whole number',
): number | undefined {
  const text = value(env, name)
  if (text === undefined) return undefined
  const number = /^\d+$/.test(text) ? Number(text) : NaN
  if (!(number >= min && number <= max)) {
    throw misconfigured(`${name} must be ${what} from ${min} to ${max}.`)
  }
  return number
}

/**
 * A whole number of seconds within bounds, or the fallback when unset.
 *
 * @throws `server_misconfigured` when out of bounds or not a whole number.
 */
export function seconds(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return wholeNumber(env, name, min, max, 'a whole number of seconds') ?? fallback
}

/** The coded configuration error; `detail` names the variable, never its value. */
export function misconfigured(detail: string): TokenProviderError {
  return new TokenProviderError('server_misconfigured', detail)
}
