// The emulator's network side: an HTTP server that upgrades `grpc-websockets` WebSocket requests
// (permessage-deflate off) and runs one gRPC call per socket. Routing follows grpc-go: an unknown
// path is 12 before any auth; a known method runs hubd's auth first, then its handler. Threat
// model: every byte from the socket is untrusted; each decoder is total and every handler's
// failure becomes a status, so malformed input ends one call and never the process.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import threadsService from '@textile/threads-client-grpc/threads_pb_service.js'
import usersService from '@textile/users-grpc/api/usersd/pb/usersd_pb_service.js'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { SigningKey } from '../core/ed25519.ts'
import type { ApiKeyRecord } from './api-keys.ts'
import { authenticate, TOKENLESS_METHODS } from './authenticate.ts'
import { serveGetToken } from './get-token.ts'
import { GrpcError, GrpcStatus } from './grpc-error.ts'
import {
  createRequestReader,
  MAX_GRPC_MESSAGE_BYTES,
  parseHeaderBlock,
  readClientMessage,
  trailersFrame,
} from './grpc-web-frames.ts'
import { ServerCall } from './server-call.ts'
import { THREADS_METHODS, type UnaryMethod } from './threads-api.ts'
import type { ThreadsStore } from './threads-store.ts'
import { USERS_METHODS } from './users-api.ts'

/** Everything the calls share. */
export interface EmulatorState {
  keys: Map<string, ApiKeyRecord>
  hostKey: SigningKey
  store: ThreadsStore
  now: () => Date
  challengeTimeoutMs: number
}

/** Every method of a generated service, as gRPC paths. */
function pathsOf(service: unknown): string[] {
  const record = service as Record<string, unknown> & { serviceName: string }
  return Object.values(record).flatMap((value) => {
    const name = (value as { methodName?: unknown } | null)?.methodName
    return typeof value === 'object' && typeof name === 'string'
      ? [`/${record.serviceName}/${name}`]
      : []
  })
}

/** Every method of the services the emulator knows (from the generated code), served or not. */
const KNOWN_METHODS = new Set([...pathsOf(threadsService.API), ...pathsOf(usersService.APIService)])
const KNOWN_SERVICES = new Set(['threads.pb.API', 'threads.net.pb.API', 'api.usersd.pb.APIService'])
/** hubd's blockMethods: refused before auth (ListDBs would list every DB). */
const BLOCKED_METHODS = new Set(['/threads.pb.API/ListDBs', '/threads.net.pb.API/Subscribe'])
const UNARY_METHODS = new Map<string, UnaryMethod>([...THREADS_METHODS, ...USERS_METHODS])

/** grpc-go's answer for a path no service handles. */
function unknownPath(path: string): GrpcError | undefined {
  if (KNOWN_METHODS.has(path) || TOKENLESS_METHODS.has(path)) return undefined
  const slash = path.lastIndexOf('/')
  if (!path.startsWith('/') || slash <= 0) {
    return new GrpcError(GrpcStatus.UNIMPLEMENTED, `malformed method name: "${path}"`)
  }
  const service = path.slice(1, slash)
  const name = path.slice(slash + 1)
  return KNOWN_SERVICES.has(service)
    ? new GrpcError(GrpcStatus.UNIMPLEMENTED, `unknown method ${name} for service ${service}`)
    : new GrpcError(GrpcStatus.UNIMPLEMENTED, `unknown service ${service}`)
}

