// textile-token-provider: the server side, for hosts that call web-standard handlers
// (`(request: Request, context?) => Promise<Response>`): Netlify Functions v2 and Edge Functions,
// Deno, Bun, or Node behind an adapter. Ready-made Netlify functions are
// `textile-token-provider/netlify/{login,challenge,token,jwt,jwks,cleanup-envelopes}` (and the edge
// gate `…/netlify/gate`); the browser SDK is `textile-token-provider/client`; services verify the
// JWTs with `textile-token-provider/verify`.
export { createChallengeHandler, type ChallengeResponse } from './http/challenge-handler.ts'
export { createTokenHandler, type TokenResponse } from './http/token-handler.ts'
export { createLoginHandler } from './http/login-handler.ts'
export { createJwtHandler, type JwtResponse } from './http/jwt-handler.ts'
export { createLogoutHandler, type LogoutResponse } from './http/logout-handler.ts'
export { createJwksHandler } from './http/jwks-handler.ts'
export type { HandlerOptions, RequestHandler } from './http/endpoint.ts'
export type { Env } from './http/env-values.ts'
export type { PolicyInput, PubkeyPolicy } from './http/policy.ts'
export {
  createBlobsEnvelopeStore,
  type BlobsEnvelopeStore,
  type BlobsEnvelopeStoreOptions,
  type EnvelopeCleanupStore,
  type EnvelopeEntry,
  type EnvelopeStore,
} from './http/envelope-store.ts'
export {
  CLEANUP_DEFAULTS,
  CLEANUP_GRACE_SECONDS,
  createEnvelopeCleanupHandler,
  type EnvelopeCleanupOptions,
  type EnvelopeCleanupResponse,
} from './http/envelope-cleanup.ts'
export { consoleLogger, type CleanupCounts, type LogRecord, type Logger } from './http/log.ts'
export type { ProblemBody } from './http/problem.ts'
export { TokenProviderError, isErrorCode, type ErrorCode } from './core/errors.ts'
export type { CryptoProvider } from './core/crypto-provider.ts'
export { webCryptoProvider } from './core/web-crypto.ts'
