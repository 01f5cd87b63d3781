// What the providers tell `onChange` listeners, so a UI can show the expiry, where the token came
// from and a status line without polling or wrapping the provider.
import type { UserAuthError } from './errors.ts'
import type { UserAuth } from './http.ts'

/**
 * Where a login's token came from: `'function'` (in the `/token` or `/jwt` response), `'hub'` (the
 * hub's GetToken, answered by the SDK), `'cache'` (the SDK's memory or `storage`).
 */
export type TokenSource = 'function' | 'hub' | 'cache'

/**
 * A call failed. `expiresAt` is the expiry of the credentials the provider still holds, if any
 * (possibly past). Sent once per failed login, however many callers shared it.
 *
 * @example
 * if (event.type === 'error') status.textContent = `${event.error.code}: ${event.error.message}`
 */
export interface ProviderErrorEvent {
  type: 'error'
  error: UserAuthError
  expiresAt?: Date
}

/**
 * New credentials from {@link createUserAuthProvider}: `'login'` the first time, `'refresh'` after.
 * `expiresAt` is the API signature's expiry (`auth.msg`), or the thread token's `exp` when that
 * comes first.
 *
 * @example
 * countdown.start(event.expiresAt)
 */
export interface UserAuthChangeEvent {
  type: 'login' | 'refresh'
  expiresAt: Date
  tokenSource: TokenSource
  auth: UserAuth
}

/**
 * New JWT from {@link createJwtProvider}: `'login'` the first time, `'refresh'` after; the token
 * always comes from the function.
 *
 * @example
 * countdown.start(event.expiresAt)
 */
export interface JwtChangeEvent {
  type: 'login' | 'refresh'
  expiresAt: Date
  tokenSource: 'function'
  token: string
}

/** Everything a UserAuth provider's `onChange` receives. */
export type UserAuthEvent = UserAuthChangeEvent | ProviderErrorEvent

/** Everything a JWT provider's `onChange` receives. */
export type JwtEvent = JwtChangeEvent | ProviderErrorEvent
