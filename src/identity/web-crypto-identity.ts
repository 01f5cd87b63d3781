// An identity whose private key is a Web Crypto key: what every function of this entry resolves
// to. Threat model: the private key is a non-extractable CryptoKey, so no script can read its
// bytes. A script running in the page (XSS included) can still ask it to sign while it runs, and
// can hand the CryptoKey object itself to a window or frame of another origin (structured clone,
// postMessage), which then signs as the user for ever; only the page's headers (COOP, CSP) close
// that path. After an XSS, treat every identity of the origin as compromised (docs/identity.md).
// The public half is plain bytes in @textile/hub's encodings (key string, 36-byte libp2p protobuf).
import { verifySignature } from '../core/ed25519.ts'
import { decodeBase32 } from '../core/encoding.ts'
import { formatPublicKey } from '../core/keys.ts'
import { errorName, IdentityError } from './errors.ts'

/** The public half, shaped like `@textile/hub`'s `PublicKey` (without encryption). */
export interface IdentityPublicKey {
  readonly type: 'ed25519'
  /** The raw 32-byte Ed25519 public key (a copy). */
  readonly pubKey: Uint8Array
  /** The 36-byte libp2p protobuf encoding, as `PublicKey.bytes` (a copy). */
  readonly bytes: Uint8Array
  /** The Textile public key string (`bbaareia…`), as `PublicKey.toString()`. */
  toString(): string
  /** Strict RFC 8032 verification of a 64-byte signature; never throws. */
  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean>
}

/**
 * An Ed25519 identity with `@textile/hub`'s `Identity` shape, for `createUserAuthProvider`,
 * `createJwtProvider` and `Client.getToken(identity)`.
 */
export interface WebCryptoIdentity {
  readonly public: IdentityPublicKey
  /** Plain Ed25519 (RFC 8032) signature of `data`: 64 bytes. */
  sign(data: Uint8Array): Promise<Uint8Array>
}

/**
 * The page's Web Crypto, or `ed25519_unsupported` where there is none (an insecure context).
 *
 * @throws `ed25519_unsupported` when `crypto.subtle` is missing.
 * @example
 * const key = await subtleCrypto().generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
 */
export function subtleCrypto(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle
  if (!subtle) throw new IdentityError('ed25519_unsupported')
  return subtle
}

/**
 * Maps Web Crypto's "no such algorithm" to `ed25519_unsupported`; other errors pass as they are.
 *
 * @example
 * await crypto.subtle.generateKey(ED25519, false, USAGES).catch(rethrowUnsupported)
 */
export function rethrowUnsupported(error: unknown): never {
  // Browsers without Ed25519 (Chrome < 137, Firefox < 129) reject with NotSupportedError.
  if (errorName(error) === 'NotSupportedError') {
    throw new IdentityError('ed25519_unsupported', { cause: error })
  }
  throw error
}

/**
 * Wraps a non-extractable Ed25519 private key and its raw public key as an identity.
 *
 * @example
 * const identity = webCryptoIdentity(pair.privateKey, rawPublicKey)
 * identity.public.toString() // 'bbaareia…'
 */
export function webCryptoIdentity(privateKey: CryptoKey, publicKey: Uint8Array): WebCryptoIdentity {
  const raw = publicKey.slice()
  const text = formatPublicKey(raw)
  const bytes = decodeBase32(text.slice(1))!
  const publicHalf: IdentityPublicKey = Object.freeze({
    type: 'ed25519' as const,
    get pubKey() {
      return raw.slice()
    },
    get bytes() {
      return bytes.slice()
    },
    toString: () => text,
    verify: (data: Uint8Array, signature: Uint8Array) =>
      verifySignature({ publicKey: raw, message: data, signature }),
  })
  return Object.freeze({
    public: publicHalf,
    sign: async (data: Uint8Array) =>
      new Uint8Array(await subtleCrypto().sign('Ed25519', privateKey, arrayBacked(data))),
  })
}

/** Web Crypto wants an ArrayBuffer-backed view; copy only when handed something else. */
export function arrayBacked(view: Uint8Array): Uint8Array<ArrayBuffer> {
  return view.buffer instanceof ArrayBuffer
    ? (view as Uint8Array<ArrayBuffer>)
    : new Uint8Array(view)
}
