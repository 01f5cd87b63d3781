// A websocket login server for apps built on Textile's example (hub-browser-auth-app): its JSON
// protocol at /ws/userauth, on the same stateless handlers as the HTTP functions. Node only (`ws`).
// Threat model: a long-lived socket is the one resource a client can hold here, so every one is
// bounded: connections in all and per client address; messages over 8 KiB refused (over 64 KiB the
// socket closes, 1009); one message handled at a time with reading paused, a few more waiting at
// most (1008); what the client leaves unread (1008); idle time and total lifetime; logins per client
// address and minute (rate_limited). permessage-deflate is off (no decompression bombs). No state
// is shared between connections; no hub stream is ever opened.
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { TokenProviderError } from '../core/errors.ts'
import { createChallengeHandler } from '../http/challenge-handler.ts'
import type { HandlerOptions } from '../http/endpoint.ts'
import { consoleLogger } from '../http/log.ts'
import { problemResponse } from '../http/problem.ts'
import { MAX_BODY_BYTES } from '../http/read-json.ts'
import { createTokenHandler } from '../http/token-handler.ts'
import { createRateLimiter } from './rate-limiter.ts'
import { readUpgradeRequest, type UpgradeRequest } from './upgrade-request.ts'
import { createUserAuthSession, type ServerMessage } from './userauth-session.ts'

/** The example's path (matched case-insensitively: its browser client asks for /ws/userAuth). */
export const USERAUTH_PATH = '/ws/userauth'
/** Largest message handled, as for HTTP bodies. */
export const MAX_MESSAGE_BYTES = MAX_BODY_BYTES
/** Above this the socket is closed (1009) without reading further. */
export const MAX_FRAME_BYTES = 64 * 1024
/** Default idle timeout: a login takes two round trips; an envelope lives 60 s by default. */
export const IDLE_TIMEOUT_MS = 60_000
/** Default lifetime of a socket, busy or not: two envelope lifetimes of the default 60 s. */
export const SESSION_LIFETIME_MS = 120_000
/** Messages that may wait behind the one being handled; one more closes the socket (1008). */
export const MAX_QUEUED_MESSAGES = 4
/** Answers the server holds for a client that does not read them; past this, 1008. */
export const MAX_BUFFERED_BYTES = 64 * 1024
/** Default most open sockets (handshakes included); further upgrades get 503. */
export const MAX_CONNECTIONS = 1000
/** Default most open sockets per client address (IPv6: per /64); further upgrades get 429. */
export const MAX_CONNECTIONS_PER_IP = 16
/** Default logins (token requests) per client address and minute: the functions' rate limit. */
export const LOGINS_PER_MINUTE = 30
/** The `fn` of the adapter's own log lines (refused upgrades, limits hit); handlers log theirs. */
export const WS_LOG_FN = 'ws-userauth'
/** How long a closing socket may take to finish the close handshake before it is cut. */
const CLOSE_GRACE_MS = 1000

/** Options of {@link startUserAuthServer}; the rest are the handlers' and passed to them. */
export interface UserAuthServerOptions extends HandlerOptions {
  /** Default 3001; 0 picks a free port. */
  port?: number
  /** Interface to listen on; default all. */
  host?: string
  /** Close a socket after this long without a message; default {@link IDLE_TIMEOUT_MS}. */
  idleTimeoutMs?: number
  /** Close every socket this long after it opened; default {@link SESSION_LIFETIME_MS}. */
  sessionLifetimeMs?: number
  /** Most open sockets; default {@link MAX_CONNECTIONS}. */
  maxConnections?: number
  /** Most open sockets per client address; default {@link MAX_CONNECTIONS_PER_IP}. */
  maxConnectionsPerIp?: number
  /** Logins per client address and minute; default {@link LOGINS_PER_MINUTE}. */
  loginsPerMinute?: number
  /**
   * Behind a reverse proxy that sets them: take the scheme from `X-Forwarded-Proto` and the client
   * address from {@link UserAuthServerOptions.clientIpHeader}. Default false: the socket's own.
   */
  trustProxy?: boolean
  /** The proxy's client-address header (last entry); default `x-forwarded-for`. */
  clientIpHeader?: string
}

