// The user's identity, in one of three kinds (docs/identity.md):
// - browser (the default): a non-extractable Ed25519 key this browser keeps in IndexedDB
//   (browserIdentity); no script can read it, and it cannot be exported;
// - passkey: derived from a passkey's PRF output each time it is used (passkeyIdentity);
// - raw: an exportable private key string, held in this page's memory only, for users who want to
//   keep the key themselves. It is never written to storage.
// Only the chosen kind is remembered (localStorage, not secret). A raw key an older version of
// the demo left in localStorage is moved into the browser's key store and deleted, but never over
// another stored key without the user's yes (a planted string would otherwise swap identities).
import { PrivateKey } from '@textile/hub'
import type { Identity } from '../../src/client/index.ts'
import {
  browserIdentity,
  importBrowserIdentity,
  passkeyIdentity,
} from '../../src/identity/index.ts'
import type { SafeStorage } from './browser-storage.ts'
import { DemoError } from './error-messages.ts'

/** Where an older demo kept the private key string (read once, to move it, then deleted). */
export const LEGACY_IDENTITY_KEY = 'textile-token-provider:demo:identity'

/** Where the chosen kind is remembered. */
export const KIND_STORAGE_KEY = 'textile-token-provider:demo:identity-kind'

/** Where the key lives. */
export type IdentityKind = 'browser' | 'passkey' | 'raw'

/**
 * How the page got the identity; `kept`: restored, while a different key in local storage waits
 * for the user's decision (`legacy`).
 */
export type IdentitySource = 'restored' | 'created' | 'imported' | 'moved' | 'kept'

/** An identity, its kind and how the page got it. */
export interface LoadedIdentity {
  identity: Identity
  kind: IdentityKind
  source: IdentitySource
  /** Raw keys only: the key itself, shown when the user asks to export it. */
  raw?: PrivateKey
  /** `kept` only: the key string in local storage that was not moved over the stored key. */
  legacy?: string
}

// 'b' + RFC 4648 base32 of 08 01 12 40 ‖ seed ‖ pub (68 bytes → 109 characters).
const PRIVATE_KEY_STRING = /^bbaareq[a-z2-7]{103}$/

/** The kind the user chose last time (raw keys are not kept, so never 'raw'). */
export function rememberedKind(storage: SafeStorage): 'browser' | 'passkey' {
  return storage.get(KIND_STORAGE_KEY) === 'passkey' ? 'passkey' : 'browser'
}

/** Remembers the chosen kind; a raw key's page comes back as the browser kind. */
export function rememberKind(storage: SafeStorage, kind: IdentityKind): void {
  storage.set(KIND_STORAGE_KEY, kind === 'passkey' ? 'passkey' : 'browser')
}

/**
 * This browser's identity: a raw key an older demo left in localStorage is moved into the key
 * store first (and deleted) when no other key is stored there; with another one stored, that one
 * is kept (`kept`, with the string as `legacy`, still in local storage) until the user chooses
 * ({@link moveLegacyIntoBrowser}). Else the stored key is restored or a new one made.
 *
 * @throws `ed25519_unsupported`, `key_store_unavailable` (browserIdentity's codes).
 * @example
 * const { identity, source } = await loadBrowserIdentity(storage)
 */
export async function loadBrowserIdentity(storage: SafeStorage): Promise<LoadedIdentity> {
  const legacy = storage.get(LEGACY_IDENTITY_KEY)
  if (legacy && PRIVATE_KEY_STRING.test(legacy)) {
    try {
      const identity = await importBrowserIdentity(legacy)
      storage.remove(LEGACY_IDENTITY_KEY)
      return { identity, kind: 'browser', source: identity.created ? 'moved' : 'restored' }
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'identity_exists') throw error
      return { identity: await browserIdentity(), kind: 'browser', source: 'kept', legacy }
    }
  }
  if (legacy !== null) storage.remove(LEGACY_IDENTITY_KEY)
  const identity = await browserIdentity()
  return { identity, kind: 'browser', source: identity.created ? 'created' : 'restored' }
}

/**
 * Replaces this browser's key with the one an older demo left in local storage (the user said
 * yes), then deletes the string.
 *
 * @example
 * const moved = await moveLegacyIntoBrowser(storage, kept.legacy!)
 */
export async function moveLegacyIntoBrowser(
  storage: SafeStorage,
  legacy: string,
): Promise<LoadedIdentity> {
  const identity = await importBrowserIdentity(legacy, { replace: true })
  storage.remove(LEGACY_IDENTITY_KEY)
  return { identity, kind: 'browser', source: 'moved' }
}

/**
 * Deletes this browser's key and makes a new one.
 *
 * @example
 * const { identity } = await replaceBrowserIdentity()
 */
export async function replaceBrowserIdentity(): Promise<LoadedIdentity> {
  await (await browserIdentity()).forget()
  return { identity: await browserIdentity(), kind: 'browser', source: 'created' }
}

/**
 * Moves a raw key into this browser's key store, replacing the key there (the caller has asked
 * the user); the page then forgets the string.
 *
 * @example
 * const moved = await moveIntoBrowser(raw)
 */
export async function moveIntoBrowser(raw: PrivateKey): Promise<LoadedIdentity> {
  const identity = await importBrowserIdentity(raw.toString(), { replace: true })
  return { identity, kind: 'browser', source: 'moved' }
}

/**
 * The identity of a passkey: a new one (`create`) or one the user picks.
 *
 * @throws `passkey_prf_unsupported`, `passkey_cancelled`, `passkey_failed` (passkeyIdentity's).
 * @example
 * const { identity } = await usePasskey({ create: true })
 */
export async function usePasskey(options: { create: boolean }): Promise<LoadedIdentity> {
  const identity = await passkeyIdentity({
    create: options.create,
    userName: 'textile-token-provider demo',
  })
  return { identity, kind: 'passkey', source: options.create ? 'created' : 'restored' }
}

/**
 * A new random raw key, in memory only.
 *
 * @example
 * const { raw } = makeRawIdentity()
 */
export function makeRawIdentity(): LoadedIdentity {
  const raw = PrivateKey.fromRandom()
  return { identity: raw, kind: 'raw', source: 'created', raw }
}

/**
 * A raw key from its string (surrounding whitespace ignored), in memory only.
 *
 * @throws `invalid_key` when the text is not a Textile Ed25519 private key string.
 * @example
 * importRawIdentity('bbaareq…').identity.public.toString()
 */
export function importRawIdentity(text: string): LoadedIdentity {
  const raw = parseIdentity(text)
  return { identity: raw, kind: 'raw', source: 'imported', raw }
}

/**
 * Reads a private key string (surrounding whitespace ignored) without keeping it.
 *
 * @throws `invalid_key` when the text is not a Textile Ed25519 private key string.
 * @example
 * parseIdentity('bbaareq…').public.toString()
 */
export function parseIdentity(text: string): PrivateKey {
  text = text.trim()
  if (!PRIVATE_KEY_STRING.test(text)) throw new DemoError('invalid_key')
  try {
    return PrivateKey.fromString(text)
  } catch (cause) {
    throw new DemoError('invalid_key', undefined, { cause })
  }
}
