// Optional strict single use of envelopes (SINGLE_USE_ENVELOPES=true). Stateless mode already
// bounds a replay to the envelope's lifetime, for the same key and origin; this closes even that
// window, at the price of one conditional write per login (and two reads beside it, below).
// Threat model: the store is the only shared state, so it must be a managed one (Netlify Blobs),
// never an in-process map (Netlify runs many instances). The write is conditional (create only if
// absent), so two simultaneous redemptions cannot both win. A store that cannot answer fails closed.
// The store may be shared with an app's own data, so the project owns only keys under its prefix,
// `ttp1/<exp>/<nonce>`, and the exact shapes older versions wrote (`<exp>/<nonce>`, and the bare
// nonce with its expiry as metadata). The clean-up (envelope-cleanup.ts) deletes nothing else; it
// lists the prefix, the store's top level and `<exp>/` directories only, and reads metadata only
// of keys shaped exactly like a nonce. A redemption also reads the older keys of its envelope, so
// an envelope redeemed on an old deploy just before an upgrade stays used after it.

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
  /** Written by an older version (`<exp>/<nonce>`, or the bare nonce with a metadata read). */
  legacy: boolean
  /**
   * Not the project's (another app's data in a shared store): never deleted, not counted. Listed
   * only so that a long walk past other data still gives the clean-up a chance to stop on time.
   */
  foreign?: boolean
}

