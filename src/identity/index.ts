// textile-token-provider/identity: identities whose key no script can read. Browser only, Web APIs
// only (Web Crypto Ed25519, IndexedDB, WebAuthn PRF, EIP-1193). Each function resolves to an
// identity with @textile/hub's `Identity` shape whose private key is a non-extractable CryptoKey.
// A script in the page (an XSS) can still sign while it runs and pass the CryptoKey object to a
// window of another origin: see docs/identity.md for which to use, the threat model, the headers
// that close that path (COOP, CSP) and rotating after an XSS.
//
// Usage:
//   const identity = await browserIdentity() // this browser's key, made on first use
//   // or: await passkeyIdentity({ create: true }) once, then await passkeyIdentity()
//   // or: await walletIdentity(window.ethereum)
//   const provider = createUserAuthProvider({ endpoint: '/api', identity, hubUrl })
//   const client = Client.withUserAuth(provider, hubUrl)
export {
  browserIdentity,
  importBrowserIdentity,
  type BrowserIdentity,
  type BrowserIdentityOptions,
  type ImportBrowserIdentityOptions,
} from './browser-identity.ts'
export { IdentityError, type IdentityErrorCode } from './errors.ts'
export { KEY_STORE } from './key-store.ts'
export {
  passkeyIdentity,
  PASSKEY_IDENTITY_LABEL,
  type PasskeyIdentity,
  type PasskeyIdentityOptions,
} from './passkey-identity.ts'
export {
  walletIdentity,
  walletMessage,
  type Eip1193Provider,
  type WalletIdentity,
  type WalletIdentityOptions,
} from './wallet-identity.ts'
export type { IdentityPublicKey, WebCryptoIdentity } from './web-crypto-identity.ts'
