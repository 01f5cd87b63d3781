// Thread (DB) ids as go-threads thread.Cast checks them: varint version 1, varint variant
// Raw (0x55) or AccessControlled (0x70), then at least one random byte. Failures are gRPC 3.
import { encodeBase32 } from '../core/encoding.ts'
import { GrpcError, GrpcStatus } from './grpc-error.ts'

/** Reads one unsigned varint; undefined when the buffer ends first or it is over 64 bits. */
function varint(bytes: Uint8Array, offset: number): { value: number; next: number } | undefined {
  let value = 0
  for (let i = 0; i < 10; i++) {
    const byte = bytes[offset + i]
    if (byte === undefined) return undefined
    value += (byte & 0x7f) * 2 ** (7 * i)
    if ((byte & 0x80) === 0) return { value, next: offset + i + 1 }
  }
  return undefined
}

/**
 * Checks DB id bytes and returns their string form ('b' + base32, as ThreadID.toString()).
 *
 * @throws GrpcError 3 with go-threads' message.
 * @example
 * const id = castThreadId(request.getDbid_asU8())
 */
export function castThreadId(bytes: Uint8Array): string {
  const invalid = (message: string) => new GrpcError(GrpcStatus.INVALID_ARGUMENT, message)
  const version = varint(bytes, 0)
  if (!version) throw invalid('reading varint: buffer too small')
  if (version.value !== 1) {
    throw invalid(`expected 1 as the id version number, got: ${version.value}`)
  }
  const variant = varint(bytes, version.next)
  if (!variant) throw invalid('reading varint: buffer too small')
  if (variant.value !== 0x55 && variant.value !== 0x70) {
    throw invalid(`expected Raw or AccessControlled as the id variant, got: ${variant.value}`)
  }
  if (bytes.length <= variant.next) throw invalid('expected random id bytes but there are none')
  return 'b' + encodeBase32(bytes)
}
