// gRPC frames as both directions of gRPC-web carry them (docs/protocol.md §6): one flags byte ‖
// uint32 BE length ‖ body, split or merged freely across websocket messages. One reader for the
// client (server frames) and the emulator (request frames); each side judges the flags itself.

/** What a {@link FrameReader} yields: a complete frame, or the reason it stopped reading. */
export type FrameReadResult<Reason extends string> =
  { kind: 'frame'; flags: number; data: Uint8Array } | { kind: 'error'; reason: Reason }

/** Reassembles frames from chunks; see {@link createFrameReader}. */
export interface FrameReader<Reason extends string> {
  push(chunk: Uint8Array): FrameReadResult<Reason>[]
  /** Bytes of an incomplete frame still waiting for more data. */
  pending(): number
}

/**
 * A frame reader. `check` sees each frame's flags and declared length as soon as its 5-byte
 * prefix arrives, before any body is buffered: a reason it returns ends the reading there (the
 * buffer is dropped), so a hostile length never makes the reader wait for or hold its body.
 *
 * @example
 * const reader = createFrameReader((flags, length) => (length > 4_194_304 ? 'too_large' : undefined))
 * for (const result of reader.push(bytes)) handle(result)
 */
export function createFrameReader<Reason extends string = never>(
  check?: (flags: number, length: number) => Reason | undefined,
): FrameReader<Reason> {
  let buffer = new Uint8Array(0)
  return {
    push(chunk) {
      const joined = new Uint8Array(buffer.length + chunk.length)
      joined.set(buffer)
      joined.set(chunk, buffer.length)
      const results: FrameReadResult<Reason>[] = []
      let offset = 0
      while (joined.length - offset >= 5) {
        const flags = joined[offset]!
        const length = new DataView(joined.buffer, offset + 1, 4).getUint32(0)
        const reason = check?.(flags, length)
        if (reason !== undefined) {
          results.push({ kind: 'error', reason })
          buffer = new Uint8Array(0)
          return results
        }
        if (joined.length - offset - 5 < length) break
        results.push({ kind: 'frame', flags, data: joined.slice(offset + 5, offset + 5 + length) })
        offset += 5 + length
      }
      buffer = joined.slice(offset)
      return results
    },
    pending: () => buffer.length,
  }
}