/** What the scheduled clean-up needs of an envelope store. */
export interface EnvelopeCleanupStore {
  /**
   * Every entry, lazily, page by page: a caller that stops iterating stops the listing (and any
   * metadata reads). Throws when the store cannot answer.
   */
  entries(): AsyncIterable<EnvelopeEntry>
  /**
   * Removes an entry; removing one that is already gone is not an error. Refuses (throws) a key
   * that is not the project's.
   */
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

/** The namespace of the project's entries in the store. */
export const ENVELOPE_KEY_PREFIX = 'ttp1/'

/**
 * A nonce as `issueChallenge` makes it: 16 random bytes in unpadded base64url, 22 characters whose
 * last carries 2 bits and 4 zero bits (so it is one of A, Q, g, w).
 */
const NONCE = '[A-Za-z0-9_-]{21}[AQgw]'
const CURRENT_KEY = new RegExp(`^ttp1/(\\d{10})/${NONCE}$`)
/** `<exp>/<nonce>` as the versions before the prefix wrote it (exp: 10 digits until 2286). */
const LEGACY_EXPIRY_KEY = new RegExp(`^(\\d{10})/${NONCE}$`)
/** The bare nonce, as the first single-use store wrote it (expiry in metadata only). */
const LEGACY_NONCE_KEY = new RegExp(`^${NONCE}$`)
/** A legacy directory in a listing by directories: `<exp>`. */
const LEGACY_DIRECTORY = /^(\d{10})\/?$/
/** `Date.prototype.toISOString()`, which is how every version wrote the expiry metadata. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * The key of a redeemed envelope: `ttp1/<exp, whole seconds since the epoch>/<nonce>`. Unique per
 * envelope (the nonce is random, and an envelope's expiry is fixed), and its expiry is readable
 * from a listing.
 *
 * @example
 * envelopeKey('q1w2e3r4t5y6u7i8o9p0aA', new Date('2030-01-01T00:01:00Z')) // 'ttp1/1893456060/q1w2…'
 */
export function envelopeKey(nonce: string, expiresAt: Date): string {
  return `${ENVELOPE_KEY_PREFIX}${Math.floor(expiresAt.getTime() / 1000)}/${nonce}`
}

/** The keys older versions would have written for the same envelope (only for a real nonce). */
export function legacyEnvelopeKeys(nonce: string, expiresAt: Date): string[] {
  if (!LEGACY_NONCE_KEY.test(nonce)) return []
  return [`${Math.floor(expiresAt.getTime() / 1000)}/${nonce}`, nonce]
}

/**
 * The expiry a key of the project carries in its name: an {@link envelopeKey}, or the older
 * `<exp>/<nonce>` of exactly the shape those versions wrote. Undefined for any other key (the
 * bare-nonce format, whose expiry is metadata, or something that is not the project's:
 * `2024/01-report` is not an expiry in 1970).
 */
export function expiryOfKey(key: string): Date | undefined {
  const match = CURRENT_KEY.exec(key) ?? LEGACY_EXPIRY_KEY.exec(key)
  return match ? new Date(Number(match[1]) * 1000) : undefined
}

/** Whether the clean-up may touch a key: under the prefix, or of an exact legacy shape. */
export function isEnvelopeKey(key: string): boolean {
  return (
    key.startsWith(ENVELOPE_KEY_PREFIX) || LEGACY_EXPIRY_KEY.test(key) || LEGACY_NONCE_KEY.test(key)
  )
}

/**
 * The expiry in the metadata of a bare-nonce entry, only if the metadata is exactly what the
 * first single-use store wrote (`{ expiresAt: <toISOString()> }`); anything else is not the
 * project's.
 */
export function expiryOfLegacyMetadata(
  metadata: Record<string, unknown> | undefined,
): Date | undefined {
  if (!metadata || Object.keys(metadata).join() !== 'expiresAt') return undefined
  const text = metadata.expiresAt
  if (typeof text !== 'string' || !ISO_TIME.test(text)) return undefined
  const time = Date.parse(text)
  return Number.isFinite(time) ? new Date(time) : undefined
}

/**
 * An {@link EnvelopeStore} on Netlify Blobs: `set('ttp1/<exp>/<nonce>', expiry, { onlyIfNew })`
 * (with a look for the same envelope under the older keys), plus `entries`/`delete` for the
 * scheduled clean-up. `@netlify/blobs` is imported on first use, so stateless deployments never
 * load it.
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
      const expiry = expiresAt.toISOString()
      // The expiry is in the key (for the clean-up's listing) and, as before, in the metadata. An
      // older deployment records a redemption under its own key: read those beside the write.
      const [{ modified, etag }, ...older] = await Promise.all([
        blobs.set(envelopeKey(nonce, expiresAt), expiry, {
          onlyIfNew: true,
          metadata: { expiresAt: expiry },
        }),
        ...legacyEnvelopeKeys(nonce, expiresAt).map((key) => blobs.getMetadata(key)),
      ])
      if (!modified) return false
      // @netlify/blobs 11 reports `modified: true` for a conditional write that failed with any
      // status but 412 (401, 403, 500…); only a real write carries the new entry's ETag.
      if (!etag) throw new Error('Netlify Blobs did not confirm the write (no ETag)')
      return older.every((found) => found === null)
    },

    async *entries() {
      const blobs = await opened()
      // The project's own namespace first: most of the work, and never another app's data.
      for await (const page of blobs.list({ prefix: ENVELOPE_KEY_PREFIX, paginate: true })) {
        for (const { key } of page.blobs) yield { key, expiresAt: expiryOfKey(key), legacy: false }
      }
      // Then the older formats, by directories so the walk never descends into other data (or
      // into ttp1/ again): `<exp>/` directories, and top-level keys shaped like a bare nonce.
      const directories: string[] = []
      for await (const page of blobs.list({ directories: true, paginate: true })) {
        const legacy: string[] = []
        for (const { key } of page.blobs) {
          if (LEGACY_NONCE_KEY.test(key)) legacy.push(key)
          else yield { key, expiresAt: undefined, legacy: false, foreign: true }
        }
        // Bare-nonce entries carry their expiry only as metadata: one read each, a few at a time.
        for (let start = 0; start < legacy.length; start += LEGACY_READS_AT_ONCE) {
          const keys = legacy.slice(start, start + LEGACY_READS_AT_ONCE)
          const read = await Promise.all(keys.map((key) => blobs.getMetadata(key)))
          for (const [i, found] of read.entries()) {
            if (!found) continue // deleted since the listing
            const expiresAt = expiryOfLegacyMetadata(found.metadata)
            yield expiresAt
              ? { key: keys[i]!, expiresAt, legacy: true }
              : { key: keys[i]!, expiresAt: undefined, legacy: false, foreign: true }
          }
        }
        for (const directory of page.directories) {
          if (LEGACY_DIRECTORY.test(directory)) directories.push(directory.replace(/\/$/, ''))
        }
      }
      for (const directory of directories) {
        for await (const page of blobs.list({ prefix: `${directory}/`, paginate: true })) {
          for (const { key } of page.blobs) {
            yield LEGACY_EXPIRY_KEY.test(key)
              ? { key, expiresAt: expiryOfKey(key), legacy: true }
              : { key, expiresAt: undefined, legacy: false, foreign: true }
          }
        }
      }
    },

    async delete(key) {
      if (!isEnvelopeKey(key)) throw new Error('Refusing to delete a key that is not an envelope')
      const blobs = await opened()
      await blobs.delete(key)
    },
  }
}
