// textile-token-provider/client: the browser SDK. Web APIs only (runs in browsers, Deno, Node ≥ 22).
export {
  createUserAuthProvider,
  type CreateUserAuthProviderOptions,
  type Identity,
  type UserAuthProvider,
} from './create-user-auth-provider.ts'
export { UserAuthError, type ClientErrorCode, type UserAuthErrorCode } from './errors.ts'
export type { UserAuthErrorDetails } from './errors.ts'
export type { FetchLike, UserAuth } from './http.ts'
export { tokenStorageKey, type TokenStorage } from './token-cache.ts'
