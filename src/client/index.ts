// textile-token-provider/client: the browser SDK. Web APIs only (browsers, Deno, Node ≥ 22), plus
// the generated protobuf classes for the hub-challenge leg, which loads on demand.
//
// Usage:
//   const provider = createUserAuthProvider({
//     endpoint: '/api',
//     identity, // e.g. PrivateKey from @textile/hub
//     hubUrl, // needed when the functions run without HUB_ISSUER_KEY
//     storage: localStorage, // optional: keep the never-expiring thread token across page loads
//     onChange: (event) => render(event), // optional: login, refresh, error (each with the expiry)
//   })
//   const client = Client.withUserAuth(provider, hubUrl)
//   // later, when the page or component goes away:
//   provider.dispose()
//
//   const jwt = createJwtProvider({ endpoint: '/api', identity }) // JWTs from POST /api/jwt
//
// Storage keys are `tokenStorageKey(hubUrl, pubkey)`; remove that key to forget a token (for
// instance after the hub's host key changed). Storage errors never fail a login.
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
