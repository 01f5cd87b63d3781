// hubd's auth interceptor for user-group API keys (textile core/auth_interceptor.go), in its
// order: bearer header shape, session or API key, key lookup, API signature (secure keys), then
// the user token, which every method but GetToken requires. The token is only parsed here; its
// signature is checked by the threads API itself (validateThreadToken), as go-threads does.
import { GrpcError, GrpcStatus } from './grpc-error.ts'
import { verifyApiSignature, type ApiKeyRecord } from './api-keys.ts'
import { decodeMultibase } from './multibase.ts'
import { parseThreadToken, type ParsedThreadToken } from './thread-token.ts'
import { parseUserKey, type UserKey } from './user-key.ts'

/** Methods a user-group key may call without a token. */
export const TOKENLESS_METHODS = new Set([
  '/threads.pb.API/GetToken',
  '/threads.net.pb.API/GetToken',
])

/** What a call is allowed to act as once authenticated. */
export interface CallAuth {
  apiKey: ApiKeyRecord
  /** The parsed bearer token and its subject, when one was sent. */
  token?: { parsed: ParsedThreadToken; subject: UserKey }
}

/** Options of {@link authenticate}. */
export interface AuthenticateOptions {
  /** Request headers, lowercase names. */
  headers: Map<string, string>
  /** `/package.Service/Method`. */
  method: string
  keys: Map<string, ApiKeyRecord>
  now: Date
}

/**
 * Authenticates a call as hubd does.
 *
 * @throws GrpcError 16 "Bad authorization string" / "Request unauthenticated with bearer" /
 * "Invalid session" / "Session or API key required" / "API key signature required" /
 * "Bad API key signature" / "Token required"; 5 "API key not found or is invalid";
 * 7 "Bad authorization"; 2 with the parse error of the token's subject.
 * @example
 * const auth = await authenticate({ headers, method, keys, now: new Date() })
 */
export async function authenticate(options: AuthenticateOptions): Promise<CallAuth> {
  const { headers, method, keys, now } = options
  const unauthenticated = (message: string) => new GrpcError(GrpcStatus.UNAUTHENTICATED, message)

  // go-threads NewTokenFromMD
  let bearer = ''
  const authorization = headers.get('authorization') ?? ''
  if (authorization !== '') {
    const space = authorization.indexOf(' ')
    if (space < 0) throw unauthenticated('Bad authorization string')
    if (authorization.slice(0, space).toLowerCase() !== 'bearer') {
      throw unauthenticated('Request unauthenticated with bearer')
    }
    bearer = authorization.slice(space + 1)
  }

  // The emulator has no developer sessions: any session id is unknown to it.
  if (headers.get('x-textile-session')) throw unauthenticated('Invalid session')
  const keyName = headers.get('x-textile-api-key') ?? ''
  if (keyName === '') throw unauthenticated('Session or API key required')
  const apiKey = keys.get(keyName)
  if (!apiKey) throw new GrpcError(GrpcStatus.NOT_FOUND, 'API key not found or is invalid')

  if (apiKey.secure) {
    const sigHeader = headers.get('x-textile-api-sig') ?? ''
    const sig = sigHeader === '' ? undefined : decodeMultibase(sigHeader)
    const msg = headers.get('x-textile-api-sig-msg') ?? ''
    if (!sig || msg === '') throw unauthenticated('API key signature required')
    if (!(await verifyApiSignature({ record: apiKey, msg, sig, now }))) {
      throw unauthenticated('Bad API key signature')
    }
  }

  if (bearer === '') {
    if (!TOKENLESS_METHODS.has(method)) throw unauthenticated('Token required')
    return { apiKey }
  }
  const parsed = parseThreadToken(bearer)
  if (!parsed) throw new GrpcError(GrpcStatus.PERMISSION_DENIED, 'Bad authorization')
  return { apiKey, token: { parsed, subject: parseUserKey(parsed.claims.sub) } }
}
