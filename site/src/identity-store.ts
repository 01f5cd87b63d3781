// The user's identity: an Ed25519 key pair made in this browser and kept in its localStorage. The
// private key string is the user's only credential; it leaves the page only when they export it.
import { PrivateKey } from '@textile/hub'
import type { SafeStorage } from './browser-storage.ts'
import { DemoError } from './error-messages.ts'

/** Where the private key string is kept. */
export const IDENTITY_STORAGE_KEY = 'textile-token-provider:demo:identity'

/** An identity and how the page got it. */
export interface LoadedIdentity {
  identity: PrivateKey
  source: 'restored' | 'created' | 'imported'
}

// 'b' + RFC 4648 base32 of 08 01 12 40 ‖ seed ‖ pub (68 bytes → 109 characters).
const PRIVATE_KEY_STRING = /^bbaareq[a-z2-7]{103}$/

/**
 * Restores the identity kept in storage, or creates and keeps a new one.
 *
 * @example
 * const { identity, source } = loadOrCreateIdentity(openStorage())
 */
export function loadOrCreateIdentity(storage: SafeStorage): LoadedIdentity {
  const saved = storage.get(IDENTITY_STORAGE_KEY)
  if (saved) {
    try {
      return { identity: parseIdentity(saved), source: 'restored' }
    } catch {
      // A damaged entry: start over rather than lock the user out of the page.
    }
  }
  return createIdentity(storage)
}

/**
 * Replaces the stored identity with a fresh random one.
 *
 * @example
 * const { identity } = createIdentity(storage)
 */
export function createIdentity(storage: SafeStorage): LoadedIdentity {
  const identity = PrivateKey.fromRandom()
  storage.set(IDENTITY_STORAGE_KEY, identity.toString())
  return { identity, source: 'created' }
}

/**
 * Replaces the stored identity with an imported private key string.
 *
 * @throws `invalid_key` when the text is not a Textile Ed25519 private key string.
 * @example
 * importIdentity(storage, 'bbaareq…')
 */
export function importIdentity(storage: SafeStorage, text: string): LoadedIdentity {
  const identity = parseIdentity(text)
  storage.set(IDENTITY_STORAGE_KEY, identity.toString())
  return { identity, source: 'imported' }
}

/**
 * Reads a private key string (surrounding whitespace ignored) without storing it.
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
