// The contract's error codes, the one list of them (docs/http-api.md, "Error codes"): the server's
// error class (errors.ts, with the titles) and the browser SDK (src/client/errors.ts, codes only)
// both import it, so the SDK's bundle carries the names and nothing else.

/**
 * Every stable error code of the contract, in the order of docs/http-api.md's table.
 *
 * @example
 * ERROR_CODES.includes('envelope_expired') // true
 */
export const ERROR_CODES = [
  'invalid_request',
  'invalid_pubkey',
  'unsupported_key_type',
  'invalid_envelope',
  'envelope_expired',
  'invalid_signature',
  'origin_not_allowed',
  'pubkey_not_allowed',
  'invalid_link',
  'link_expired',
  'link_unsupported',
  'method_not_allowed',
  'payload_too_large',
  'unsupported_media_type',
  'server_misconfigured',
  'internal_error',
] as const

/** A stable error code of the contract. */
export type ErrorCode = (typeof ERROR_CODES)[number]
