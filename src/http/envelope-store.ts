// Optional strict single use of envelopes (SINGLE_USE_ENVELOPES=true). Stateless mode already
// bounds a replay to the envelope's lifetime, for the same key and origin; this closes even that
// window, at the price of one conditional write per login.
// Threat model: the store is the only shared state, so it must be a managed one (Netlify Blobs),
// never an in-process map (Netlify runs many instances). The write is conditional (create only if
// absent), so two simultaneous redemptions cannot both win. A store that cannot answer fails closed.
// Entries are keyed `<exp>/<nonce>`, so the scheduled clean-up (envelope-cleanup.ts) reads every
// entry's expiry from one listing; entries in the old format (key = nonce, textile-token-provider
// 0.2) carry it as metadata only.

/** Remembers redeemed envelopes by nonce. */
export interface EnvelopeStore {
  /**
   * Records a redemption: true the first time a nonce is seen, false ever after.
   * Throws when the store cannot answer (the caller fails closed).
   */
  claim(nonce: string, expiresAt: Date): Promise<boolean>
}

/** One remembered redemption, as the clean-up sees it. */
export interface EnvelopeEntry {
  /** The store's key: opaque to the clean-up, which passes it back to `delete` and never logs it. */
  key: string
  /** The envelope's expiry (before the clock-skew allowance); undefined when the entry does not say. */
  expiresAt: Date | undefined
  /** Old format (key = nonce, version 0.2): its expiry came from a metadata read. */
  legacy: boolean
}

/** What the scheduled clean-up needs of an envelope store. */
export interface EnvelopeCleanupStore {
  /**
   * Every entry, lazily, page by page: a caller that stops iterating stops the listing (and any
   * metadata reads). Throws when the store cannot answer.
   */
  entries(): AsyncIterable<EnvelopeEntry>
  /** Removes an entry; removing one that is already gone is not an error. */
  delete(key: string): Promise<void>
}

/** The Netlify Blobs store: redemption and clean-up. */
export type BlobsEnvelopeStore = EnvelopeStore & EnvelopeCleanupStore

/** Options of {@link createBlobsEnvelopeStore}: where the Blobs store lives. */
export interface BlobsEnvelopeStoreOptions {
  /** Store name (site-wide, so every deploy sharing the secrets shares it). */
  name?: string
  /**
   * `@netlify/blobs` client settings for hosts outside Netlify or the local sandbox; on Netlify
   * the function's environment provides them. (Declared here, so the package's types never need
   * the optional `@netlify/blobs`.)
   */
  client?: {
    siteID?: string
    token?: string
    apiURL?: string
    edgeURL?: string
    uncachedEdgeURL?: string
    consistency?: 'eventual' | 'strong'
  }
}

/** Default name of the Blobs store of used envelopes. */
export const ENVELOPE_STORE_NAME = 'textile-token-provider-used-envelopes'

/** Metadata reads of old-format entries in flight at once during a listing. */
const LEGACY_READS_AT_ONCE = 8

/**
 * The key of a redeemed envelope: `<exp, whole seconds since the epoch>/<nonce>`. Unique per
 * envelope (the nonce is random, and an envelope's expiry is fixed), and its expiry is readable
 * from a listing.
 *
 * @example
 * envelopeKey('q1w2e3r4t5y6u7i8o9p0aa', new Date('2030-01-01T00:01:00Z')) // '1893456060/q1w2…'
 */
export function envelopeKey(nonce: string, expiresAt: Date): string {
  return `${Math.floor(expiresAt.getTime() / 1000)}/${nonce}`
}

/**
 * The expiry an {@link envelopeKey} carries; undefined for any other key (old format: the nonce
 * alone, or something that is not ours).
 */
export function expiryOfKey(key: string): Date | undefined {
  const match = /^(\d{1,15})\/[A-Za-z0-9_-]+$/.exec(key)
  return match ? new Date(Number(match[1]) * 1000) : undefined
}

/** An old-format key: a bare base64url nonce, as version 0.2 wrote it. */
function isLegacyKey(key: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(key)
}

/** The `expiresAt` metadata of an old-format entry, if it is a valid time. */
function expiryOfMetadata(metadata: Record<string, unknown> | undefined): Date | undefined {
  const text = metadata?.expiresAt
  if (typeof text !== 'string') return undefined
  const time = Date.parse(text)
  return Number.isFinite(time) ? new Date(time) : undefined
}

/**
 * An {@link EnvelopeStore} on Netlify Blobs: `set('<exp>/<nonce>', expiry, { onlyIfNew: true })`,
 * plus `entries`/`delete` for the scheduled clean-up. `@netlify/blobs` is imported on first use,
 * so stateless deployments never load it.
 *
 * @example
 * export default createTokenHandler({ envelopeStore: createBlobsEnvelopeStore() })
 */
export function createBlobsEnvelopeStore(
  options: BlobsEnvelopeStoreOptions = {},
): BlobsEnvelopeStore {
  let store: Promise<import('@netlify/blobs').Store> | undefined
  const open = async () => {
    const blobs = await import('@netlify/blobs')
    return blobs.getStore({ ...options.client, name: options.name ?? ENVELOPE_STORE_NAME })
  }
  const opened = () => {
    store ??= open()
    return store.catch((error: unknown) => {
      store = undefined // not configured yet (or a transient failure): try again next time
      throw error
    })
  }
  return {
    async claim(nonce, expiresAt) {
      const blobs = await opened()
      // The expiry is in the key (for the clean-up's listing) and, as before, in the metadata.
      const { modified, etag } = await blobs.set(
        envelopeKey(nonce, expiresAt),
        expiresAt.toISOString(),
        { onlyIfNew: true, metadata: { expiresAt: expiresAt.toISOString() } },
      )
      if (!modified) return false
      // @netlify/blobs 11 reports `modified: true` for a conditional write that failed with any
      // status but 412 (401, 403, 500…); only a real write carries the new entry's ETag.
      if (!etag) throw new Error('Netlify Blobs did not confirm the write (no ETag)')
      return true
    },

    async *entries() {
      const blobs = await opened()
      for await (const page of blobs.list({ paginate: true })) {
        const legacy: string[] = []
        for (const { key } of page.blobs) {
          const expiresAt = expiryOfKey(key)
          if (expiresAt || !isLegacyKey(key)) yield { key, expiresAt, legacy: false }
          else legacy.push(key)
        }
        // Old-format entries carry their expiry only as metadata: one read each, a few at a time.
        for (let start = 0; start < legacy.length; start += LEGACY_READS_AT_ONCE) {
          const keys = legacy.slice(start, start + LEGACY_READS_AT_ONCE)
          const read = await Promise.all(keys.map((key) => blobs.getMetadata(key)))
          for (const [i, found] of read.entries()) {
            if (!found) continue // deleted since the listing
            yield { key: keys[i]!, expiresAt: expiryOfMetadata(found.metadata), legacy: true }
          }
        }
      }
    },

    async delete(key) {
      const blobs = await opened()
      await blobs.delete(key)
    },
  }
}