/** A running server. */
export interface UserAuthServer {
  /** `ws://host:port/ws/userauth`. */
  url: string
  port: number
  server: Server
  /** Sockets open now, handshakes included. */
  readonly connections: number
  /** Stops accepting, closes every socket (1001) and the HTTP server. */
  close(): Promise<void>
}

/**
 * Starts the websocket login server.
 *
 * @throws when the port cannot be bound. Protocol failures never throw: each becomes a
 *   `{"type":"error"}` message with the contract code (`invalid_request`, `payload_too_large`,
 *   `rate_limited`, and every code of POST /api/challenge and /api/token), a refused upgrade (400
 *   for a bad `Host`, 429 and 503 over the connection limits) or a close (1008 over the flow
 *   limits).
 * @example
 * const { url } = await startUserAuthServer({ port: 3001 })
 */
export async function startUserAuthServer(
  options: UserAuthServerOptions = {},
): Promise<UserAuthServer> {
  const challenge = createChallengeHandler(options)
  const token = createTokenHandler(options)
  const logger = options.logger ?? consoleLogger
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS
  const sessionLifetimeMs = options.sessionLifetimeMs ?? SESSION_LIFETIME_MS
  const maxConnections = options.maxConnections ?? MAX_CONNECTIONS
  const maxConnectionsPerIp = options.maxConnectionsPerIp ?? MAX_CONNECTIONS_PER_IP
  const limiter = createRateLimiter({
    limit: options.loginsPerMinute ?? LOGINS_PER_MINUTE,
    windowMs: 60_000,
  })
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  /** Every upgraded socket until it closes; per client key, how many. */
  const sockets = new Set<Duplex>()
  const perClient = new Map<string, number>()
  const closers = new Set<() => void>()

  const log = (status: number, code: string, requestId: string, started: number) =>
    logger({
      level: 'warn',
      event: 'request',
      fn: WS_LOG_FN,
      requestId,
      method: 'GET',
      status,
      code,
      ms: Math.round((performance.now() - started) * 100) / 100,
    })

  const server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
    response.end(`Open a websocket at ${USERAUTH_PATH}.\n`)
  })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const started = performance.now()
    const requestId = crypto.randomUUID()
    // Node's HTTP server lets go of an upgraded socket: without this, a reset would be uncaught.
    socket.on('error', () => socket.destroy())
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path.toLowerCase() !== USERAUTH_PATH) {
      refuse(socket, 404, '')
      return
    }
    let upgrade: UpgradeRequest
    try {
      upgrade = readUpgradeRequest({
        request,
        path: USERAUTH_PATH,
        trustProxy: options.trustProxy ?? false,
        ...(options.clientIpHeader && { clientIpHeader: options.clientIpHeader }),
      })
    } catch (error) {
      const coded = TokenProviderError.from(error)
      log(400, coded.code, requestId, started)
      void problemResponse(coded, { requestId })
        .text()
        .then((body) => refuse(socket, 400, body, 'application/problem+json'))
      return
    }
    const { clientKey } = upgrade
    const mine = perClient.get(clientKey) ?? 0
    if (sockets.size >= maxConnections || mine >= maxConnectionsPerIp) {
      const status = sockets.size >= maxConnections ? 503 : 429
      log(status, 'too_many_connections', requestId, started)
      refuse(socket, status, 'Too many connections; try again later.\n', 'text/plain', 10)
      return
    }
    sockets.add(socket)
    perClient.set(clientKey, mine + 1)
    socket.once('close', () => {
      sockets.delete(socket)
      const left = (perClient.get(clientKey) ?? 1) - 1
      if (left > 0) perClient.set(clientKey, left)
      else perClient.delete(clientKey)
    })
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, upgrade, requestId))
  })

  function serve(ws: WebSocket, upgrade: UpgradeRequest, connectionId: string) {
    const opened = performance.now()
    const session = createUserAuthSession({
      challenge,
      token,
      url: upgrade.url,
      ...(upgrade.origin && { origin: upgrade.origin }),
      rateLimit: () => limiter.take(upgrade.clientKey),
    })
    const queue: Buffer[] = []
    let busy = false
    let closing = false
    let idle: NodeJS.Timeout | undefined
    let grace: NodeJS.Timeout | undefined
    const lifetime = setTimeout(() => shut(1000, 'session lifetime'), sessionLifetimeMs)
    const touch = () => {
      clearTimeout(idle)
      idle = setTimeout(() => shut(1000, 'idle timeout'), idleTimeoutMs)
    }

    // Closes once; a client that does not finish the close handshake is cut after a grace period.
    // A socket closed for abuse stays paused: nothing more it sent is read.
    function shut(code: number, reason: string, logCode?: string) {
      if (closing) return
      closing = true
      queue.length = 0
      clearTimeout(idle)
      clearTimeout(lifetime)
      if (logCode) log(code, logCode, connectionId, opened)
      if (code === 1000 || code === 1001) ws.resume()
      ws.close(code, reason)
      grace = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS)
    }
    const close = () => shut(1001, 'server closing')
    closers.add(close)
    touch()

    ws.on('message', (data: RawData) => {
      if (closing) return
      touch()
      if (queue.length >= MAX_QUEUED_MESSAGES) {
        shut(1008, 'too many messages in flight', 'too_many_messages')
        return
      }
      queue.push(
        Buffer.isBuffer(data)
          ? data
          : Array.isArray(data)
            ? Buffer.concat(data)
            : Buffer.from(data),
      )
      // Backpressure: read nothing more while a message is handled (messages already read from
      // the socket still arrive, into the bounded queue above).
      ws.pause()
      if (!busy) void drain()
    })
    ws.on('close', () => {
      closing = true
      queue.length = 0
      clearTimeout(idle)
      clearTimeout(lifetime)
      clearTimeout(grace)
      closers.delete(close)
    })
    ws.on('error', () => ws.terminate())

    // One message at a time, in order: a challenge answer never overtakes its token request.
    async function drain() {
      busy = true
      while (queue.length > 0 && !closing) {
        const reply = await handle(queue.shift()!)
        if (closing || ws.readyState !== ws.OPEN) break
        if (reply.type === 'error' && reply.code === 'rate_limited') {
          log(429, 'rate_limited', connectionId, opened)
        }
        ws.send(JSON.stringify(reply))
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          shut(1008, 'client not reading', 'not_reading')
        }
      }
      busy = false
      if (!closing) ws.resume()
    }

    async function handle(bytes: Buffer): Promise<ServerMessage> {
      if (bytes.length > MAX_MESSAGE_BYTES) {
        const error = new TokenProviderError('payload_too_large')
        return { type: 'error', value: `${error.code}: ${error.message}`, code: error.code }
      }
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      } catch {
        text = '\u0000' // not UTF-8: the session answers invalid_request like any non-JSON
      }
      return session(text)
    }
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
    get connections() {
      return sockets.size
    },
    close: async () => {
      for (const close of closers) close()
      // Whatever has not closed by then (a handshake, a client that never answers): cut.
      const cut = setTimeout(() => {
        for (const socket of sockets) socket.destroy()
      }, CLOSE_GRACE_MS)
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      clearTimeout(cut)
    },
  }
}

/** Answers an upgrade request with a plain HTTP response and closes the connection. */
function refuse(
  socket: Duplex,
  status: number,
  body: string,
  type = 'text/plain',
  retryAfterSeconds?: number,
) {
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Connection: close',
    `Content-Type: ${type}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...(retryAfterSeconds ? [`Retry-After: ${retryAfterSeconds}`] : []),
  ]
  socket.once('finish', () => socket.destroy())
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`)
}
