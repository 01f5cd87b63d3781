// A websocket login server for apps built on Textile's example (hub-browser-auth-app): its JSON
// protocol at /ws/userauth, on the same stateless handlers as the HTTP functions. Node only (`ws`).
// Threat model: a long-lived socket is the one resource a client can hold here, so each one is
// bounded: messages over 8 KiB are refused (over 64 KiB the socket is closed, 1009), an idle socket
// is closed, permessage-deflate is off (no decompression bombs), and messages are handled one at a
// time. No state is shared between connections; no hub stream is ever opened.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { TokenProviderError } from '../core/errors.ts'
import { createChallengeHandler } from '../http/challenge-handler.ts'
import type { HandlerOptions } from '../http/endpoint.ts'
import { MAX_BODY_BYTES } from '../http/read-json.ts'
import { createTokenHandler } from '../http/token-handler.ts'
import { createUserAuthSession, type ServerMessage } from './userauth-session.ts'

/** The example's path (matched case-insensitively: its browser client asks for /ws/userAuth). */
export const USERAUTH_PATH = '/ws/userauth'
/** Largest message handled, as for HTTP bodies. */
export const MAX_MESSAGE_BYTES = MAX_BODY_BYTES
/** Above this the socket is closed (1009) without reading further. */
export const MAX_FRAME_BYTES = 64 * 1024
/** Default idle timeout: a login takes two round trips; an envelope lives 60 s by default. */
export const IDLE_TIMEOUT_MS = 60_000

/** Options of {@link startUserAuthServer}. */
export interface UserAuthServerOptions extends HandlerOptions {
  /** Default 3001; 0 picks a free port. */
  port?: number
  /** Interface to listen on; default all. */
  host?: string
  /** Close a socket after this long without a message; default {@link IDLE_TIMEOUT_MS}. */
  idleTimeoutMs?: number
}

/** A running server. */
export interface UserAuthServer {
  /** `ws://host:port/ws/userauth`. */
  url: string
  port: number
  server: Server
  /** Stops accepting, closes every socket (1001) and the HTTP server. */
  close(): Promise<void>
}

/**
 * Starts the websocket login server.
 *
 * @throws when the port cannot be bound. Protocol failures never throw: each becomes a
 *   `{"type":"error"}` message with the contract code (`invalid_request`, `payload_too_large`, and
 *   every code of POST /api/challenge and /api/token).
 * @example
 * const { url } = await startUserAuthServer({ port: 3001 })
 */
export async function startUserAuthServer(
  options: UserAuthServerOptions = {},
): Promise<UserAuthServer> {
  const challenge = createChallengeHandler(options)
  const token = createTokenHandler(options)
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
    response.end(`Open a websocket at ${USERAUTH_PATH}.\n`)
  })
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path.toLowerCase() !== USERAUTH_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, request))
  })

  function serve(ws: WebSocket, request: IncomingMessage) {
    const host = request.headers.host ?? 'localhost'
    const session = createUserAuthSession({
      challenge,
      token,
      url: `http://${host}${USERAUTH_PATH}`,
      origin: request.headers.origin,
    })
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
    }
    let idle: NodeJS.Timeout
    const touch = () => {
      clearTimeout(idle)
      idle = setTimeout(() => ws.close(1000, 'idle timeout'), idleTimeoutMs)
    }
    touch()
    // One message at a time, in order: a challenge answer never overtakes its token request.
    let queue = Promise.resolve()
    ws.on('message', (data: RawData) => {
      touch()
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data)
      queue = queue.then(async () => {
        if (bytes.length > MAX_MESSAGE_BYTES) {
          const error = new TokenProviderError('payload_too_large')
          send({ type: 'error', value: `${error.code}: ${error.message}`, code: error.code })
          return
        }
        let text: string
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
        } catch {
          text = '\u0000' // not UTF-8: the session answers invalid_request like any non-JSON
        }
        send(await session(text))
      })
    })
    ws.on('close', () => clearTimeout(idle))
    ws.on('error', () => ws.terminate())
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 3001, options.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const shown = options.host && options.host !== '0.0.0.0' ? options.host : 'localhost'
  return {
    url: `ws://${shown.includes(':') ? `[${shown}]` : shown}:${port}${USERAUTH_PATH}`,
    port,
    server,
    close: async () => {
      for (const ws of wss.clients) ws.close(1001, 'server closing')
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}
