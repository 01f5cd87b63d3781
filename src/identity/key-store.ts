// The IndexedDB store of browser identities: one record per name holding the CryptoKey objects
// themselves (structured-cloned by the browser, never as bytes). Threat model: the private key is
// stored non-extractable, so reading the record (any script of the origin can) never yields its
// bytes; but the CryptoKey it yields signs, and can be structured-cloned on to a window of another
// origin that keeps signing with it (docs/identity.md). Two tabs creating at once are serialised
// by a readwrite transaction that adds only if the name is still free. An account link
// (linked-browser.ts) is a record of its own in the same store, under the array key
// `['link', name]`, which no identity's string key can equal: a link is public (it travels with
// every login), so it is plain text; the account key itself is never stored.
import { IdentityError } from './errors.ts'

const DB_NAME = 'textile-token-provider'
const DB_VERSION = 1
const STORE = 'identities'

/** What one record holds. */
export interface StoredIdentity {
  /** Record layout version. */
  version: 1
  /** Ed25519, non-extractable, usage `sign`. */
  privateKey: CryptoKey
  /** Ed25519, usage `verify` (public keys are always extractable). */
  publicKey: CryptoKey
}

/**
 * Where browser identities are stored: the IndexedDB database and object store names.
 *
 * @example
 * indexedDB.deleteDatabase(KEY_STORE.database) // forgets every browser identity of the origin
 */
export const KEY_STORE = { database: DB_NAME, store: STORE } as const

/** A record as read back, or undefined when it is not one this version wrote. */
function readRecord(value: unknown): StoredIdentity | undefined {
  const record = value as Partial<StoredIdentity> | undefined
  const isKey = (key: unknown, type: KeyType) =>
    key instanceof CryptoKey && key.type === type && key.algorithm.name === 'Ed25519'
  return record?.version === 1 &&
    isKey(record.privateKey, 'private') &&
    !record.privateKey!.extractable &&
    isKey(record.publicKey, 'public')
    ? (record as StoredIdentity)
    : undefined
}

function openDatabase(): Promise<IDBDatabase> {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB
  if (!factory) return Promise.reject(new IdentityError('key_store_unavailable'))
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest
    try {
      request = factory.open(DB_NAME, DB_VERSION)
    } catch (cause) {
      // Opaque origins (sandboxed frames, data: URLs) throw SecurityError synchronously.
      reject(new IdentityError('key_store_unavailable', { cause }))
      return
    }
    request.onupgradeneeded = () => request.result.createObjectStore(STORE)
    request.onsuccess = () => {
      const db = request.result
      // A later version opened in another tab: let it upgrade instead of blocking it.
      db.onversionchange = () => db.close()
      resolve(db)
    }
    request.onerror = () =>
      reject(new IdentityError('key_store_unavailable', { cause: request.error }))
  })
}

/** Runs `body` in one transaction and resolves with its result once the transaction commits. */
async function transact<T>(
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore, done: (value: T) => void) => void,
): Promise<T> {
  const db = await openDatabase()
  try {
    return await new Promise<T>((resolve, reject) => {
      let result: T
      const fail = (cause: unknown) => reject(new IdentityError('key_store_unavailable', { cause }))
      try {
        const transaction = db.transaction(STORE, mode)
        transaction.oncomplete = () => resolve(result)
        transaction.onerror = () => fail(transaction.error)
        transaction.onabort = () => fail(transaction.error)
        body(transaction.objectStore(STORE), (value) => {
          result = value
        })
      } catch (cause) {
        fail(cause)
      }
    })
  } finally {
    db.close()
  }
}

/**
 * The record stored under `name`, or undefined.
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or the record is not one this version
 *   wrote (never replaced silently: it may be the user's only key).
 * @example
 * const stored = await loadIdentity('default')
 */
export async function loadIdentity(name: string): Promise<StoredIdentity | undefined> {
  const value = await transact<unknown>('readonly', (store, done) => {
    const request = store.get(name)
    request.onsuccess = () => done(request.result)
  })
  if (value === undefined) return undefined
  const record = readRecord(value)
  if (!record) throw new IdentityError('key_store_unavailable')
  return record
}

