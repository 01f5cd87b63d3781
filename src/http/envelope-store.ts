// Optional strict single use of envelopes (SINGLE_USE_ENVELOPES=true). Stateless mode already
// bounds a replay to the envelope's lifetime, for the same key and origin; this closes even that
// window, at the price of one conditional write per login.
// Threat model: the store is the only shared state, so it must be a managed one (Netlify Blobs),
// never an in-process map (Netlify runs many instances). The write is conditional (create only if
// absent), so two simultaneous redemptions cannot both win. A store that cannot answer fails closed.

/** Remembers redeemed envelopes by nonce. */
export interface EnvelopeStore {
  /**
   * Records a redemption: true the first time a nonce is seen, false ever after.
   * Throws when the store cannot answer (the caller fails closed).
   */
  claim(nonce: string, expiresAt: Date): Promise<boolean>
}

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

/**
 * An {@link EnvelopeStore} on Netlify Blobs: `set(nonce, expiry, { onlyIfNew: true })`.
 * `@netlify/blobs` is imported on first use, so stateless deployments never load it.
 *
 * @example
 * export default createTokenHandler({ envelopeStore: createBlobsEnvelopeStore() })
 */
export function createBlobsEnvelopeStore(options: BlobsEnvelopeStoreOptions = {}): EnvelopeStore {
  let store: Promise<import('@netlify/blobs').Store> | undefined
  const open = async () => {
    const blobs = await import('@netlify/blobs')
    return blobs.getStore({ ...options.client, name: options.name ?? ENVELOPE_STORE_NAME })
  }
  return {
    async claim(nonce, expiresAt) {
      store ??= open()
      const opened = await store.catch((error: unknown) => {
        store = undefined // not configured yet (or a transient failure): try again next time
        throw error
      })
      // The expiry travels along so a scheduled clean-up can drop entries no envelope can match.
      const { modified, etag } = await opened.set(nonce, expiresAt.toISOString(), {
        onlyIfNew: true,
        metadata: { expiresAt: expiresAt.toISOString() },
      })
      if (!modified) return false
      // @netlify/blobs 11 reports `modified: true` for a conditional write that failed with any
      // status but 412 (401, 403, 500…); only a real write carries the new entry's ETag.
      if (!etag) throw new Error('Netlify Blobs did not confirm the write (no ETag)')
      return true
    },
  }
}
