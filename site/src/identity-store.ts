// The user's identity, in one of three kinds (docs/identity.md):
// - account: a passkey's (or a wallet's) key is the account, and it links this browser's own
//   non-extractable key once (linkBrowser); later visits use that key and the link with no prompt
//   (linkedBrowser), and another browser links itself with the same passkey;
// - browser (the default, no account): a non-extractable Ed25519 key this browser keeps in
//   IndexedDB (browserIdentity); no script can read it, and it cannot be exported;
// - raw: an exportable private key string, held in this page's memory only, for users who want to
//   keep the key themselves. It is never written to storage.
// Only the chosen kind is remembered (localStorage, not secret; account-store.ts, with the
// account's restore). A raw key an older version of
// the demo left in localStorage is moved into the browser's key store and deleted, but never over
// another stored key without the user's yes (a planted string would otherwise swap identities).
import { PrivateKey } from '@textile/hub'
import type { Identity } from 'textile-token-provider/client'
import {
  browserIdentity,
  IdentityError,
  importBrowserIdentity,
  linkBrowser,
  passkeyIdentity,
  walletIdentity,
  type AccountIdentity,
  type LinkedBrowser,
} from 'textile-token-provider/identity'
import { injectedWallet, PASSKEY_USER_NAME } from './account-store.ts'
import type { SafeStorage } from './browser-storage.ts'
import { DemoError } from './error-messages.ts'

/** Where an older demo kept the private key string (read once, to move it, then deleted). */
export const LEGACY_IDENTITY_KEY = 'textile-token-provider:demo:identity'

/** Who the user is: an account (linked browser), this browser only, or a raw key. */
export type IdentityKind = 'account' | 'browser' | 'raw'

/**
 * How the page got the identity; `kept`: restored, while a different key in local storage waits
 * for the user's decision (`legacy`); `linked`: this browser was just linked to an account.
 */
export type IdentitySource = 'restored' | 'created' | 'imported' | 'moved' | 'kept' | 'linked'

/** An identity, its kind and how the page got it. */
export interface LoadedIdentity {
  identity: Identity
  kind: IdentityKind
  source: IdentitySource
  /** Raw keys only: the key itself, shown when the user asks to export it. */
  raw?: PrivateKey
  /** `kept` only: the key string in local storage that was not moved over the stored key. */
  legacy?: string
  /** Accounts only: this browser's link (the SDK's `link`; `account` is who the user is). */
  link?: LinkedBrowser
}

/** The key the page shows and keys the user's data by: the account's, else the identity's own. */
export function userKey(loaded: LoadedIdentity): string {
  return loaded.link?.account ?? loaded.identity.public.toString()
}

// 'b' + RFC 4648 base32 of 08 01 12 40 ‖ seed ‖ pub (68 bytes → 109 characters).
const PRIVATE_KEY_STRING = /^bbaareq[a-z2-7]{103}$/

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
 * Links this browser to an account: a new passkey (`create`), one the user picks, or the wallet.
 *
 * @throws `passkey_identity_mismatch` / `wallet_identity_mismatch` when this browser is linked to
 *   another account; passkeyIdentity's and walletIdentity's codes.
 * @example
 * const { link } = await linkAccount({ with: 'new-passkey' })
 */
export async function linkAccount(options: {
  with: 'new-passkey' | 'passkey' | 'wallet'
}): Promise<LoadedIdentity> {
  let account: AccountIdentity
  if (options.with === 'wallet') {
    const wallet = injectedWallet()
    if (!wallet) throw new IdentityError('wallet_failed')
    account = await walletIdentity(wallet)
  } else {
    account = await passkeyIdentity({
      create: options.with === 'new-passkey',
      userName: PASSKEY_USER_NAME,
    })
  }
  const link = await linkBrowser({ account })
  return { identity: link.identity, kind: 'account', source: 'linked', link }
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
