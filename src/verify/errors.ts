// The verify entry's one error class, shaped like the project's others (TokenProviderError,
// UserAuthError, IdentityError): a stable `code`, a fixed message per code that never echoes the
// token or what jose said, the underlying error kept as `cause`, and the HTTP status a service
// would answer with.

/** Every code a {@link JwtVerifyError} can carry (docs/jwt.md, "Verifying the JWTs"). */
export type JwtVerifyErrorCode =
  | 'jwt_missing'
  | 'jwt_invalid'
  | 'jwt_expired'
  | 'jwt_audience'
  | 'jwt_issuer'
  | 'origin_not_allowed'
  | 'jwks_unavailable'

const MESSAGES: Record<JwtVerifyErrorCode, string> = {
  jwt_missing: 'The request carries no token',
  jwt_invalid: 'The token is malformed, its signature does not verify, or its key is unknown',
  jwt_expired: 'The token has expired',
  jwt_audience: 'The token is for another audience',
  jwt_issuer: 'The token comes from another issuer',
  origin_not_allowed: 'A session cookie on a state-changing request needs an allowed Origin',
  jwks_unavailable: 'The key set could not be fetched',
}

const STATUS: Record<JwtVerifyErrorCode, number> = {
  jwt_missing: 401,
  jwt_invalid: 401,
  jwt_expired: 401,
  jwt_audience: 401,
  jwt_issuer: 401,
  origin_not_allowed: 403,
  jwks_unavailable: 503,
}

/**
 * Rejection of a verifier: a stable `code`, a fixed message, the HTTP `status` to answer with.
 *
 * @example
 * try {
 *   await verifier.verify(request)
 * } catch (error) {
 *   if (error instanceof JwtVerifyError) return new Response(error.code, { status: error.status })
 *   throw error
 * }
 */
export class JwtVerifyError extends Error {
  override name = 'JwtVerifyError'
  readonly code: JwtVerifyErrorCode
  /** 401 for the token's own faults, 403 for `origin_not_allowed`, 503 for `jwks_unavailable`. */
  readonly status: number

  constructor(code: JwtVerifyErrorCode, options?: { cause?: unknown }) {
    super(MESSAGES[code], options)
    this.code = code
    this.status = STATUS[code]
  }
}
