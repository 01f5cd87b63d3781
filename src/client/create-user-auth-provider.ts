// The browser side of a Textile login: challenge → sign → token (→ hub GetToken once), then keep
// the UserAuth fresh. The API signature is minted server-side on every refresh (the secret is
// there); the thread token never expires and is reused from memory or `storage`.
import { UserAuthError } from './errors.ts'
import { readUserAuth, type UserAuth } from './http.ts'
import { createCredentialProvider } from './create-credential-provider.ts'
import { readProviderOptions, type Provider, type ProviderOptions } from './provider-options.ts'
import type { TokenSource, UserAuthChangeEvent, UserAuthEvent } from './provider-events.ts'
import { asKeyValueStorage, createTokenCache, type TokenStorage } from './token-cache.ts'

/** Options of {@link createUserAuthProvider}. */
export interface CreateUserAuthProviderOptions extends ProviderOptions {
  /** The hub's gRPC-web URL; required when the server runs in hub-challenge mode (no token). */
  hubUrl?: string
  /** Keeps the thread token across page loads: `localStorage` itself, or `{get, set}` (sync or async). */
  storage?: TokenStorage
  /** Told about every login, refresh and failed call; a throwing listener never fails a login. */
  onChange?: (event: UserAuthEvent) => void
}

/** What the provider returns: a `@textile/hub` `UserAuth` callback with `dispose()`. */
export type UserAuthProvider = Provider<UserAuth>

/**
 * Creates a `UserAuth` callback for `Client.withUserAuth(provider, hubUrl)`.
 *
 * @throws `TypeError` (synchronously) when the options are misused.
 * @throws (rejects) a server contract code (`invalid_signature`, `pubkey_not_allowed`, …) when the
 *   functions answer problem+json; `network_error`, `request_timeout`, `rate_limited`,
 *   `bad_response`, `sign_failed`, `hub_url_required`, `hub_error`, `hub_timeout`, `aborted`
 *   otherwise.
 * @example
 * const provider = createUserAuthProvider({ endpoint: '/api', identity, hubUrl, storage: localStorage })
 * const client = Client.withUserAuth(provider, hubUrl)
 */
export function createUserAuthProvider(options: CreateUserAuthProviderOptions): UserAuthProvider {
  const name = 'createUserAuthProvider'
  const settings = readProviderOptions<UserAuthChangeEvent>(name, options)
  const { hubUrl, storage } = options
  if (hubUrl !== undefined && (typeof hubUrl !== 'string' || !/^https?:\/\/[^/]/i.test(hubUrl))) {
    throw new TypeError(`${name}: hubUrl must be an http:// or https:// URL`)
  }
  const store = asKeyValueStorage(storage)
  if (storage !== undefined && !store) {
    throw new TypeError(`${name}: storage needs getItem/setItem (Web Storage) or get/set`)
  }
  const hub = hubUrl?.replace(/\/+$/, '')
  const cache = hub && createTokenCache({ hubUrl: hub, pubkey: settings.pubkey, storage: store })

  return createCredentialProvider<UserAuth, UserAuth, UserAuthChangeEvent>(settings, {
    path: '/token',
    read: readUserAuth,
    async finish(auth, { sign, signal, timeoutMs, pubkey }) {
      let tokenSource: TokenSource = 'function'
      // Hub-challenge mode: the cached token when there is one, else the hub's GetToken, once.
      if (auth.token === undefined) {
        if (!hub || !cache) throw new UserAuthError('hub_url_required')
        tokenSource = 'cache'
        auth.token = await cache.get()
        if (auth.token === undefined) {
          const { getHubToken } = await import('./hub-challenge.ts')
          auth.token = await getHubToken({ hubUrl: hub, pubkey, auth, sign, timeoutMs, signal })
          tokenSource = 'hub'
          await cache.set(auth.token)
        }
      }
      return { value: auth, expiresAt: Date.parse(auth.msg), tokenSource }
    },
    copy: (auth) => ({ ...auth }),
    event: (type, { value, expiresAt, tokenSource }) => ({
      type,
      expiresAt: new Date(expiresAt),
      tokenSource,
      auth: { ...value },
    }),
  })
}
