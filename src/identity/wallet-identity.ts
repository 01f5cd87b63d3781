// An identity derived from an Ethereum wallet: the wallet `personal_sign`s a fixed message naming
// the origin, and HKDF over the signature gives the Ed25519 seed (derive-identity.ts).
// Threat model: the signature IS the secret. Any site that gets the same message signed by the
// same account gets the same key, which is why the message names the origin (the wallet shows
// it: sign only where it matches) and why it must never change (a new message is a new identity).
// A phished signature cannot be rotated: that account and origin give the same identity for ever.
// It relies on the wallet signing deterministically (RFC 6979, as MetaMask, Ledger, Trezor and
// most key-holding wallets do); the recovery byte is dropped and s normalised to the low half, so
// wallets that differ only there agree. Smart-contract and MPC wallets may sign differently each
// time: they give a new identity per call. The signature is not checked against the account.
import { toHex, utf8 } from '../core/encoding.ts'
import { deriveIdentity } from './derive-identity.ts'
import { IdentityError } from './errors.ts'
import type { WebCryptoIdentity } from './web-crypto-identity.ts'

/** The HKDF info of the seed; versioned with the message. */
const SEED_INFO = 'textile-token-provider/wallet-identity/v1 ed25519-seed'

/** The secp256k1 group order n (SEC 2 §2.4.1). */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** The part of an EIP-1193 provider (`window.ethereum`) used here. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] }): Promise<unknown>
}

/** Options of {@link walletIdentity}. */
export interface WalletIdentityOptions {
  /** The account to sign with; default the first of `eth_requestAccounts`. */
  account?: string
  /**
   * The origin the message names; default `location.origin`. Set it to one fixed origin to keep
   * one identity across several origins of the same app (its deploy previews, say).
   */
  origin?: string
}

/** An identity derived from a wallet's signature. */
export interface WalletIdentity extends WebCryptoIdentity {
  /** The account that signed, lowercase `0x…`. */
  readonly account: string
  /** The message it signed ({@link walletMessage}). */
  readonly message: string
}

/**
 * The message a wallet signs for `origin`, version 1. Fixed forever: changing one character
 * changes every user's identity.
 *
 * @example
 * walletMessage('https://app.example') // 'Textile identity for https://app.example\n\n…'
 */
export function walletMessage(origin: string): string {
  return [
    `Textile identity for ${origin}`,
    '',
    `Sign this only on ${origin}. The signature is your Textile identity there: a site that gets ` +
      'it can act as you. It is not a transaction and costs nothing.',
    '',
    'Purpose: textile-token-provider/wallet-identity',
    'Version: 1',
  ].join('\n')
}

/**
 * Derives an identity from an Ethereum wallet's `personal_sign` over {@link walletMessage}. The
 * same account and origin always give the same identity (with a deterministic wallet).
 *
 * @throws `wallet_rejected` when the user refuses to connect or to sign (EIP-1193 4001, 4100), or
 *   the wallet offers no account.
 * @throws `wallet_failed` for any other wallet error, or an answer that is not a 65-byte signature.
 * @throws `ed25519_unsupported` when Web Crypto has no Ed25519.
 * @example
 * const identity = await walletIdentity(window.ethereum)
 * const provider = createUserAuthProvider({ endpoint: '/api', identity })
 */
export async function walletIdentity(
  ethereum: Eip1193Provider,
  options: WalletIdentityOptions = {},
): Promise<WalletIdentity> {
  if (typeof ethereum?.request !== 'function') {
    throw new TypeError('walletIdentity: ethereum must be an EIP-1193 provider (window.ethereum)')
  }
  const origin = readOrigin(options.origin)
  let account = options.account
  if (account === undefined) {
    const accounts = await ask(ethereum, 'eth_requestAccounts', [])
    if (!Array.isArray(accounts) || accounts.length === 0)
      throw new IdentityError('wallet_rejected')
    account = accounts[0] as string
  }
  if (typeof account !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(account)) {
    throw new IdentityError('wallet_failed')
  }
  const message = walletMessage(origin)
  const signature = await ask(ethereum, 'personal_sign', ['0x' + toHex(utf8(message)), account])
  const secret = signatureSecret(signature)
  try {
    const identity = await deriveIdentity(secret, SEED_INFO)
    return Object.freeze({ ...identity, account: account.toLowerCase(), message })
  } finally {
    secret.fill(0)
  }
}

async function ask(ethereum: Eip1193Provider, method: string, params: unknown[]): Promise<unknown> {
  try {
    return await ethereum.request({ method, params })
  } catch (cause) {
    // EIP-1193: 4001 user rejected the request, 4100 the account is not authorised.
    const code = (cause as { code?: unknown } | null)?.code
    throw new IdentityError(code === 4001 || code === 4100 ? 'wallet_rejected' : 'wallet_failed', {
      cause,
    })
  }
}

/** r ‖ low-s of a 65-byte `0x` hex signature (r ‖ s ‖ v); `wallet_failed` for anything else. */
function signatureSecret(signature: unknown): Uint8Array {
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new IdentityError('wallet_failed')
  }
  const r = BigInt(signature.slice(0, 66))
  let s = BigInt('0x' + signature.slice(66, 130))
  if (r === 0n || r >= N || s === 0n || s >= N) throw new IdentityError('wallet_failed')
  // (r, s) and (r, n - s) are the same signature (ECDSA malleability); take the low one.
  if (s > N / 2n) s = N - s
  const secret = new Uint8Array(64)
  for (let i = 31; i >= 0; i--) {
    secret[i] = Number((r >> BigInt(8 * (31 - i))) & 0xffn)
    secret[32 + i] = Number((s >> BigInt(8 * (31 - i))) & 0xffn)
  }
  return secret
}

function readOrigin(origin: string | undefined): string {
  const value = origin ?? (globalThis as { location?: Location }).location?.origin
  let parsed: URL | undefined
  try {
    parsed = value === undefined ? undefined : new URL(value)
  } catch {
    parsed = undefined
  }
  // 'null' (opaque origins: sandboxed frames, file:) names no site.
  if (!parsed || parsed.origin === 'null' || parsed.origin !== value) {
    throw new TypeError('walletIdentity: origin must be a web origin such as https://app.example')
  }
  return value
}
