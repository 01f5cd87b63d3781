// A pool of Ed25519 identities for load runs, made with node:crypto (fast to create and to sign
// with) and spelled as Textile public key strings, so a run measures the functions, not key
// generation.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { formatPublicKey } from '../../src/core/keys.ts'

/** An identity of the pool: its Textile public key string and a signer. */
export interface PoolIdentity {
  pubkey: string
  sign(bytes: Uint8Array): Uint8Array
}

/**
 * Makes `size` fresh identities.
 *
 * @example
 * const pool = makeIdentityPool(200)
 */
export function makeIdentityPool(size: number): PoolIdentity[] {
  return Array.from({ length: size }, () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const x = publicKey.export({ format: 'jwk' }).x!
    return {
      pubkey: formatPublicKey(new Uint8Array(Buffer.from(x, 'base64url'))),
      sign: (bytes: Uint8Array) => new Uint8Array(sign(null, bytes, privateKey as KeyObject)),
    }
  })
}
