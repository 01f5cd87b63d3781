export { decodeBufferJson, encodeBufferJson, type BufferJson } from './buffer-json.ts'
export {
  RATE_LIMIT_MAX_KEYS,
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
} from './rate-limiter.ts'
export {
  DEFAULT_CLIENT_IP_HEADER,
  clientKeyOf,
  readUpgradeRequest,
  type UpgradeRequest,
  type UpgradeRequestOptions,
} from './upgrade-request.ts'
export {
  WS_SERVER_VARIABLES,
  userAuthServerOptionsFromEnv,
  type UserAuthServerEnvOptions,
} from './userauth-server-env.ts'
export {
  IDLE_TIMEOUT_MS,
  LOGINS_PER_MINUTE,
  MAX_BUFFERED_BYTES,
  MAX_CONNECTIONS,
  MAX_CONNECTIONS_PER_IP,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_QUEUED_MESSAGES,
  SESSION_LIFETIME_MS,
  USERAUTH_PATH,
  WS_LOG_FN,
  startUserAuthServer,
  type UserAuthServer,
  type UserAuthServerOptions,
} from './userauth-server.ts'
export {
  createUserAuthSession,
  type ServerMessage,
  type WsErrorCode,
  type UserAuthSessionOptions,
} from './userauth-session.ts'
