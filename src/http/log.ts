// Structured logs: one JSON line per request with its id and outcome code, never a secret.
// Error messages are the only free text logged; they pass through `redact` first.

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
  /** What a clean-up run did (event `cleanup` only). */
  cleanup?: CleanupCounts
  /** A configuration warning, on the first line after the configuration was loaded. */
  warning?: ConfigWarning
}

/** Something risky but valid in the configuration: a fixed code and names, never a value. */
export interface ConfigWarning {
  /** `jwt_claims_unrestricted`: `JWT_CLAIMS` goes to every key (no allowlist, no policy hook). */
  code: 'jwt_claims_unrestricted'
  /** The names concerned (claim names), never their values. */
  names: string[]
}

/** The counts of one clean-up run: never a key or anything of an envelope. */
export interface CleanupCounts {
  /** Whether `SINGLE_USE_ENVELOPES=true`; when false the run touched nothing. */
  singleUse: boolean
  /** The project's entries looked at (another app's keys in a shared store are not counted). */
  listed: number
  /** Expired entries removed. */
  deleted: number
  /** Entries not expired yet (kept). */
  fresh: number
  /** Entries whose expiry could not be read (kept). */
  unknown: number
  /** Older-format entries among those listed (`<exp>/<nonce>`; a bare nonce: one metadata read). */
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

/** Replaces every occurrence of the given secrets in a text; short values are left alone. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]')
  }
  return out
}
