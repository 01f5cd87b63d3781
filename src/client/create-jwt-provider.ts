// JWTs for the app's own services from the browser: the same login as the UserAuth provider
// (challenge → sign → POST), redeemed at `/jwt`, cached until shortly before `expiresAt`.
import { readJwt, type JwtResult } from './http.ts'
import { createCredentialProvider } from './create-credential-provider.ts'
import { readProviderOptions } from './provider-options.ts'
import type { CreateJwtProviderOptions, JwtChangeEvent, JwtProvider } from './types.ts'

/**
 * Creates a callback that resolves to a fresh JWT from `POST ${endpoint}/jwt`.
 *
 * @throws `TypeError` (synchronously) when the options are misused.
 * @throws (rejects) a server contract code (`invalid_signature`, `server_misconfigured`, …) when
 *   the functions answer problem+json; `network_error`, `request_timeout`, `rate_limited`,
 *   `bad_response`, `sign_failed`, `aborted` otherwise.
 * @example
 * const jwt = createJwtProvider({ endpoint: '/api', identity })
 * await fetch('/my-service', { headers: { authorization: `Bearer ${await jwt()}` } })
 */
export function createJwtProvider(options: CreateJwtProviderOptions): JwtProvider {
  const settings = readProviderOptions<JwtChangeEvent>('createJwtProvider', options)
  return createCredentialProvider<JwtResult, string, JwtChangeEvent>(settings, {
    path: '/jwt',
    read: readJwt,
    finish: async ({ token, expiresAt }) => ({
      value: token,
      expiresAt: Date.parse(expiresAt),
      tokenSource: 'function',
    }),
    copy: (token) => token,
    event: (type, { value, expiresAt }) => ({
      type,
      expiresAt: new Date(expiresAt),
      tokenSource: 'function',
      token: value,
    }),
  })
}
