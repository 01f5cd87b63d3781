// The SDK's one error class. Messages are fixed per code and never echo input, credentials or the
// server's words; what the server or hub said lives in separate, length-capped fields.
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.ts'

// The contract's codes by name only (src/core/error-codes.ts, the one list): core/errors.ts also
// carries the server's titles, which the browser never shows and its bundle never holds.
const CONTRACT_CODES: ReadonlySet<string> = new Set(ERROR_CODES)

/**
 * True for the server's contract codes (a problem+json `code` the SDK passes on as is).
 *
 * @example
 * if (isContractCode(json.code)) throw new UserAuthError(json.code, { status })
 */
export function isContractCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CONTRACT_CODES.has(value)
}

/** Codes the SDK itself produces (the server's codes come from the problem+json `code`). */
export type ClientErrorCode =
  | 'network_error'
  | 'request_timeout'
  | 'bad_response'
  | 'rate_limited'
  | 'sign_failed'
  | 'hub_url_required'
  | 'hub_url_insecure'
  | 'hub_error'
  | 'hub_unreachable'
  | 'hub_timeout'
  | 'token_mismatch'
  | 'aborted'

/** Every code a {@link UserAuthError} can carry: the server's contract codes plus the SDK's. */
export type UserAuthErrorCode = ErrorCode | ClientErrorCode

const MESSAGES: Record<ClientErrorCode, string> = {
  network_error: 'The token provider could not be reached',
  request_timeout: 'The token provider did not answer in time',
  bad_response: 'The token provider sent an unexpected response',
  rate_limited: 'Too many login attempts; try again later',
  sign_failed: 'The identity could not sign the challenge',
  hub_url_required: 'The server did not issue a thread token and no hubUrl was given',
  hub_url_insecure: 'The hub must be reached over https (plain http only on loopback)',
  hub_error: 'The hub refused the token request',
  hub_unreachable: 'The hub could not be reached',
  hub_timeout: 'The hub did not answer the token request in time',
  token_mismatch: 'The thread token is not for this identity',
  aborted: 'The provider was disposed or its signal aborted',
}

/** Longest server- or hub-supplied text kept on an error. */
const MAX_TEXT = 300

/** Extra, safe facts about a failure. */
export interface UserAuthErrorDetails {
  /** HTTP status of the token provider's response, when there was one. */
  status?: number
  /** The problem+json `detail` (the server promises it holds no secret). */
  detail?: string
  /** The problem+json `requestId`, for matching the server's log line. */
  requestId?: string
  /** The hub's gRPC status code (`hub_error`). */
  grpcStatus?: number
  /** The hub's percent-decoded `grpc-message` (`hub_error`). */
  grpcMessage?: string
  cause?: unknown
}

/**
 * Rejection of a user-auth provider: a stable `code`, a fixed message, optional safe details.
 *
 * @example
 * try {
 *   await provider()
 * } catch (error) {
 *   if (error instanceof UserAuthError && error.code === 'pubkey_not_allowed') showSignup()
 * }
 */
export class UserAuthError extends Error {
  override name = 'UserAuthError'
  readonly code: UserAuthErrorCode
  readonly status?: number
  readonly detail?: string
  readonly requestId?: string
  readonly grpcStatus?: number
  readonly grpcMessage?: string

  constructor(code: UserAuthErrorCode, details: UserAuthErrorDetails = {}) {
    super(
      isContractCode(code) ? serverMessage(code) : MESSAGES[code],
      'cause' in details ? { cause: details.cause } : undefined,
    )
    this.code = code
    if (details.status !== undefined) this.status = details.status
    if (details.detail !== undefined) this.detail = details.detail.slice(0, MAX_TEXT)
    if (details.requestId !== undefined) this.requestId = details.requestId.slice(0, MAX_TEXT)
    if (details.grpcStatus !== undefined) this.grpcStatus = details.grpcStatus
    if (details.grpcMessage !== undefined) this.grpcMessage = details.grpcMessage.slice(0, MAX_TEXT)
  }
}

function serverMessage(code: ErrorCode): string {
  return `The token provider refused the login (${code})`
}
