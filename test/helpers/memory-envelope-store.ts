// An in-memory envelope store with the Blobs store's key scheme (`<exp>/<nonce>`, old entries keyed
// by the nonce with their expiry as metadata), for tests only: on Netlify many instances run, so a
// real store must be shared (src/http/envelope-store.ts says why).
import {
  envelopeKey,
  expiryOfKey,
  type EnvelopeCleanupStore,
  type EnvelopeEntry,
  type EnvelopeStore,
} from '../../src/http/envelope-store.ts'

/** A memory store, its contents, and knobs to make it slow or failing. */
export interface MemoryEnvelopeStore extends EnvelopeStore, EnvelopeCleanupStore {
  /** key → metadata. */
  entriesByKey: Map<string, { expiresAt?: string }>
  /** Metadata reads made for old-format entries. */
  metadataReads: number
  /** Milliseconds each delete takes (default 0). */
  deleteDelayMs: number
  /** When set, deleting this key fails. */
  failDeleteOf?: string
  /** Writes an entry as version 0.2 did: key = nonce, expiry in metadata only. */
  putLegacy(nonce: string, expiresAt: Date | undefined): void
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
      return true
    },
    async *entries(): AsyncIterable<EnvelopeEntry> {
      for (const key of [...store.entriesByKey.keys()]) {
        const fromKey = expiryOfKey(key)
        if (fromKey) {
          yield { key, expiresAt: fromKey, legacy: false }
          continue
        }
        store.metadataReads++
        const metadata = store.entriesByKey.get(key)
        if (!metadata) continue
        const time = metadata.expiresAt ? Date.parse(metadata.expiresAt) : NaN
        yield { key, expiresAt: Number.isFinite(time) ? new Date(time) : undefined, legacy: true }
      }
    },
    async delete(key) {
      if (store.deleteDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, store.deleteDelayMs))
      }
      if (key === store.failDeleteOf) throw new Error(`store refused to delete ${key}`)
      store.entriesByKey.delete(key)
    },
    putLegacy(nonce, expiresAt) {
      store.entriesByKey.set(nonce, expiresAt ? { expiresAt: expiresAt.toISOString() } : {})
    },
  }
  return store
}
