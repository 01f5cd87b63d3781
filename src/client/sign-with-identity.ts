// The one place the SDK asks the identity to sign, and checks what it gets back.
import { UserAuthError } from './errors.ts'
import type { Identity } from './types.ts'

/**
 * Signs `bytes` with the identity and checks the result is an Ed25519 signature.
 *
 * @throws (rejects) `sign_failed` when `identity.sign` throws or gives anything but 64 bytes.
 * @example
 * const signature = await signWithIdentity(identity, new TextEncoder().encode(envelope))
 */
export async function signWithIdentity(identity: Identity, bytes: Uint8Array): Promise<Uint8Array> {
  let signature: unknown
  try {
    signature = await identity.sign(bytes)
  } catch (cause) {
    throw new UserAuthError('sign_failed', { cause })
  }
  // RFC 8032 §5.1.6: an Ed25519 signature is 64 bytes.
  if (!ArrayBuffer.isView(signature) || signature.byteLength !== 64) {
    throw new UserAuthError('sign_failed')
  }
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength)
}
