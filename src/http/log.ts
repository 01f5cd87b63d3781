// Structured logs: one JSON line per request with its id and outcome code, never a secret.
// Error messages are the only free text logged; they pass through `redact` first.

/** One log line. */
export interface LogRecord {
  level: 'info' | 'warn' | 'error'
  event: 'request'
  fn: string
  requestId: string
  method: string
  status: number
  code?: string
  ms: number
  /** Name and redacted message of an unexpected error (internal_error only). */
  error?: string
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
