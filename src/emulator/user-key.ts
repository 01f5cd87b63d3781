// A user's public key string as go-threads reads it (Libp2pPubKey.UnmarshalString): multibase,
// then a libp2p PublicKey protobuf. Failures are plain Go errors, so gRPC 2 with the error text;
// the texts below follow go-multibase / go-libp2p where they are fixed strings.
import { encodeBase32 } from '../core/encoding.ts'
import { TokenProviderError } from '../core/errors.ts'
import { formatPublicKey, parsePublicKey } from '../core/keys.ts'
import { GrpcError, GrpcStatus } from './grpc-error.ts'
import { decodeMultibase } from './multibase.ts'

/** A parsed user key: the raw Ed25519 key and its canonical Textile string. */
export interface UserKey {
  raw: Uint8Array
  /** 'b' + base32 of the protobuf, what go-threads' `key.String()` gives. */
  text: string
}

/**
 * Parses a user's public key string.
 *
 * @throws GrpcError 2 with the parse error text.
 * @example
 * const { text } = parseUserKey('bbaarei…')
 */
export function parseUserKey(text: string): UserKey {
  if (text === '') fail('cannot decode multibase for zero length string')
  if (!'bBfFmMuU'.includes(text[0]!)) fail('selected encoding not supported')
  const bytes = decodeMultibase(text)
  if (!bytes) fail('illegal multibase data')
  try {
    // Re-encoded so that other multibase forms reach the core parser, which reads 'b' strings.
    const raw = parsePublicKey('b' + encodeBase32(bytes))
    return { raw, text: formatPublicKey(raw) }
  } catch (error) {
    if (error instanceof TokenProviderError && error.code === 'unsupported_key_type') {
      fail('the emulator supports Ed25519 keys only')
    }
    fail('failed to unmarshal public key')
  }
}

function fail(message: string): never {
  throw new GrpcError(GrpcStatus.UNKNOWN, message)
}
