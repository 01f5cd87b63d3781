// Structured logs: one JSON line per request with its id and outcome code, never a secret.
// Error messages and an endpoint's own string fields are the only free text logged; they pass
// through `redact` first.

/** One log line. */
export interface LogRecord {
  level: 'info' | 'warn' | 'error'
  /** `request` for the endpoints; `cleanup` for the scheduled clean-up of single-use entries. */
  event: 'request' | 'cleanup'
  fn: string
  requestId: string
  method: string
  status: number
  code?: string
  ms: number
  /** Name and redacted message of an unexpected error (internal_error only). */
  error?: string
  /**
   * An endpoint's own fields (the clean-up's counts, for one); string values redacted like
   * `error`. Never a key, an envelope or anything a client sent.
   */
  fields?: LogFields
}

/** The flat fields an endpoint adds to its log line. */
export type LogFields = Record<string, string | number | boolean>

/** The counts of one clean-up run (its log line's `fields`): never a key or anything of an envelope. */
export interface CleanupCounts {
  /** Whether `SINGLE_USE_ENVELOPES=true`; when false the run touched nothing. */
  singleUse: boolean
  /** Entries looked at. */
  listed: number
  /** Expired entries removed. */
  deleted: number
  /** Entries not expired yet (kept). */
  fresh: number
  /** Entries whose expiry could not be read (kept). */
  unknown: number
  /** Old-format entries (key = nonce) among those listed, each one metadata read. */
  legacy: number
  /** Whether the whole store was walked; false when a bound or an error stopped the run. */
  complete: boolean
  /** What stopped the run early. */
  stoppedBy?: 'max_deletions' | 'time_budget' | 'error'
}

/** Where log lines go; the default writes JSON to the console. */
export type Logger = (record: LogRecord) => void

/** Writes each record as one JSON line (stderr for errors), as Netlify's log viewer expects. */
export const consoleLogger: Logger = (record) => {
  const line = JSON.stringify(record)
  if (record.level === 'error') console.error(line)
  else console.log(line)
}

/**
 * An endpoint's fields as logged: each string value redacted and cut to 300 characters (after
 * redaction, so a cut never leaves part of a secret behind); undefined values dropped.
 *
 * @example
 * const fields = redactFields({ deleted: 3, stoppedBy: 'error' }, secretValues(config, env))
 */
export function redactFields(
  fields: Readonly<Record<string, string | number | boolean | undefined>>,
  secrets: readonly (string | undefined)[],
): LogFields {
  const out: LogFields = {}
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue
    out[name] = typeof value === 'string' ? redact(value, secrets).slice(0, 300) : value
  }
  return out
}

/** Replaces every occurrence of the given secrets in a text; short values are left alone. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]')
  }
  return out
}
