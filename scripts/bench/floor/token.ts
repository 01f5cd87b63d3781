// The crypto floor: the least any token function must do, on node:crypto and nothing else: import
// the raw Ed25519 public key, verify one signature, compute one HMAC-SHA256 (the API signature).
// `withSign` adds the one Ed25519 signature issuer mode needs (the thread token).
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'

/** Pre-decoded inputs of one request. */
export interface FloorInput {
  publicKey: Uint8Array
  message: Uint8Array
  signature: Uint8Array
}

/** The floor's per-request work, bound to its secrets. */
export interface Floor {
  (input: FloorInput): Uint8Array
}

/** Options of {@link createFloor}. */
export interface CreateFloorOptions {
  /** HMAC key bytes (the decoded API secret). */
  secret: Uint8Array
  /** Data of the one HMAC (the API signature's msg). */
  hmacData: Uint8Array
  /** When set, also sign `signData` with this Ed25519 seed (issuer mode's thread token). */
  seed?: Uint8Array
  signData?: Uint8Array
}

/**
 * Builds the floor: raw key import + verify + HMAC (+ sign).
 *
 * @example
 * const floor = createFloor({ secret, hmacData }); floor({ publicKey, message, signature })
 */
export function createFloor(options: CreateFloorOptions): Floor {
  const secret = createSecretKey(options.secret)
  const signer: KeyObject | undefined = options.seed
    ? createPrivateKey({
        key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), options.seed]),
        format: 'der',
        type: 'pkcs8',
      })
    : undefined
  return ({ publicKey, message, signature }) => {
    const x = Buffer.from(publicKey).toString('base64url')
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
    if (!verify(null, message, key, signature)) throw new Error('floor: bad signature')
    if (signer) sign(null, options.signData!, signer)
    return createHmac('sha256', secret).update(options.hmacData).digest()
  }
}

export default createFloor
