// textile-token-provider/client: the browser SDK. Web APIs only (browsers, Deno, Node ≥ 22), plus
// the generated protobuf classes for the hub-challenge leg, which loads on demand.
//
// Usage:
//   const provider = createUserAuthProvider({
//     endpoint: '/api',
//     identity, // e.g. PrivateKey from @textile/hub
//     hubUrl, // needed when the functions run without HUB_ISSUER_KEY
//     // Optional: keep the never-expiring thread token across page loads.
//     storage: {
//       get: (key) => localStorage.getItem(key),
//       set: (key, value) => localStorage.setItem(key, value),
//     },
//   })
//   const client = Client.withUserAuth(provider, hubUrl)
//
// Storage keys are `tokenStorageKey(hubUrl, pubkey)`; remove that key to forget a token (for
// instance after the hub's host key changed). Storage errors never fail a login.
export {
  createUserAuthProvider,
  type CreateUserAuthProviderOptions,
  type Identity,
  type UserAuthProvider,
} from './create-user-auth-provider.ts'
export {
  UserAuthError,
  type ClientErrorCode,
  type UserAuthErrorCode,
  type UserAuthErrorDetails,
} from './errors.ts'
export type { FetchLike, UserAuth } from './http.ts'
export { tokenStorageKey, type TokenStorage } from './token-cache.ts'
