// The codes are listed once, in error-codes.ts (the SDK imports them from there, without the titles).
import type { ErrorCode } from './error-codes.ts'

export type { ErrorCode } from './error-codes.ts'

// A Record over the codes: the compiler refuses a code without its title.
const TITLES: Record<ErrorCode, string> = {
  invalid_request: 'The request is malformed',
  invalid_pubkey: 'The public key is not a Textile public key string',
  unsupported_key_type: 'Only Ed25519 keys are supported',
  invalid_envelope: 'The challenge envelope is invalid',
  envelope_expired: 'The challenge envelope has expired',
  invalid_signature: 'The signature does not verify',
  origin_not_allowed: 'This origin is not allowed',
  pubkey_not_allowed: 'This public key is not allowed',
  invalid_link: 'The account link is invalid',
  link_expired: 'The account link has expired',
  link_unsupported: 'Account links need issuer mode on this endpoint',
  method_not_allowed: 'Method not allowed',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'The request body must be JSON',
  server_misconfigured: 'The server is misconfigured',
  internal_error: 'Internal error',
}

/**
 * The one error class of the project: a stable `code` and a fixed title that never echoes input.
 *
 * @example
 * throw new TokenProviderError('envelope_expired')
 */
export class TokenProviderError extends Error {
  override name = 'TokenProviderError'
  readonly code: ErrorCode
  /** Safe extra words for the client (never input, never a secret). */
  readonly detail?: string

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(TITLES[code], options)
    this.code = code
    if (detail !== undefined) this.detail = detail
  }

  /** The fixed, human title of a code. */
  static title(code: ErrorCode): string {
    return TITLES[code]
  }

  /** Normalises anything thrown into a coded error; unknown throwables become `internal_error`. */
  static from(error: unknown): TokenProviderError {
    if (error instanceof TokenProviderError) return error
    return new TokenProviderError('internal_error', undefined, { cause: error })
  }
}

/** True for the codes of the contract. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(TITLES, value)
}
