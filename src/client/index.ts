// textile-token-provider/client: the browser SDK. Web APIs only (browsers, Deno, Node ≥ 20.12; in
// Node, hub-challenge mode needs a global WebSocket: Node 22 has one). The hub-challenge leg (src/client/hub/: GetToken over gRPC-web on a WebSocket) loads on demand and
// encodes GetToken's messages itself: no generated protobuf classes, nothing on a global, so it
// cannot clash with @textile/hub's own copy of them (docs/protocol.md §5).
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
//   // when the hub refuses what the provider gave (host key rotated: "invalid thread token"):
//   await provider.reset() // the next call logs in afresh and asks the hub for a new token
//   // later, when the page or component goes away:
//   provider.dispose()
//
//   const jwt = createJwtProvider({ endpoint: '/api', identity }) // JWTs from POST /api/jwt
//
//   // One account on every device: the device key plus a link the account key signed
//   // (textile-token-provider/identity's linkBrowser / linkedBrowser); tokens are the account's.
//   createUserAuthProvider({ endpoint: '/api', identity: linked.identity, link: linked, hubUrl })
//
// Storage keys are `tokenStorageKey(hubUrl, pubkey)` (the account with a link). A stored token is
// used only if its `sub` is the identity's key (the account with a link); expired, foreign and unreadable entries are removed (with `delete` or
// `removeItem`, when the storage has one). Storage errors never fail a login. Expiries are judged
// on the servers' clock, estimated at each login from the envelope's `iat`.
export { createJwtProvider } from './create-jwt-provider.ts'
export { createUserAuthProvider } from './create-user-auth-provider.ts'
export {
  UserAuthError,
  type ClientErrorCode,
  type UserAuthErrorCode,
  type UserAuthErrorDetails,
} from './errors.ts'
export { withFreshAuth } from './fresh-auth.ts'
export { tokenStorageKey } from './token-cache.ts'
export type {
  CreateJwtProviderOptions,
  CreateUserAuthProviderOptions,
  FetchLike,
  HubApi,
  Identity,
  JwtChangeEvent,
  JwtEvent,
  JwtProvider,
  KeyValueStorage,
  LinkSource,
  Provider,
  ProviderErrorEvent,
  ProviderOptions,
  TokenSource,
  TokenStorage,
  UserAuth,
  UserAuthChangeEvent,
  UserAuthEvent,
  UserAuthProvider,
  WebStorageLike,
} from './types.ts'
