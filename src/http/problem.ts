// RFC 9457 problem details: the one place where error codes become HTTP statuses.
import { TokenProviderError, type ErrorCode } from '../core/errors.ts'

/** Every code's status; a `Record` so the compiler proves the table complete. */
export const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_pubkey: 400,
  unsupported_key_type: 400,
  invalid_envelope: 401,
  envelope_expired: 401,
  invalid_signature: 401,
  origin_not_allowed: 403,
  pubkey_not_allowed: 403,
  invalid_link: 401,
  link_expired: 401,
  link_unsupported: 400,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  server_misconfigured: 500,
  internal_error: 500,
}

/** Base of the `type` URIs (RFC 9457 §3.1.1 allows non-resolvable URIs). */
export const PROBLEM_TYPE_BASE = 'urn:textile-token-provider:error:'

/** The problem+json body of an error: fixed title, optional safe detail, no input echoed. */
export interface ProblemBody {
  type: string
  title: string
  status: number
  code: ErrorCode
  detail?: string
  requestId?: string
}

/**
 * Renders a coded error as an `application/problem+json` response.
 *
 * @example
 * return problemResponse(new TokenProviderError('invalid_request'), { requestId })
 */
export function problemResponse(
  error: TokenProviderError,
  options: { requestId?: string; headers?: HeadersInit } = {},
): Response {
  const status = STATUS[error.code]
  const body: ProblemBody = {
    type: PROBLEM_TYPE_BASE + error.code,
    title: error.message,
    status,
    code: error.code,
  }
  if (error.detail !== undefined) body.detail = error.detail
  if (options.requestId !== undefined) body.requestId = options.requestId
  const headers = new Headers(options.headers)
  headers.set('Content-Type', 'application/problem+json')
  headers.set('Cache-Control', 'no-store')
  return new Response(JSON.stringify(body), { status, headers })
}
