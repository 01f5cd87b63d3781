// The browser side of a Textile login: challenge → sign → token (→ hub GetToken once), then keep
// the UserAuth fresh. The API signature is minted server-side on every refresh (the secret is
// there). The thread token ends at its `exp` when it has one (USER_TOKEN_TTL_SECONDS): the
// UserAuth then expires at the earlier of the two, and a cached token (hub-challenge mode, memory
// or `storage`) is replaced before it ends; a token without `exp` is reused as long as it lasts.
// Every token, from `/token`, the hub or storage, must name this identity (`sub`, token-claims.ts),
// or with an account link the link's account, by which the token cache is then keyed; expiries
// are judged on the servers' clock as the login estimated it (server-clock.ts).
import { currentLink } from './account-link.ts'
import { UserAuthError } from './errors.ts'
import { readUserAuth } from './http.ts'
import { isSecureHubUrl } from './hub/hub-url.ts'
import { createCredentialProvider, type LoginTools } from './create-credential-provider.ts'
import { readProviderOptions } from './provider-options.ts'
import { scheduleRefresh } from './refresh-schedule.ts'
import {
  asKeyValueStorage,
  createTokenCache,
  type CachedToken,
  type TokenCache,
} from './token-cache.ts'
import { readOwnToken, type TokenTimes } from './token-claims.ts'
import type {
  CreateUserAuthProviderOptions,
  TokenSource,
  UserAuth,
  UserAuthChangeEvent,
  UserAuthProvider,
} from './types.ts'

/**
 * Creates a `UserAuth` callback for `Client.withUserAuth(provider, hubUrl)`.
 *
 * @throws `TypeError` (synchronously) when the options are misused.
 * @throws (rejects) a server contract code (`invalid_signature`, `pubkey_not_allowed`, …) when the
 *   functions answer problem+json; `network_error`, `request_timeout`, `rate_limited`,
 *   `bad_response`, `sign_failed`, `hub_url_required`, `hub_url_insecure`, `hub_error`,
 *   `hub_unreachable`, `hub_timeout`, `token_mismatch` (a token for another identity, or with a
 *   `link` for another account, or one whose `sub` cannot be read), `invalid_link` (a `link` that
 *   is unreadable or for another device key, before anything is sent), `aborted` otherwise.
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
  // A cached token is reused while it is as fresh as the provider keeps its own credentials.
  const tokenRefreshAt = ({ expiresAt, issuedAt }: CachedToken) =>
    expiresAt === Infinity
      ? Infinity
      : scheduleRefresh({ expiresAt, issuedAt, marginMs: settings.marginMs }).refreshAt
  // One cache per subject: the identity's key, or the account of the link in use (a renewed link
  // names the same account; another account gets its own cache).
  let cache: TokenCache | undefined
  const cacheFor = (subject: string) => {
    if (!hub) return undefined
    if (cache?.pubkey !== subject)
      cache = createTokenCache({ hubUrl: hub, pubkey: subject, storage: store })
    return cache
  }

  return createCredentialProvider<UserAuth, UserAuth, UserAuthChangeEvent>(settings, {
    path: '/token',
    read: readUserAuth,
    async finish(auth, tools) {
      const { serverNow: time, subject } = tools
      let tokenSource: TokenSource = 'function'
      let times: TokenTimes | undefined
      if (auth.token !== undefined) {
        // Issuer mode: a fresh token in every /token answer.
        times = readOwnToken(auth.token, subject)
        if (!times) throw new UserAuthError('token_mismatch')
      } else {
        // Hub-challenge mode: the cached token while it is good for a while, else the hub's GetToken.
        const cache = cacheFor(subject)
        if (!hub || !cache) throw new UserAuthError('hub_url_required')
        // Checked before the cache too, so the outcome does not depend on what storage holds.
        if (!isSecureHubUrl(hub)) throw new UserAuthError('hub_url_insecure')
        const cached = await cache.get(time)
        if (cached && time < tokenRefreshAt(cached)) {
          auth.token = cached.token
          times = cached
          tokenSource = 'cache'
        } else {
          auth.token = await askHub(hub, auth, tools, cache)
          times = readOwnToken(auth.token, subject)
          if (!times) throw new UserAuthError('token_mismatch')
          tokenSource = 'hub'
          await cache.set(auth.token, time)
        }
      }
      // Never hand out a token past its exp: one that arrives expired (on the servers' clock as the
      // login estimated it) fails the login instead of being refreshed on every call.
      if (times.expiresAt <= time) {
        const detail =
          'The user token had already expired when it arrived; check the servers’ clocks.'
        throw new UserAuthError(tokenSource === 'hub' ? 'hub_error' : 'bad_response', { detail })
      }
      const expiresAt = Math.min(Date.parse(auth.msg), times.expiresAt)
      return { value: auth, expiresAt, tokenSource }
    },
    copy: (auth) => ({ ...auth }),
    event: (type, { value, expiresAt, tokenSource }) => ({
      type,
      expiresAt: new Date(expiresAt),
      tokenSource,
      auth: { ...value },
    }),
    reset: async () => {
      // Before any login, the subject is the identity's key or the current link's account.
      const subject =
        cache?.pubkey ??
        (settings.link
          ? await currentLink(settings.link, settings.pubkey).then(
              (linked) => linked.account,
              () => undefined,
            )
          : settings.pubkey)
      if (subject !== undefined) await cacheFor(subject)?.forget()
    },
  })
}

/**
 * The hub's GetToken (loaded on first use). The hub answering UNAUTHENTICATED drops whatever token
 * the cache holds for this hub and key, so nothing the hub refused is handed out again.
 */
async function askHub(
  hubUrl: string,
  auth: UserAuth,
  tools: LoginTools,
  cache: TokenCache,
): Promise<string> {
  const { getHubToken } = await import('./hub/get-hub-token.ts')
  const { sign, signal, timeoutMs, pubkey } = tools
  try {
    return await getHubToken({ hubUrl, pubkey, auth, sign, timeoutMs, signal })
  } catch (error) {
    if (error instanceof UserAuthError && error.grpcStatus === UNAUTHENTICATED) await cache.forget()
    throw error
  }
}

/** gRPC status 16 (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const UNAUTHENTICATED = 16
