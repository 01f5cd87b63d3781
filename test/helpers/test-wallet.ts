// An EIP-1193 stand-in that really signs: secp256k1 ECDSA with RFC 6979 nonces (@noble/curves)
// over the personal_sign digest keccak256("\x19Ethereum Signed Message:\n" ‖ len ‖ message)
// (EIP-191 version 0x45), answered as r ‖ s ‖ v with v = 27 + recovery, as MetaMask does.
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'

/** The secp256k1 group order. */
export const SECP256K1_N = secp256k1.Point.CURVE().n

/** What the stand-in answers for one request: a result, or an EIP-1193 error to throw. */
export type WalletAnswer = { result: unknown } | { error: { code: number; message: string } }

/** A wallet with fixed accounts. */
export interface TestWallet {
  /** Lowercase `0x` addresses, one per secret key. */
  accounts: string[]
  /** Answers an EIP-1193 request (never throws: errors come back as `{ error }`). */
  answer(method: string, params?: readonly unknown[]): WalletAnswer
  /** The EIP-1193 provider itself (throws the errors), for Node tests. */
  provider: { request(args: { method: string; params?: readonly unknown[] }): Promise<unknown> }
  /** Makes the next requests fail as a user refusal (EIP-1193 4001). */
  refuse(refusing: boolean): void
  /** Answers with the high-s twin (r, n − s) of each signature, as a malleating wallet might. */
  highS(on: boolean): void
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

function address(secretKey: Uint8Array): string {
  const publicKey = secp256k1.getPublicKey(secretKey, false).subarray(1)
  return '0x' + hex(keccak_256(publicKey).subarray(12))
}

/**
 * A wallet whose accounts are the given 32-byte secp256k1 secret keys.
 *
 * @example
 * const wallet = testWallet([new Uint8Array(32).fill(1)])
 * await walletIdentity(wallet.provider, { origin: 'https://app.example' })
 */
export function testWallet(secretKeys: Uint8Array[]): TestWallet {
  const accounts = secretKeys.map(address)
  let refusing = false
  let malleate = false
  const answer = (method: string, params: readonly unknown[] = []): WalletAnswer => {
    if (refusing) return { error: { code: 4001, message: 'User rejected the request.' } }
    if (method === 'eth_requestAccounts' || method === 'eth_accounts') return { result: accounts }
    if (method !== 'personal_sign') {
      return { error: { code: 4200, message: 'The Provider does not support the method.' } }
    }
    const [data, account] = params as [string, string]
    const index = accounts.indexOf(String(account).toLowerCase())
    if (index < 0) return { error: { code: 4100, message: 'Unauthorized account.' } }
    const message = data.startsWith('0x')
      ? Buffer.from(data.slice(2), 'hex')
      : Buffer.from(data, 'utf8')
    const digest = keccak_256(
      Buffer.concat([Buffer.from(`\x19Ethereum Signed Message:\n${message.length}`), message]),
    )
    const signature = secp256k1.Signature.fromBytes(
      secp256k1.sign(digest, secretKeys[index]!, { prehash: false, format: 'recovered' }),
      'recovered',
    )
    const s = malleate ? SECP256K1_N - signature.s : signature.s
    const recovery = malleate ? signature.recovery! ^ 1 : signature.recovery!
    const word = (n: bigint) => n.toString(16).padStart(64, '0')
    return { result: `0x${word(signature.r)}${word(s)}${(27 + recovery).toString(16)}` }
  }
  return {
    accounts,
    answer,
    provider: {
      request: async ({ method, params }) => {
        const reply = answer(method, params)
        if ('error' in reply) throw Object.assign(new Error(reply.error.message), reply.error)
        return reply.result
      },
    },
    refuse: (on) => {
      refusing = on
    },
    highS: (on) => {
      malleate = on
    },
  }
}
