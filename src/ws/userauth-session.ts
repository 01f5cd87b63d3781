// One websocket connection speaking Textile's example login protocol (hub-browser-auth-app),
// translated onto the stateless HTTP handlers:
//   {"type":"token","pubkey"}        → POST /api/challenge → {"type":"challenge","value":<Buffer JSON>}
//   {"type":"challenge","sig":<...>} → POST /api/token     → {"type":"token","value":{key,sig,msg,token?}}
//   anything wrong                   → {"type":"error","value":"<code>: <title>","code":"<code>"}
// Threat model: the only state is the envelope last issued on this connection (never shared, never
// a hub stream). The challenge bytes are UTF-8(envelope), so the user signs exactly what
// /api/token verifies; every check (MAC, expiry, origin, signature, policy) is the handlers'.
// A token request (one login) first spends the client's budget (`rateLimit`); the answer to a
// pending challenge is one per challenge, so it rides on that budget.
import { encodeBase64Url } from '../core/encoding.ts'
import { TokenProviderError, isErrorCode, type ErrorCode } from '../core/errors.ts'
import type { RequestHandler } from '../http/endpoint.ts'
import { decodeBufferJson, encodeBufferJson, type BufferJson } from './buffer-json.ts'

/** The codes of this adapter's errors: the contract's, and `rate_limited`. */
export type WsErrorCode = ErrorCode | 'rate_limited'

/** A message the server sends. */
export type ServerMessage =
  | { type: 'challenge'; value: BufferJson }
  | { type: 'token'; value: Record<string, unknown> }
  | { type: 'error'; value: string; code: WsErrorCode }

/** Options of {@link createUserAuthSession}. */
export interface UserAuthSessionOptions {
  /** The challenge and token handlers (shared by all connections; they hold no per-user state). */
  challenge: RequestHandler
  token: RequestHandler
  /** The URL the connection was opened on, as http(s) (same-origin checks compare against it). */
  url: string
  /** The browser's `Origin` from the upgrade request, if any. */
  origin?: string
  /** Netlify-style context passed to the handlers (request id). */
  context?: unknown
  /**
   * Called before each challenge is issued: 0 admits the login; more refuses it with
   * `rate_limited`, asking the client to wait that many milliseconds. Default: no limit.
   */
  rateLimit?: () => number
}

/** An Ed25519 signature is 64 bytes; anything longer is not worth decoding. */
const MAX_SIGNATURE_BYTES = 64

/**
 * Creates the per-connection state machine: feed it each text message, send what it returns.
 *
 * @throws never: every failure is an error message carrying the contract code (or
 *   `rate_limited`).
 *
 * @example
 * const session = createUserAuthSession({ challenge, token, url, origin })
 * socket.on('message', async (data) => socket.send(JSON.stringify(await session(String(data)))))
 */
export function createUserAuthSession(
  options: UserAuthSessionOptions,
): (text: string) => Promise<ServerMessage> {
  let envelope: string | undefined
  const call = async (handler: RequestHandler, body: object) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (options.origin) headers.origin = options.origin
    const request = new Request(options.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    })
    const response = await handler(request, options.context)
    const json = (await response.json()) as Record<string, unknown>
    if (response.status !== 200) throw problemError(json)
    return json
  }

  return async (text) => {
    try {
      const message = parseMessage(text)
      if (message.type === 'token') {
        envelope = undefined
        const waitMs = options.rateLimit?.() ?? 0
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000)
          const value = `rate_limited: Too many logins from this address. Try again in ${seconds} s.`
          return { type: 'error', value, code: 'rate_limited' }
        }
        const issued = await call(options.challenge, { pubkey: message.pubkey })
        envelope = issued.envelope as string
        return { type: 'challenge', value: encodeBufferJson(new TextEncoder().encode(envelope)) }
      }
      const pending = envelope
      if (pending === undefined) {
        throw new TokenProviderError(
          'invalid_request',
          'No challenge is pending: send a token request first.',
        )
      }
      const signature = decodeBufferJson(message.sig, MAX_SIGNATURE_BYTES)
      if (!signature) {
        throw new TokenProviderError(
          'invalid_request',
          '"sig" must be Buffer JSON of the signature.',
        )
      }
      envelope = undefined // one answer per challenge
      const auth = await call(options.token, {
        envelope: pending,
        signature: encodeBase64Url(signature),
      })
      return { type: 'token', value: auth }
    } catch (error) {
      const coded = TokenProviderError.from(error)
      const value = coded.detail
        ? `${coded.code}: ${coded.message}. ${coded.detail}`
        : `${coded.code}: ${coded.message}`
      return { type: 'error', value, code: coded.code }
    }
  }
}

type ClientMessage = { type: 'token'; pubkey: unknown } | { type: 'challenge'; sig: unknown }

function parseMessage(text: string): ClientMessage {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new TokenProviderError('invalid_request', 'The message is not valid JSON.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenProviderError('invalid_request', 'The message must be a JSON object.')
  }
  const message = value as Record<string, unknown>
  if (message.type === 'token') return { type: 'token', pubkey: message.pubkey }
  if (message.type === 'challenge') return { type: 'challenge', sig: message.sig }
  throw new TokenProviderError(
    'invalid_request',
    'The message type must be "token" or "challenge".',
  )
}

// The handlers' problem+json, back into a coded error (their detail is already client-safe).
function problemError(body: Record<string, unknown>): TokenProviderError {
  const code = isErrorCode(body.code) ? body.code : 'internal_error'
  const detail = typeof body.detail === 'string' ? body.detail : undefined
  return new TokenProviderError(code, detail)
}