/**
 * Stores `record` under `name` unless a record is already there, in one transaction; resolves
 * with the record that is stored afterwards and whether it is `record`.
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or fails.
 * @example
 * const { record, added } = await addIdentityIfAbsent('default', fresh)
 */
export async function addIdentityIfAbsent(
  name: string,
  record: StoredIdentity,
): Promise<{ record: StoredIdentity; added: boolean }> {
  const existing = await transact<unknown>('readwrite', (store, done) => {
    const request = store.get(name)
    request.onsuccess = () => {
      done(request.result)
      if (request.result === undefined) store.add(record, name)
    }
  })
  if (existing === undefined) return { record, added: true }
  const stored = readRecord(existing)
  if (!stored) throw new IdentityError('key_store_unavailable')
  return { record: stored, added: false }
}

/**
 * Stores `record` under `name`, replacing any record there.
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or fails.
 * @example
 * await putIdentity('default', imported)
 */
export async function putIdentity(name: string, record: StoredIdentity): Promise<void> {
  await transact<void>('readwrite', (store) => {
    store.put(record, name)
  })
}

/**
 * Deletes the record stored under `name` (nothing when there is none).
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or fails.
 * @example
 * await deleteIdentity('default')
 */
export async function deleteIdentity(name: string): Promise<void> {
  await transact<void>('readwrite', (store) => {
    store.delete(name)
  })
}

/** What an account link's record holds (`['link', name]`, beside the identity `name`). */
export interface StoredLink {
  /** Record layout version. */
  version: 1
  /** The link (compact JWS, src/core/link-format.ts); the account key string is its `iss`. */
  link: string
  /** The passkey that signed it, when it was a passkey: a hint for renewal. */
  credentialId?: string
}

function linkKey(name: string): IDBValidKey {
  return ['link', name]
}

/**
 * The link record stored for the identity `name`, or undefined.
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or the record is not one this version
 *   wrote.
 * @example
 * const stored = await loadLink('account-device')
 */
export async function loadLink(name: string): Promise<StoredLink | undefined> {
  const value = await transact<unknown>('readonly', (store, done) => {
    const request = store.get(linkKey(name))
    request.onsuccess = () => done(request.result)
  })
  return value === undefined ? undefined : readLinkRecord(value)
}

/**
 * The link record for the identity `name` and that identity's record, read in one transaction;
 * undefined when there is no link record.
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or either record is not one this
 *   version wrote.
 * @example
 * const stored = await loadLinkedIdentity('account-device')
 */
export async function loadLinkedIdentity(
  name: string,
): Promise<{ link: StoredLink; identity: StoredIdentity | undefined } | undefined> {
  const [link, identity] = await transact<[unknown, unknown]>('readonly', (store, done) => {
    const linkRequest = store.get(linkKey(name))
    const identityRequest = store.get(name)
    // Requests of one transaction succeed in the order they were made.
    identityRequest.onsuccess = () => done([linkRequest.result, identityRequest.result])
  })
  if (link === undefined) return undefined
  const linkRecord = readLinkRecord(link)
  const stored = readRecord(identity)
  if (identity !== undefined && !stored) throw new IdentityError('key_store_unavailable')
  return { link: linkRecord, identity: stored }
}

function readLinkRecord(value: unknown): StoredLink {
  const record = value as Partial<StoredLink> | null
  if (
    record?.version !== 1 ||
    typeof record.link !== 'string' ||
    (record.credentialId !== undefined && typeof record.credentialId !== 'string')
  ) {
    throw new IdentityError('key_store_unavailable')
  }
  return record as StoredLink
}

/**
 * Stores the link record for the identity `name`, replacing any there.
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or fails.
 * @example
 * await putLink('account-device', { version: 1, link })
 */
export async function putLink(name: string, record: StoredLink): Promise<void> {
  await transact<void>('readwrite', (store) => {
    store.put(record, linkKey(name))
  })
}

/**
 * Deletes the identity `name` and its link record in one transaction.
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or fails.
 * @example
 * await deleteLinkedIdentity('account-device')
 */
export async function deleteLinkedIdentity(name: string): Promise<void> {
  await transact<void>('readwrite', (store) => {
    store.delete(linkKey(name))
    store.delete(name)
  })
}
