// An identity this browser makes and keeps: a non-extractable Ed25519 key pair in IndexedDB
// (key-store.ts). Threat model: the private key never exists as bytes in JavaScript, storage or a
// log, so an XSS can sign with it while it runs but cannot carry it away; clearing the site's data
// deletes it for good, and nothing can back it up (use passkeyIdentity for that, or a raw key).
import { parsePrivateKey } from '../core/keys.ts'
import { importSigningKey } from '../core/ed25519.ts'
import { timingSafeEqual } from '../core/encoding.ts'
import { IdentityError } from './errors.ts'
import {
  addIdentityIfAbsent,
  deleteIdentity,
  loadIdentity,
  putIdentity,
  type StoredIdentity,
} from './key-store.ts'
import {
  arrayBacked,
  rethrowUnsupported,
  subtleCrypto,
  webCryptoIdentity,
  type WebCryptoIdentity,
} from './web-crypto-identity.ts'

const ED25519 = { name: 'Ed25519' }
const DEFAULT_NAME = 'default'

/** Options of {@link browserIdentity}. */
export interface BrowserIdentityOptions {
  /** Which of the origin's identities; default `'default'` (one per origin). */
  name?: string
}

/** A key pair kept by this browser. */
export interface BrowserIdentity extends WebCryptoIdentity {
  /** The name it is stored under. */
  readonly name: string
  /** True when this call made (or imported) the key; false when it was already stored. */
  readonly created: boolean
  /**
   * Deletes the stored key: the next {@link browserIdentity} call makes a new one. This object
   * keeps signing until the page drops it.
   */
  forget(): Promise<void>
}

/**
 * Loads this origin's key pair from IndexedDB, or makes and stores a non-extractable one.
 *
 * @throws `ed25519_unsupported` when Web Crypto has no Ed25519 (see docs/identity.md, "Fallback").
 * @throws `key_store_unavailable` when the browser refuses IndexedDB (some private modes,
 *   sandboxed frames) or the stored record is unreadable (it is never replaced silently).
 * @example
 * const identity = await browserIdentity()
 * const provider = createUserAuthProvider({ endpoint: '/api', identity })
 */
export async function browserIdentity(
  options: BrowserIdentityOptions = {},
): Promise<BrowserIdentity> {
  const name = readName('browserIdentity', options.name)
  const stored = await loadIdentity(name)
  if (stored) return fromRecord(name, stored, false)
  const pair = (await subtleCrypto()
    .generateKey(ED25519, false, ['sign', 'verify'])
    .catch(rethrowUnsupported)) as CryptoKeyPair
  // Another tab may have stored one since the read: then that one wins, here too.
  const { record, added } = await addIdentityIfAbsent(name, {
    version: 1,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
  })
  return fromRecord(name, record, added)
}

/**
 * Moves a raw Textile private key string into this browser's store as a non-extractable key,
 * replacing any key stored under `name`: the migration path from a key kept in localStorage.
 * The string itself is not kept; delete every other copy that scripts can read.
 *
 * @throws `invalid_private_key` when `privateKey` is not a Textile Ed25519 private key string
 *   (or its public half does not match its seed).
 * @throws `ed25519_unsupported` when Web Crypto has no Ed25519.
 * @throws `key_store_unavailable` when the browser refuses IndexedDB.
 * @example
 * const identity = await importBrowserIdentity(localStorage.getItem('identity')!)
 * localStorage.removeItem('identity')
 */
export async function importBrowserIdentity(
  privateKey: string,
  options: BrowserIdentityOptions = {},
): Promise<BrowserIdentity> {
  const name = readName('importBrowserIdentity', options.name)
  if (typeof privateKey !== 'string') throw new IdentityError('invalid_private_key')
  const parsed = parsePrivateKey(privateKey.trim())
  if (!parsed) throw new IdentityError('invalid_private_key')
  try {
    const signer = await importSigningKey(parsed.seed).catch(rethrowUnsupported)
    if (!timingSafeEqual(signer.publicKey, parsed.publicKey)) {
      throw new IdentityError('invalid_private_key')
    }
    const publicKey = await subtleCrypto().importKey(
      'raw',
      arrayBacked(parsed.publicKey),
      ED25519,
      true,
      ['verify'],
    )
    const record: StoredIdentity = {
      version: 1,
      privateKey: signer.handle as CryptoKey,
      publicKey,
    }
    await putIdentity(name, record)
    return fromRecord(name, record, true)
  } finally {
    parsed.seed.fill(0)
  }
}

async function fromRecord(
  name: string,
  record: StoredIdentity,
  created: boolean,
): Promise<BrowserIdentity> {
  const raw = new Uint8Array(await subtleCrypto().exportKey('raw', record.publicKey))
  return Object.freeze({
    ...webCryptoIdentity(record.privateKey, raw),
    name,
    created,
    forget: () => deleteIdentity(name),
  })
}

function readName(fn: string, name: unknown = DEFAULT_NAME): string {
  if (typeof name !== 'string' || name === '' || name.length > 200) {
    throw new TypeError(`${fn}: name must be a string of 1 to 200 characters`)
  }
  return name
}
