// gRPC-web over WebSocket framing, as @improbable-eng/grpc-web's websocket transport speaks it
// (docs/protocol.md §6): client messages are prefixed with one byte (0x00 data,
// 0x01 half-close); server bytes are gRPC-web frames (0x00 message, 0x80 headers/trailers).
import { createFrameReader } from '../../core/grpc-web-frames.ts'

/** One frame the server sent. */
export type GrpcWebFrame =
  { kind: 'message'; data: Uint8Array } | { kind: 'metadata'; headers: Map<string, string> }

/** The half-close message (`0x01`). */
export const FINISH_SEND = new Uint8Array([1])

/**
 * The first websocket message: the request headers as ASCII `key: value\r\n` lines.
 *
 * @example
 * socket.send(encodeHeaders({ 'content-type': 'application/grpc-web+proto' }))
 */
export function encodeHeaders(headers: Record<string, string>): Uint8Array {
  let text = ''
  for (const [name, value] of Object.entries(headers)) {
    // Printable ASCII only: a CR/LF in a server-supplied value must not inject another header.
    if (!/^[\x21-\x7e]+$/.test(name) || !/^[\x20-\x7e]*$/.test(value)) {
      throw new TypeError('gRPC metadata must be printable ASCII')
    }
    text += `${name.toLowerCase()}: ${value}\r\n`
  }
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

/**
 * A data message: `0x00` ‖ gRPC frame (flags `0x00` ‖ uint32 BE length ‖ protobuf).
 *
 * @example
 * socket.send(encodeMessage(request.serializeBinary()))
 */
export function encodeMessage(protobuf: Uint8Array): Uint8Array {
  const out = new Uint8Array(protobuf.length + 6)
  new DataView(out.buffer).setUint32(2, protobuf.length)
  out.set(protobuf, 6)
  return out
}

/**
 * Reassembles the server's byte stream (split or merged freely across websocket messages) into
 * frames. Throws a plain Error on a frame it cannot read; the caller reports it as a hub error.
 *
 * @example
 * const parser = createFrameParser()
 * for (const frame of parser.push(new Uint8Array(event.data))) handle(frame)
 */
export function createFrameParser(): { push(chunk: Uint8Array): GrpcWebFrame[] } {
  const reader = createFrameReader()
  return {
    push(chunk) {
      return reader.push(chunk).map((result): GrpcWebFrame => {
        if (result.kind === 'error') throw new Error(`gRPC-web frame: ${result.reason}`)
        if ((result.flags & 0x80) !== 0)
          return { kind: 'metadata', headers: decodeHeaders(result.data) }
        if (result.flags === 0) return { kind: 'message', data: result.data }
        throw new Error('unsupported gRPC-web frame flags')
      })
    },
  }
}

function decodeHeaders(bytes: Uint8Array): Map<string, string> {
  const headers = new Map<string, string>()
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return headers
}
