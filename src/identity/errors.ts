// The identity entry's one error class, shaped like the SDK's UserAuthError: a stable `code`, a
// fixed message per code that never echoes input or what a wallet or authenticator said; the
// platform's own error stays in `cause`.

/** Every code an {@link IdentityError} can carry. */
export type IdentityErrorCode =
  | 'ed25519_unsupported'
  | 'key_store_unavailable'
  | 'invalid_private_key'
  | 'identity_exists'
  | 'passkey_prf_unsupported'
  | 'passkey_rp_id_not_allowed'
  | 'passkey_cancelled'
  | 'passkey_failed'
  | 'wallet_rejected'
  | 'wallet_failed'

const MESSAGES: Record<IdentityErrorCode, string> = {
  ed25519_unsupported: 'This browser has no Ed25519 in Web Crypto (or the page is not secure)',
  key_store_unavailable: 'The browser refused IndexedDB, or the stored identity is unreadable',
  invalid_private_key: 'Not a Textile Ed25519 private key string',
  identity_exists: 'Another key is stored under this name (pass replace: true to replace it)',
  passkey_prf_unsupported: 'This browser or passkey does not support the WebAuthn PRF extension',
  passkey_rp_id_not_allowed:
    'The rpId is not this page’s host: every origin allowed to use it would derive this identity ' +
    '(pass allowSharedRpId: true to accept that)',
  passkey_cancelled: 'The passkey request was cancelled or timed out',
  passkey_failed: 'The passkey request failed',
  wallet_rejected: 'The wallet refused to connect or to sign',
  wallet_failed: 'The wallet failed or answered with something unexpected',
}

/**
 * Rejection of an identity function: a stable `code`, a fixed message, the platform's error as
 * `cause`.
 *
 * @example
 * try {
 *   identity = await passkeyIdentity()
 * } catch (error) {
 *   if (error instanceof IdentityError && error.code === 'passkey_prf_unsupported') offerBrowserKey()
 * }
 */
export class IdentityError extends Error {
  override name = 'IdentityError'
  readonly code: IdentityErrorCode

  constructor(code: IdentityErrorCode, options?: { cause?: unknown }) {
    super(MESSAGES[code], options)
    this.code = code
  }
}

/** The name of a DOMException (or any error with a string `name`), else ''. */
export function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as Error).name === 'string'
    ? (error as Error).name
    : ''
}
