// textile-token-provider: the server side. The browser SDK is `textile-token-provider/client`.
export * from './http/index.ts'
export { TokenProviderError, isErrorCode, type ErrorCode } from './core/errors.ts'
export { formatPublicKey, parsePublicKey } from './core/keys.ts'
