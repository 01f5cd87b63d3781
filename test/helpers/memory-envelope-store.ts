// An in-memory envelope store with the Blobs store's key scheme (`ttp1/<exp>/<nonce>`; older
// entries keyed `<exp>/<nonce>` or by the bare nonce with their expiry as metadata; other keys are
// an app's own data), for tests only: on Netlify many instances run, so a real store must be
// shared (src/http/envelope-store.ts says why).
import {
  envelopeKey,
  expiryOfKey,
  expiryOfLegacyMetadata,
  isEnvelopeKey,
  legacyEnvelopeKeys,
  type EnvelopeCleanupStore,
  type EnvelopeEntry,
  type EnvelopeStore,
} from '../../src/http/envelope-store.ts'

/** A memory store, its contents, and knobs to make it slow or failing. */
export interface MemoryEnvelopeStore extends EnvelopeStore, EnvelopeCleanupStore {
  /** key → metadata. */
  entriesByKey: Map<string, Record<string, unknown>>
  /** Metadata reads made for old-format entries. */
  metadataReads: number
  /** Milliseconds each delete takes (default 0). */
  deleteDelayMs: number
  /** When set, deleting this key fails. */
  failDeleteOf?: string
  /** Writes an entry as the first single-use store did: key = nonce, expiry in metadata only. */
  putLegacy(nonce: string, expiresAt: Date | undefined): void
  /** Writes an entry as the versions before the `ttp1/` prefix did: `<exp>/<nonce>`. */
  putLegacyExpiry(nonce: string, expiresAt: Date): void
}

/** Creates an empty {@link MemoryEnvelopeStore}. */
export function memoryEnvelopeStore(): MemoryEnvelopeStore {
  const store: MemoryEnvelopeStore = {
    entriesByKey: new Map(),
    metadataReads: 0,
    deleteDelayMs: 0,
    async claim(nonce, expiresAt) {
      const key = envelopeKey(nonce, expiresAt)
      if (store.entriesByKey.has(key)) return false
      store.entriesByKey.set(key, { expiresAt: expiresAt.toISOString() })
      return legacyEnvelopeKeys(nonce, expiresAt).every((old) => !store.entriesByKey.has(old))
    },
    async *entries(): AsyncIterable<EnvelopeEntry> {
      for (const key of [...store.entriesByKey.keys()]) {
        if (!isEnvelopeKey(key)) {
          yield { key, expiresAt: undefined, legacy: false, foreign: true }
          continue
        }
        const fromKey = expiryOfKey(key)
        if (fromKey || key.startsWith('ttp1/')) {
          yield { key, expiresAt: fromKey, legacy: !key.startsWith('ttp1/') }
          continue
        }
        store.metadataReads++
        const metadata = store.entriesByKey.get(key)
        if (!metadata) continue
        // A bare nonce counts as the project's only with exactly the metadata the first store wrote.
        const expiresAt = expiryOfLegacyMetadata(metadata)
        yield expiresAt
          ? { key, expiresAt, legacy: true }
          : { key, expiresAt: undefined, legacy: false, foreign: true }
      }
    },
    async delete(key) {
      if (store.deleteDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, store.deleteDelayMs))
      }
      if (key === store.failDeleteOf) throw new Error(`store refused to delete ${key}`)
      if (!isEnvelopeKey(key)) throw new Error('Refusing to delete a key that is not an envelope')
      store.entriesByKey.delete(key)
    },
    putLegacy(nonce, expiresAt) {
      store.entriesByKey.set(nonce, expiresAt ? { expiresAt: expiresAt.toISOString() } : {})
    },
    putLegacyExpiry(nonce, expiresAt) {
      store.entriesByKey.set(`${Math.floor(expiresAt.getTime() / 1000)}/${nonce}`, {
        expiresAt: expiresAt.toISOString(),
      })
    },
  }
  return store
}
