// Every error the demo can show, as a stable code and a sentence a person can act on. The table is
// a `Record` over the SDK's code union, so the compiler fails when the contract grows a code.
import type { UserAuthErrorCode } from 'textile-token-provider/client'
import type { IdentityErrorCode } from 'textile-token-provider/identity'

/**
 * Codes the demo itself adds for failures outside the SDK. (`hub_unreachable` is the SDK's, for
 * its own hub leg; the demo also shows it for @textile/hub's transport failure, which carries no
 * code.)
 */
export type DemoErrorCode =
  | 'invalid_key'
  | 'storage_unavailable'
  | 'config_unavailable'
  | 'hub_call_failed'
  | 'no_passkey_used'
  | 'unexpected_error'

/** Every code the page can render. */
export type DisplayCode = UserAuthErrorCode | IdentityErrorCode | DemoErrorCode

/** Code → the sentence the page shows. */
export const ERROR_SENTENCES: Record<DisplayCode, string> = {
  // Contract codes (problem+json from /api/challenge and /api/token).
  invalid_request: 'The login request was malformed. Reload the page and try again.',
  invalid_pubkey: 'The server could not read this identity’s public key.',
  unsupported_key_type: 'Only Ed25519 identities can log in; create a new identity.',
  invalid_envelope: 'The login challenge was not accepted. Log in again.',
  envelope_expired: 'The login took too long and the challenge expired. Log in again.',
  invalid_signature: 'The signature did not match this identity. Log in again.',
  origin_not_allowed: 'This site’s address is not allowed to request credentials.',
  pubkey_not_allowed: 'This identity is not on the list of allowed users.',
  method_not_allowed: 'The login endpoint was called the wrong way.',
  payload_too_large: 'The login request was too large.',
  unsupported_media_type: 'The login request was not sent as JSON.',
  server_misconfigured: 'The token service is not configured yet; the site owner must fix it.',
  internal_error: 'The token service failed unexpectedly. Try again in a moment.',
  invalid_link: 'This browser’s link to your account was not accepted. Link it again.',
  link_expired: 'This browser’s link to your account has expired. Link it again.',
  link_unsupported: 'This site’s token service cannot log in linked browsers (no issuer key).',
  // SDK codes.
  network_error: 'The token service could not be reached. Check your connection.',
  request_timeout: 'The token service did not answer in time. Try again.',
  bad_response: 'The token service sent a response the page could not understand.',
  aborted: 'The login was cancelled.',
  rate_limited: 'Too many login attempts. Wait a minute and try again.',
  sign_failed: 'This identity could not sign the login challenge.',
  hub_url_required: 'The server issued no user token and the page knows no hub to ask.',
  hub_url_insecure: 'The hub’s address is plain http on the network; it must be https.',
  hub_error: 'The hub refused to issue a user token for this identity.',
  hub_timeout: 'The hub did not answer the token request in time.',
  token_mismatch: 'The server or the hub sent a user token for another identity; it was refused.',
  // Identity codes (textile-token-provider/identity).
  ed25519_unsupported:
    'This browser cannot keep a key that scripts cannot read. Use a passkey or a raw key instead.',
  key_store_unavailable:
    'This browser refused its key store (IndexedDB). Use a passkey or a raw key instead.',
  invalid_private_key: 'That is not a Textile private key string (it starts with “bbaareq”).',
  identity_exists: 'This browser already keeps another key; it was not replaced.',
  passkey_prf_unsupported:
    'This browser or passkey cannot derive keys (no WebAuthn PRF). Use this browser’s key instead.',
  passkey_rp_id_not_allowed:
    'This page asked for passkeys of another domain, which other sites could share; it was refused.',
  passkey_cancelled: 'The passkey request was cancelled or timed out.',
  passkey_failed: 'The browser refused the passkey request on this site.',
  passkey_identity_mismatch:
    'That passkey belongs to another account than the one this browser is linked to. Use the same passkey, or switch accounts.',
  wallet_identity_mismatch:
    'That wallet account belongs to another account than the one this browser is linked to. Use the same one, or switch accounts.',
  wallet_rejected: 'The wallet refused to sign.',
  wallet_failed: 'The wallet failed or gave an unexpected answer.',
  // Demo codes.
  invalid_key: 'That is not a Textile private key string (it starts with “bbaareq”).',
  storage_unavailable:
    'This browser blocks local storage: the page forgets your choices on reload.',
  config_unavailable: 'The page could not load build/config.json. Run `npm run build:site`.',
  hub_call_failed: 'The hub rejected the request.',
  hub_unreachable:
    'The hub could not be reached: it is not running, or the page was built with a wrong hub address.',
  no_passkey_used:
    'No passkey was used: this device may have none for this site yet, or the request was cancelled. Create one with “Create a passkey”.',
  unexpected_error: 'Something went wrong in the page.',
}

/** An error ready to render. */
export interface DisplayError {
  code: DisplayCode
  sentence: string
  /** Safe extra facts (server detail, hub message, request id). */
  detail?: string
}

/** An error the demo raises with one of its own codes. */
export class DemoError extends Error {
  override name = 'DemoError'
  constructor(
    readonly code: DemoErrorCode,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(ERROR_SENTENCES[code], options)
  }
}

/**
 * Turns anything thrown into a code, a sentence and optional detail. Errors without a known code
 * get `fallback` (hub calls: `hub_call_failed`, since @textile/hub rejects with plain Errors that
 * carry the gRPC message).
 *
 * @example
 * describeError(new DemoError('invalid_key')) // { code: 'invalid_key', sentence: 'That is not…' }
 */
export function describeError(
  error: unknown,
  fallback: DemoErrorCode = 'unexpected_error',
): DisplayError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<
    string,
    unknown
  >
  const code =
    typeof record.code === 'string' && Object.hasOwn(ERROR_SENTENCES, record.code)
      ? record.code
      : ''
  if (code) {
    const facts = [
      typeof record.status === 'number' && `HTTP ${record.status}`,
      text(record.detail),
      text(record.grpcMessage) && `hub said: ${text(record.grpcMessage)}`,
      text(record.requestId) && `request id ${text(record.requestId)}`,
    ].filter(Boolean)
    return {
      code: code as DisplayCode,
      sentence: ERROR_SENTENCES[code as DisplayCode],
      ...(facts.length > 0 && { detail: facts.join(' · ') }),
    }
  }
  const message = error instanceof Error ? text(error.message) : ''
  const unreachable = fallback === 'hub_call_failed' && HUB_TRANSPORT_FAILURE.test(message)
  const shown = unreachable ? 'hub_unreachable' : fallback
  return {
    code: shown,
    sentence: ERROR_SENTENCES[shown],
    ...(message && { detail: message }),
  }
}

// What @textile/hub's gRPC-web client (@improbable-eng/grpc-web) rejects with when no answer
// came at all: the connection was refused or dropped before the hub sent a status.
const HUB_TRANSPORT_FAILURE = /^Response closed without headers$/

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 300) : ''
}
