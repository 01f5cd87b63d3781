export { createChallengeHandler, type ChallengeResponse } from './challenge-handler.ts'
export { CONFIG_VARIABLES, loadConfig, type Config, type Env } from './config.ts'
export type { Handler, HandlerOptions } from './endpoint.ts'
export {
  ENVELOPE_STORE_NAME,
  createBlobsEnvelopeStore,
  type BlobsEnvelopeStoreOptions,
  type EnvelopeStore,
} from './envelope-store.ts'
export {
  JWT_CONFIG_VARIABLES,
  RESERVED_CLAIMS,
  loadJwtConfig,
  type JwtConfig,
  type JwtSigner,
} from './jwt-config.ts'
export { createJwtHandler, type JwtResponse } from './jwt-handler.ts'
export { JWKS_MAX_AGE_SECONDS, createJwksHandler } from './jwt-jwks-handler.ts'
export { consoleLogger, type LogRecord, type Logger } from './log.ts'
export type { PolicyInput, PubkeyPolicy } from './policy.ts'
export { STATUS, type ProblemBody } from './problem.ts'
export { MAX_BODY_BYTES } from './read-json.ts'
export { createTokenHandler, type TokenResponse } from './token-handler.ts'
