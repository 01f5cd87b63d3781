// Two connected in-memory sockets with real backpressure: what one end writes, the other reads,
// and a write waits until the reader takes it. Unlike loopback TCP, whose kernel buffers soak up
// megabytes an unread peer leaves behind, a client that stops reading here makes the server's own
// send buffer (the websocket's `bufferedAmount`) grow at once.
import { Duplex } from 'node:stream'

class End extends Duplex {
  peer!: End
  /** This end's write that the peer has not taken yet. */
  waiting: ((error?: Error | null) => void) | undefined

  override _read() {
    const resume = this.peer.waiting
    this.peer.waiting = undefined
    resume?.()
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ) {
    if (this.peer.push(chunk)) callback()
    else this.waiting = callback
  }

  override _final(callback: (error?: Error | null) => void) {
    this.peer.push(null)
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void) {
    if (!this.peer.destroyed) this.peer.destroy()
    callback(error)
  }
}

/**
 * Makes a connected pair of in-memory sockets.
 *
 * @example
 * const [client, server] = socketPair()
 * httpServer.emit('connection', server)
 */
export function socketPair(): [Duplex, Duplex] {
  const a = new End()
  const b = new End()
  a.peer = b
  b.peer = a
  return [a, b]
}
