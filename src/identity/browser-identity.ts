// An identity this browser makes and keeps: a non-extractable Ed25519 key pair in IndexedDB
// (key-store.ts). Threat model: the private key never exists as bytes in JavaScript, storage or a
// log, so no script can read it out. A script running in the page (an XSS) can still sign with it
// while it runs, and can hand the CryptoKey object itself (structured clone) to a window or frame
// of another origin that then signs for ever: after an XSS, treat every identity of the origin as
// compromised and rotate (docs/identity.md; the page's COOP and CSP leave it no such window).
// Clearing the site's data, or the browser evicting best-effort storage, deletes the key for good
// (`persist` asks the browser to keep it), and nothing can back it up (passkeyIdentity can).
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
  /**
   * When this call stores a new key, ask the browser to keep the origin's storage
   * (`navigator.storage.persist()`), so that it is not evicted under storage pressure with the
   * key in it; default true. The browser may say no (the key is then kept as best effort).
   */
  persist?: boolean
}

/** Options of {@link importBrowserIdentity}. */
export interface ImportBrowserIdentityOptions extends BrowserIdentityOptions {
  /**
   * Replace another key stored under `name`; default false, and then a different stored key
   * rejects with `identity_exists` (the stored key may be the user's only copy of an identity).
   */
  replace?: boolean
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
  const persist = readPersist('browserIdentity', options.persist)
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
  if (added && persist) await askToPersist()
  return fromRecord(name, record, added)
}

/**
 * Moves a raw Textile private key string into this browser's store as a non-extractable key: the
 * migration path from a key kept in localStorage. A different key already stored under `name` is
 * replaced only with `replace: true`; the same key is simply kept (`created` false). The string
 * itself is not kept; delete every other copy that scripts can read.
 *
 * @throws `invalid_private_key` when `privateKey` is not a Textile Ed25519 private key string
 *   (or its public half does not match its seed).
 * @throws `identity_exists` when another key is stored under `name` and `replace` is not true.
 * @throws `ed25519_unsupported` when Web Crypto has no Ed25519.
 * @throws `key_store_unavailable` when the browser refuses IndexedDB, or the record stored under
 *   `name` is unreadable (without `replace`).
 * @example
 * const identity = await importBrowserIdentity(localStorage.getItem('identity')!)
 * localStorage.removeItem('identity')
 */
export async function importBrowserIdentity(
  privateKey: string,
  options: ImportBrowserIdentityOptions = {},
): Promise<BrowserIdentity> {
  const name = readName('importBrowserIdentity', options.name)
  const persist = readPersist('importBrowserIdentity', options.persist)
  if (options.replace !== undefined && typeof options.replace !== 'boolean') {
    throw new TypeError('importBrowserIdentity: replace must be a boolean')
  }
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
    if (options.replace === true) {
      await putIdentity(name, record)
    } else {
      // One transaction: a key stored meanwhile by another tab is never overwritten either.
      const { record: stored, added } = await addIdentityIfAbsent(name, record)
      if (!added) {
        const storedKey = new Uint8Array(await subtleCrypto().exportKey('raw', stored.publicKey))
        if (!timingSafeEqual(storedKey, parsed.publicKey))
          throw new IdentityError('identity_exists')
        return fromRecord(name, stored, false)
      }
    }
    if (persist) await askToPersist()
    return fromRecord(name, record, true)
  } finally {
    parsed.seed.fill(0)
  }
}

/**
 * Asks the browser to keep the origin's storage (best effort: no answer, a refusal or an error
 * leaves the key stored as it is).
 */
async function askToPersist(): Promise<void> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage
  try {
    await storage?.persist?.()
  } catch {
    // Refused or unsupported: the key stays, as best-effort storage.
  }
}

function readPersist(fn: string, persist: unknown = true): boolean {
  if (typeof persist !== 'boolean') throw new TypeError(`${fn}: persist must be a boolean`)
  return persist
}

/**
 * The browser identity of a record already read from the key store under `name`.
 *
 * @example
 * const device = stored.identity && (await fromRecord(name, stored.identity, false))
 */
export async function fromRecord(
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
