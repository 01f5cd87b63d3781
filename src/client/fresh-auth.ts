// @textile/hub's API objects made with `withUserAuth(provider)` do not all ask the provider before
// a call. `Users` and `Buckets` send through `GrpcConnection.unary`, which reads the context with
// `Context.toJSON()`: that throws "Auth expired" whenever the context holds no API signature yet
// (the first call) or one whose `msg` has passed, before the provider is ever asked. `Client`
// asks (`toMetadata()`), but its `listDBs` picks the hub's path only when the context already holds
// a signature, so as a new client's first call it goes to the blocked `ListDBs`.
import type { HubApi } from './types.ts'

/** The part of `@textile/context`'s `Context` that {@link withFreshAuth} uses. */
interface RefreshableContext {
  authCallback?: unknown
  refreshUserAuth(): Promise<unknown>
}

/** The calls that read the context before they would ask the provider. */
const CALLS = ['unary', 'listDBs'] as const

/**
 * Makes a `@textile/hub` API object ask its `withUserAuth` provider for credentials before each
 * call, so `Users` (and `Buckets`) work on the first call and after the API signature expired, and
 * `Client.listDBs` works as a new client's first call. The provider answers from its cache while
 * the credentials are fresh, so this costs no request. Returns `api` itself.
 *
 * @throws TypeError when `api` is not a `@textile/hub` API object.
 * @example
 * const users = withFreshAuth(Users.withUserAuth(provider, { host: hubUrl }))
 * await users.listThreads()
 */
export function withFreshAuth<T extends HubApi>(api: T): T {
  const context = api.context as Partial<RefreshableContext>
  if (typeof context?.refreshUserAuth !== 'function') {
    throw new TypeError('withFreshAuth takes a @textile/hub Client, Users or Buckets')
  }
  const calls = api as unknown as Record<string, unknown>
  for (const name of CALLS) {
    const call = calls[name]
    if (typeof call !== 'function') continue
    calls[name] = async (...args: unknown[]) => {
      // Made with a fixed UserAuth (no provider): nothing to ask, the call behaves as before.
      if (context.authCallback !== undefined) await context.refreshUserAuth!()
      return call.apply(api, args)
    }
  }
  return api
}
