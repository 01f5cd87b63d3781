export { decodeBufferJson, encodeBufferJson, type BufferJson } from './buffer-json.ts'
export {
  createUserAuthSession,
  type ServerMessage,
  type UserAuthSessionOptions,
} from './userauth-session.ts'
export {
  IDLE_TIMEOUT_MS,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  USERAUTH_PATH,
  startUserAuthServer,
  type UserAuthServer,
  type UserAuthServerOptions,
} from './userauth-server.ts'
