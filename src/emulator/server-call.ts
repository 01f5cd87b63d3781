// One gRPC call on one WebSocket: the inbound request stream as an async `recv()`, and the
// outbound frames (headers once, messages, then trailers and close). After the socket closes, or
// once the call has ended, sends are dropped and `recv()` yields `null`, so handlers never throw
// on a vanished peer.
import type { WebSocket } from 'ws'
import { GrpcStatus, type GrpcError } from './grpc-error.ts'
import { messageFrame, responseHeadersFrame, trailersFrame } from './grpc-web-frames.ts'

/**
 * The server side of a call.
 *
 * @example
 * const request = await call.recv() // Uint8Array, or null at half-close
 */
export class ServerCall {
  readonly method: string
  readonly headers: Map<string, string>
  readonly #socket: WebSocket
  readonly #inbox: Array<Uint8Array | null> = []
  #waiter: ((value: Uint8Array | null) => void) | undefined
  #headersSent = false
  #ended = false
  #halfClosed = false

  constructor(socket: WebSocket, method: string, headers: Map<string, string>) {
    this.#socket = socket
    this.method = method
    this.headers = headers
    socket.once('close', () => {
      this.#ended = true
      this.#deliver(null)
    })
  }

  /** True once trailers were sent or the socket closed. */
  get ended(): boolean {
    return this.#ended
  }

  /** Queues an inbound request message (from the frame reader). */
  pushMessage(message: Uint8Array): void {
    if (!this.#halfClosed) this.#deliver(message)
  }

  /** Marks the client's half-close. */
  pushHalfClose(): void {
    if (this.#halfClosed) return
    this.#halfClosed = true
    this.#deliver(null)
  }

  #deliver(value: Uint8Array | null): void {
    const waiter = this.#waiter
    if (waiter) {
      this.#waiter = undefined
      waiter(value)
    } else this.#inbox.push(value)
  }

  /** The next request message, or null at half-close / close. */
  recv(): Promise<Uint8Array | null> {
    if (this.#inbox.length > 0) {
      const next = this.#inbox.shift()!
      // Keep the end marker for later callers.
      if (next === null) this.#inbox.unshift(null)
      return Promise.resolve(next)
    }
    if (this.#ended) return Promise.resolve(null)
    return new Promise((resolve) => (this.#waiter = resolve))
  }

  /** Sends one response message (the headers frame first, once). */
  send(protobuf: Uint8Array): void {
    if (this.#ended) return
    if (!this.#headersSent) {
      this.#headersSent = true
      this.#write(responseHeadersFrame())
    }
    this.#write(messageFrame(protobuf))
  }

  /** Ends the call: OK trailers, or the error's (trailers-only if nothing was sent), then close. */
  finish(error?: GrpcError): void {
    if (this.#ended) return
    this.#ended = true
    const code = error?.code ?? GrpcStatus.OK
    this.#write(trailersFrame(code, error?.message ?? '', !this.#headersSent))
    this.#socket.close(1000)
    this.#deliver(null)
  }

  #write(bytes: Uint8Array): void {
    try {
      this.#socket.send(bytes)
    } catch {
      // The socket is going away; its close event ends the call.
    }
  }
}
