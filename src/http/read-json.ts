// Request bodies: JSON media type only, at most 8 KiB, counted while streaming so a body without
// Content-Length (or with a false one) cannot make the function buffer more.
import { TokenProviderError } from '../core/errors.ts'

/** Largest request body accepted, in bytes (docs/http-api.md). */
export const MAX_BODY_BYTES = 8 * 1024

const JSON_TYPE = /^application\/json\s*(;|$)/i

/** True when the Content-Type is `application/json`, any case, parameters allowed. */
export function isJsonContentType(value: string | null): boolean {
  return value !== null && JSON_TYPE.test(value.trim())
}

/**
 * Reads a JSON object body.
 *
 * @throws `unsupported_media_type` without a JSON content type.
 * @throws `payload_too_large` over {@link MAX_BODY_BYTES}.
 * @throws `invalid_request` when empty, unreadable (aborted stream), not UTF-8, not JSON, or not an
 *   object.
 * @example
 * const body = await readJsonObject(request)
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    throw new TokenProviderError('unsupported_media_type')
  }
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (declared > MAX_BODY_BYTES) throw new TokenProviderError('payload_too_large')
  const bytes = await readLimited(request)
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    throw new TokenProviderError('invalid_request', 'The body is not valid JSON.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenProviderError('invalid_request', 'The body must be a JSON object.')
  }
  return value as Record<string, unknown>
}

async function readLimited(request: Request): Promise<Uint8Array> {
  if (!request.body) throw new TokenProviderError('invalid_request', 'The body is empty.')
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      // The client went away or sent a broken body: its problem, not an internal error.
      throw new TokenProviderError('invalid_request', 'The body could not be read.', {
        cause: error,
      })
    })
    if (done) break
    total += value.byteLength
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {})
      throw new TokenProviderError('payload_too_large')
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/**
 * Reads a required string field of a parsed body.
 *
 * @throws `invalid_request` when missing or not a string.
 */
export function stringField(body: Record<string, unknown>, name: string): string {
  const value = Object.hasOwn(body, name) ? body[name] : undefined
  if (typeof value !== 'string') {
    throw new TokenProviderError('invalid_request', `"${name}" must be a string.`)
  }
  return value
}

/**
 * An optional string member: undefined when absent (or `null`).
 *
 * @throws `invalid_request` when present with another type.
 */
export function optionalStringField(
  body: Record<string, unknown>,
  name: string,
): string | undefined {
  const value = Object.hasOwn(body, name) ? body[name] : undefined
  if (value === undefined || value === null) return undefined
  return stringField(body, name)
}
