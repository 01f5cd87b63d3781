// The account half of the demo's identity (identity-store.ts has the rest), apart so that the
// members page (members.ts) logs in as the same user as the demo page without bundling
// @textile/hub: which kind the user chose, and this browser's link to an account, restored with no
// prompt (one, to renew it, near its end: the same passkey, or the wallet).
import type { SafeStorage } from './browser-storage.ts'
import type { IdentityKind, LoadedIdentity } from './identity-store.ts'
import {
  linkedBrowser,
  passkeyIdentity,
  walletIdentity,
  type AccountIdentity,
  type Eip1193Provider,
  type RenewHint,
} from 'textile-token-provider/identity'

/** The user name the demo's passkeys are made with. */
export const PASSKEY_USER_NAME = 'textile-token-provider demo'

/** Where the chosen kind is remembered. */
const KIND_STORAGE_KEY = 'textile-token-provider:demo:identity-kind'

/** The kind the user chose last time (raw keys are not kept, so never 'raw'). */
export function rememberedKind(storage: SafeStorage): 'account' | 'browser' {
  return storage.get(KIND_STORAGE_KEY) === 'account' ? 'account' : 'browser'
}

/** Remembers the chosen kind; a raw key's page comes back as the browser kind. */
export function rememberKind(storage: SafeStorage, kind: IdentityKind): void {
  storage.set(KIND_STORAGE_KEY, kind === 'account' ? 'account' : 'browser')
}

/** The page's wallet (EIP-1193), when one is injected. */
export function injectedWallet(): Eip1193Provider | undefined {
  const ethereum = (globalThis as { ethereum?: Eip1193Provider }).ethereum
  return typeof ethereum?.request === 'function' ? ethereum : undefined
}

/** Asks for the account again when the link is due for renewal: the same passkey, or the wallet. */
function renewWith(hint: RenewHint): Promise<AccountIdentity> {
  const wallet = injectedWallet()
  if (hint.credentialId === undefined && wallet) return walletIdentity(wallet)
  return passkeyIdentity({
    userName: PASSKEY_USER_NAME,
    ...(hint.credentialId !== undefined && { credentialId: hint.credentialId }),
  })
}

/**
 * This browser's link to an account, with no prompt (one, to renew it, near its end); undefined
 * when this browser is not linked.
 *
 * @throws `key_store_unavailable`; the renewal's codes once the link has ended.
 * @example
 * const account = await restoreAccount()
 */
export async function restoreAccount(): Promise<LoadedIdentity | undefined> {
  const link = await linkedBrowser({ renew: renewWith })
  return link && { identity: link.identity, kind: 'account', source: 'restored', link }
}
