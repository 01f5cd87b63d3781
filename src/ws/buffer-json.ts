// Node's `Buffer.prototype.toJSON()` shape, `{"type":"Buffer","data":[...bytes]}`: how Textile's
// example websocket protocol carries bytes (the challenge and the signature).

/** The JSON form of bytes in Textile's example protocol. */
export interface BufferJson {
  type: 'Buffer'
  data: number[]
}

/** Encodes bytes as Buffer JSON. */
export function encodeBufferJson(bytes: Uint8Array): BufferJson {
  return { type: 'Buffer', data: Array.from(bytes) }
}

/**
 * Decodes Buffer JSON, or a plain array of bytes (what `Buffer.from` also accepts), up to
 * `maxBytes`. Returns undefined for anything else: other shapes, non-integers, values over 255.
 */
export function decodeBufferJson(value: unknown, maxBytes: number): Uint8Array | undefined {
  let data: unknown = value
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>
    if (object.type !== 'Buffer' || Object.keys(object).length !== 2) return undefined
    data = object.data
  }
  if (!Array.isArray(data) || data.length > maxBytes) return undefined
  const bytes = new Uint8Array(data.length)
  for (let i = 0; i < data.length; i++) {
    const byte: unknown = data[i]
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) {
      return undefined
    }
    bytes[i] = byte
  }
  return bytes
}
