// textile-token-provider/client: the browser SDK. Web APIs only (browsers, Deno, Node ≥ 22), plus
// the generated protobuf classes for the hub-challenge leg, which loads on demand.
//
// Usage:
//   const provider = createUserAuthProvider({
//     endpoint: '/api',
//     identity, // e.g. PrivateKey from @textile/hub
//     hubUrl, // needed without HUB_ISSUER_KEY: https://, or http:// on loopback only
//     storage: sessionStorage, // optional: keep the thread token across reloads (until its exp);
//     // localStorage keeps it longer, where any XSS on the site can read it
//     onChange: (event) => render(event), // optional: login, refresh, error (each with the expiry)
//   })
//   const client = Client.withUserAuth(provider, hubUrl)
//   // later, when the page or component goes away:
//   provider.dispose()
//
//   const jwt = createJwtProvider({ endpoint: '/api', identity }) // JWTs from POST /api/jwt
//
// Storage keys are `tokenStorageKey(hubUrl, pubkey)`; remove that key to forget a token (for
// instance after the hub's host key changed). Expired entries are removed (with `delete` or
// `removeItem`, when the storage has one). Storage errors never fail a login.
export {
  createJwtProvider,
  type CreateJwtProviderOptions,
  type JwtProvider,
} from './create-jwt-provider.ts'
export {
  createUserAuthProvider,
  type CreateUserAuthProviderOptions,
  type UserAuthProvider,
} from './create-user-auth-provider.ts'
export {
  UserAuthError,
  type ClientErrorCode,
  type UserAuthErrorCode,
  type UserAuthErrorDetails,
} from './errors.ts'
export { withFreshAuth, type HubApi } from './fresh-auth.ts'
export type { FetchLike, UserAuth } from './http.ts'
export type {
  JwtChangeEvent,
  JwtEvent,
  ProviderErrorEvent,
  TokenSource,
  UserAuthChangeEvent,
  UserAuthEvent,
} from './provider-events.ts'
export { type Identity, type Provider, type ProviderOptions } from './provider-options.ts'
export {
  tokenStorageKey,
  type KeyValueStorage,
  type TokenStorage,
  type WebStorageLike,
} from './token-cache.ts'
