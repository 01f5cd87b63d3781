// The hub's interactive GetToken, answered from the browser (hub-challenge mode): the private key
// never leaves the identity. Loaded with a dynamic import() so issuer-mode apps do not pay for it.
// Its messages are written by get-token-messages.ts, never by generated protobuf classes, which
// share a global with `@textile/hub`'s own copy (docs/protocol.md §5).
// Threat model: the hub URL is app configuration, but what arrives over the socket is not: a
// hostile hub, or anyone on the path to a plain-`http:` one, could send the UTF-8 of a
// `/api/challenge` envelope as "the challenge" and redeem the signature at `/api/token`. So the
// SDK signs only what a go-threads hub sends (exactly 32 random bytes), once per stream, and talks
// clear text only to loopback (hub-url.ts); the envelope format never is 32 bytes. The socket is
// always closed and the promise always settles: on the token, an error status, close or timeout.
import { UserAuthError } from '../errors.ts'
import type { UserAuth } from '../types.ts'
import { decodeGetTokenReply, encodeGetTokenRequest } from './get-token-messages.ts'
import { createFrameParser, encodeHeaders, encodeMessage, FINISH_SEND } from './grpc-web.ts'
import { hubSocketUrl, isSecureHubUrl } from './hub-url.ts'

/** Path of the method (threads.proto: `service API { rpc GetToken(stream …) … }`). */
export const GET_TOKEN_PATH = '/threads.pb.API/GetToken'

/** The length of a hub challenge (go-threads `net/api`: `crypto/rand`, 32 bytes). */
export const HUB_CHALLENGE_LENGTH = 32

/** What {@link getHubToken} needs. */
export interface GetHubTokenOptions {
  /** The hub's gRPC-web base URL: `https://host[:port]`, or `http://` on loopback only. */
  hubUrl: string
  /** The Textile public key string of the identity. */
  pubkey: string
  /** The API key and signature (the hub checks them on GetToken too). */
  auth: Pick<UserAuth, 'key' | 'sig' | 'msg'>
  /** Signs the hub's challenge with the identity; must resolve to 64 bytes. */
  sign: (bytes: Uint8Array) => Promise<Uint8Array>
  /** Gives up after this long. */
  timeoutMs: number
  /** Closes the socket and rejects with `aborted`. */
  signal?: AbortSignal
}

/**
 * Runs GetToken over gRPC-web on a WebSocket and returns the hub's thread token.
 *
 * @throws `hub_url_insecure` for an `http:` hub URL whose host is not loopback (nothing is opened).
 * @throws `hub_unreachable` when the WebSocket never opens (refused, DNS, TLS, no upgrade).
 * @throws `hub_error` on a non-OK gRPC status (`grpcStatus`, `grpcMessage` set), a socket error
 *   or close after it opened, a stream that ends without a token, a reply that is not a
 *   GetTokenReply, a challenge that is not exactly 32 bytes or a second challenge on the stream
 *   (neither is signed).
 * @throws `hub_timeout` when the hub has not finished within `timeoutMs`.
 * @throws `sign_failed` when the identity cannot sign the challenge.
 * @throws `hub_error` (cause: a TypeError) when the environment has no global WebSocket.
 * @throws `aborted` when `signal` aborts first.
 * @example
 * const token = await getHubToken({ hubUrl, pubkey, auth, sign, timeoutMs: 15000 })
 */
export function getHubToken(options: GetHubTokenOptions): Promise<string> {
  const Socket = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket
  if (typeof Socket !== 'function') {
    const cause = new TypeError('hub-challenge mode needs a global WebSocket')
    return Promise.reject(new UserAuthError('hub_error', { cause }))
  }
  const { signal } = options
  if (signal?.aborted) return Promise.reject(new UserAuthError('aborted', { cause: signal.reason }))
  if (!isSecureHubUrl(options.hubUrl)) return Promise.reject(new UserAuthError('hub_url_insecure'))
  const url = hubSocketUrl(options.hubUrl, GET_TOKEN_PATH)

  return new Promise<string>((resolve, reject) => {
    let settled = false
    let opened = false
    let answered = false
    let token: string | undefined
    const parser = createFrameParser()
    const socket = new Socket(url, ['grpc-websockets'])
    socket.binaryType = 'arraybuffer'
    const abort = () => finish(new UserAuthError('aborted', { cause: signal?.reason }))
    signal?.addEventListener('abort', abort)

    const finish = (error: unknown, value?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      try {
        socket.close()
      } catch {
        // Already closing; nothing to release.
      }
      if (error) reject(error)
      else resolve(value!)
    }
    const fail = (details: ConstructorParameters<typeof UserAuthError>[1] = {}) =>
      finish(new UserAuthError('hub_error', details))
    const timer = setTimeout(() => finish(new UserAuthError('hub_timeout')), options.timeoutMs)

    socket.addEventListener('open', () => {
      opened = true
      try {
        socket.send(
          encodeHeaders({
            'content-type': 'application/grpc-web+proto',
            'x-grpc-web': '1',
            'x-textile-api-key': options.auth.key,
            'x-textile-api-sig': options.auth.sig,
            'x-textile-api-sig-msg': options.auth.msg,
          }),
        )
        socket.send(encodeMessage(encodeGetTokenRequest({ key: options.pubkey })))
      } catch (cause) {
        fail({ cause })
      }
    })

    socket.addEventListener('message', (event: MessageEvent) => {
      if (settled) return
      if (!(event.data instanceof ArrayBuffer)) return fail()
      let frames
      try {
        frames = parser.push(new Uint8Array(event.data))
      } catch (cause) {
        return fail({ cause })
      }
      for (const frame of frames) {
        if (frame.kind === 'metadata') {
          const status = frame.headers.get('grpc-status')
          if (status === undefined) continue // the response headers, before any message
          const grpcStatus = Number(status)
          if (grpcStatus === 0 && token !== undefined) return finish(undefined, token)
          return fail({ grpcStatus, grpcMessage: percentDecode(frame.headers.get('grpc-message')) })
        }
        let reply
        try {
          reply = decodeGetTokenReply(frame.data)
        } catch (cause) {
          return fail({ cause })
        }
        if (reply.payload === 'challenge') {
          // One 32-byte challenge per stream; anything else is not a go-threads hub's and no
          // honest hub needs a second signature.
          if (answered || reply.challenge.length !== HUB_CHALLENGE_LENGTH) return fail()
          answered = true
          void answer(reply.challenge)
        } else if (reply.payload === 'token' && reply.token !== '') token = reply.token
        else return fail()
      }
    })

    // Browsers do not tell a refused connection, a DNS or TLS failure and a refused upgrade
    // apart: each is a socket that never opened.
    const lost = () => (opened ? fail() : finish(new UserAuthError('hub_unreachable')))
    socket.addEventListener('error', lost)
    socket.addEventListener('close', lost)

    async function answer(challenge: Uint8Array) {
      let signature: Uint8Array
      try {
        signature = await options.sign(challenge)
      } catch (error) {
        return finish(error)
      }
      if (settled) return
      try {
        socket.send(encodeMessage(encodeGetTokenRequest({ signature })))
        socket.send(FINISH_SEND)
      } catch (cause) {
        fail({ cause })
      }
    }
  })
}

// grpc-web clients percent-decode grpc-message (gRPC over HTTP2 spec, "Responses").
function percentDecode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