/** Runs the call's method to its end; every failure becomes the call's status. */
async function runCall(call: ServerCall, state: EmulatorState): Promise<void> {
  try {
    const unknown = unknownPath(call.method)
    if (unknown) throw unknown
    if (BLOCKED_METHODS.has(call.method)) {
      throw new GrpcError(GrpcStatus.PERMISSION_DENIED, 'Method is not accessible')
    }
    if (TOKENLESS_METHODS.has(call.method)) {
      await authenticate({
        headers: call.headers,
        method: call.method,
        keys: state.keys,
        now: state.now(),
      })
      await serveGetToken({
        call,
        hostKey: state.hostKey,
        now: state.now,
        challengeTimeoutMs: state.challengeTimeoutMs,
      })
      call.finish()
      return
    }
    const bytes = await call.recv()
    if (call.ended) return
    if (bytes === null) throw new GrpcError(GrpcStatus.INTERNAL, 'grpc: request message missing')
    const method = UNARY_METHODS.get(call.method)
    let request
    if (method) {
      try {
        request = method.requestType.deserializeBinary(bytes)
      } catch {
        throw new GrpcError(GrpcStatus.INTERNAL, 'grpc: error unmarshalling request')
      }
    }
    const now = state.now()
    const auth = await authenticate({
      headers: call.headers,
      method: call.method,
      keys: state.keys,
      now,
    })
    if (!method || !request) {
      const name = call.method.slice(call.method.lastIndexOf('/') + 1)
      throw new GrpcError(GrpcStatus.UNIMPLEMENTED, `method ${name} not implemented`)
    }
    const context = { auth, store: state.store, hostPublicKey: state.hostKey.publicKey, now }
    const reply = await method.handle(request, context)
    call.send(reply.serializeBinary())
    call.finish()
  } catch (error) {
    call.finish(GrpcError.from(error))
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** Wires one socket: the first message is the headers, then data and half-close messages. */
function handleSocket(socket: WebSocket, path: string, state: EmulatorState): void {
  let call: ServerCall | undefined
  const reader = createRequestReader()
  socket.on('error', () => socket.terminate())
  socket.on('message', (data: RawData) => {
    try {
      const bytes = toBytes(data)
      if (!call) {
        const headers = parseHeaderBlock(bytes)
        if (!headers) {
          socket.send(trailersFrame(GrpcStatus.INTERNAL, 'malformed request headers', true))
          socket.close(1000)
          return
        }
        call = new ServerCall(socket, path, headers)
        void runCall(call, state)
        return
      }
      const message = readClientMessage(bytes)
      if (message.kind === 'invalid') {
        call.finish(new GrpcError(GrpcStatus.INTERNAL, 'malformed gRPC-web message'))
      } else if (message.kind === 'finish') {
        if (reader.pending() > 0) {
          call.finish(new GrpcError(GrpcStatus.INTERNAL, 'grpc: truncated request message'))
        } else call.pushHalfClose()
      } else {
        for (const frame of reader.push(message.bytes)) {
          if (frame.kind === 'message') call.pushMessage(frame.data)
          else if (frame.reason === 'too_large') {
            call.finish(
              new GrpcError(
                GrpcStatus.RESOURCE_EXHAUSTED,
                'grpc: received message larger than max',
              ),
            )
          } else {
            call.finish(
              new GrpcError(
                GrpcStatus.UNIMPLEMENTED,
                'grpc: compressed messages are not supported',
              ),
            )
          }
        }
      }
    } catch {
      socket.terminate()
    }
  })
}

/** The running server: the HTTP server and its open sockets. */
export interface EmulatorServer {
  http: Server
  sockets: Set<WebSocket>
}

/**
 * Creates the HTTP + WebSocket server (not yet listening).
 *
 * @example
 * const { http } = createEmulatorServer(state); http.listen(6007)
 */
export function createEmulatorServer(state: EmulatorState): EmulatorServer {
  const sockets = new Set<WebSocket>()
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_GRPC_MESSAGE_BYTES + 64,
    handleProtocols: (protocols) => (protocols.has('grpc-websockets') ? 'grpc-websockets' : false),
  })
  const http = createServer((_request, response) => {
    response.writeHead(404, { 'content-type': 'text/plain' })
    response.end('textile hub emulator: gRPC-web over WebSocket only\n')
  })
  http.on('upgrade', (request: IncomingMessage, stream: Duplex, head: Buffer) => {
    stream.on('error', () => stream.destroy())
    const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',')
    if (!protocols.map((item) => item.trim()).includes('grpc-websockets')) {
      stream.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      return
    }
    // Go's r.URL.Path is percent-decoded; keep the raw path when it does not decode.
    const raw = new URL(request.url ?? '/', 'http://emulator').pathname
    let path = raw
    try {
      path = decodeURIComponent(raw)
    } catch {
      // keep raw
    }
    wss.handleUpgrade(request, stream, head, (socket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      handleSocket(socket, path, state)
    })
  })
  http.on('clientError', (_error, stream) => stream.destroy())
  return { http, sockets }
}
