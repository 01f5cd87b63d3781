// One account on every device (docs/identity.md, "One account on every device"): an account key
// (a passkey's or a wallet's, which the user recovers on any device) signs a link for this
// browser's own non-extractable key (browserIdentity), and logins then use the device key with
// the link, with no prompt. Threat model: the account key is derived on demand and never stored;
// what is stored is the device key (a CryptoKey, as browserIdentity keeps it) and the link, which
// is public (it travels with every login) and worth nothing without the device key. A browser
// that was linked remembers its account: an account identity that derives another key is a
// coded mismatch, never a silent new user, unless the app asks to switch accounts. The link's
// lifetime bounds how long a forgotten device stays in; `DENIED_PUBKEYS` with the device key ends
// it at once (docs/security.md, "Revoking a device or an account").
import { readLink, signLink, type LinkClaims } from '../core/link-format.ts'
import { browserIdentity, fromRecord, type BrowserIdentity } from './browser-identity.ts'
import { IdentityError } from './errors.ts'
import {
  deleteLinkedIdentity,
  loadLink,
  loadLinkedIdentity,
  putLink,
  type StoredLink,
} from './key-store.ts'

/**
 * The default lifetime of a link: 30 days. It stays below the functions' default
 * `LINK_MAX_TTL_SECONDS` (90 days) so that a site that lowers that setting to a month or two
 * still takes the default links, and it is the bound on how long a device nobody denies stays in.
 */
export const LINK_LIFETIME_SECONDS = 2_592_000

/**
 * How far back a link's `iat` is put: 1 day. The functions refuse a link issued more than 5 s in
 * their future, and a page's clock can be hours ahead (a machine keeping local time in its
 * hardware clock); a backdated `iat` shortens the link by a day instead of making it useless.
 */
export const LINK_BACKDATE_SECONDS = 86_400

/** The functions' ceiling of `LINK_MAX_TTL_SECONDS` (400 days): no site takes a longer link. */
const MAX_LIFETIME_SECONDS = 34_560_000

/** A link is renewed once less than this share of its lifetime is left. */
const RENEW_WHEN_LEFT = 1 / 3

const DEFAULT_NAME = 'account-device'

/**
 * An account identity: anything that signs as the account key (`passkeyIdentity()`,
 * `walletIdentity()`, or a `PrivateKey`).
 */
export interface AccountIdentity {
  public: { toString(): string }
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>
  /** A passkey identity's credential id: kept as the hint for renewal. */
  readonly credentialId?: string
}

/** What `renew` is told: the account to ask for, and the passkey that signed the last link. */
export interface RenewHint {
  /** The account key string the new link must be signed by. */
  account: string
  /** The passkey that signed the link, when a passkey did: pass it as `credentialId`. */
  credentialId?: string
}

/** Options of {@link linkBrowser}. */
export interface LinkBrowserOptions {
  /** The account key: `await passkeyIdentity(…)`, `await walletIdentity(…)`. Never stored. */
  account: AccountIdentity
  /**
   * Link this browser to `account` even though it is linked to another account: the old link and
   * device key are deleted and a new device key is made. Default false: another account rejects
   * with `passkey_identity_mismatch` (`wallet_identity_mismatch` for a wallet identity).
   */
  switchAccount?: boolean
  /**
   * The link's lifetime in seconds; default {@link LINK_LIFETIME_SECONDS} (30 days). It must not
   * exceed the site's `LINK_MAX_TTL_SECONDS` (default 90 days), or every login is `invalid_link`.
   */
  lifetimeSeconds?: number
  /** The site the link is for (its `aud`): the origin that calls the functions; default `location.origin`. */
  origin?: string
  /** Which of the origin's browser identities is the device key; default `'account-device'`. */
  name?: string
  /** Ask the browser to keep the origin's storage when the device key is made; default true. */
  persist?: boolean
  /** The clock; default the wall clock. */
  now?: () => Date
}

/** Options of {@link linkedBrowser}. */
export interface LinkedBrowserOptions {
  /**
   * Asked for the account identity when the link is due for renewal (less than a third of its
   * lifetime left, or expired): e.g. `({ credentialId }) => passkeyIdentity({ credentialId })`.
   * Without it, the link is returned as stored, whatever its age.
   */
  renew?: (hint: RenewHint) => Promise<AccountIdentity>
  /** The lifetime of a renewed link; default {@link LINK_LIFETIME_SECONDS}. */
  lifetimeSeconds?: number
  /** As for {@link linkBrowser}; default `'account-device'`. */
  name?: string
  /** The clock; default the wall clock. */
  now?: () => Date
}

/** This browser, linked to an account: what the SDK's `link` option and the app need. */
export interface LinkedBrowser {
  /** The device key: sign with it (`createUserAuthProvider({ identity })`). */
  readonly identity: BrowserIdentity
  /** The account key string (the link's `iss`): who the user is, on every device. */
  readonly account: string
  /** The device key string (the link's `sub`): what `DENIED_PUBKEYS` takes to revoke this browser. */
  readonly device: string
  /** The current link (a renewal replaces it): pass this object as the SDK's `link`. */
  readonly link: string
  /** When the current link ends (its `exp`, on this page's clock). */
  readonly expiresAt: Date
  /** When {@link linkedBrowser} with `renew` renews it: a third of its lifetime before `expiresAt`. */
  readonly renewAt: Date
  /**
   * Why the last renewal by {@link linkedBrowser} failed (the user cancelled, another passkey),
   * when the link was still good and so was returned as it was; else undefined.
   */
  readonly renewError: unknown
  /**
   * Signs a new link for this device with the account identity and stores it.
   *
   * @throws `passkey_identity_mismatch` (`wallet_identity_mismatch`) when `account` derives
   *   another key than this browser's account; nothing is changed.
   */
  renew(account: AccountIdentity): Promise<void>
  /**
   * Unlinks this browser: deletes the link and the device key (the next link makes a new device
   * key, and any account may be linked). This object keeps signing until the page drops it.
   */
  forget(): Promise<void>
}

/**
 * Links this browser to an account: makes (or loads) the device key and stores a link to it
 * signed by `account`. Call it with a passkey or wallet identity the user just gave; it prompts
 * for nothing itself.
 *
 * @throws `passkey_identity_mismatch` when this browser is linked to another account and
 *   `switchAccount` is not true (`wallet_identity_mismatch` when `account` is a wallet identity).
 * @throws `ed25519_unsupported`, `key_store_unavailable` (browserIdentity's codes).
 * @example
 * const linked = await linkBrowser({ account: await passkeyIdentity({ create: true }) })
 * const provider = createUserAuthProvider({ endpoint: '/api', identity: linked.identity, link: linked })
 */
export async function linkBrowser(options: LinkBrowserOptions): Promise<LinkedBrowser> {
  const fn = 'linkBrowser'
  const { name, lifetime, now } = readCommonOptions(fn, options)
  const account = readAccount(fn, options.account)
  const origin = readOrigin(fn, options.origin)
  if (options.switchAccount !== undefined && typeof options.switchAccount !== 'boolean') {
    throw new TypeError(`${fn}: switchAccount must be a boolean`)
  }
  const stored = await loadLink(name)
  if (stored && claimsOf(stored).iss !== account.key) {
    if (options.switchAccount !== true) throw mismatch(account.identity)
    // A new account gets a new device key: no key of this browser then holds two accounts' links.
    await deleteLinkedIdentity(name)
  }
  const device = await browserIdentity({
    name,
    ...(options.persist !== undefined && { persist: options.persist }),
  })
  const signed = await signFor(account, device.public.toString(), origin, lifetime, now())
  await putLink(name, signed.record)
  return linkedView({ name, device, signed, lifetime, now }).view
}

/**
 * This browser's link, if it has one, with no prompt; renewed first (one `renew` prompt) when
 * less than a third of its lifetime is left. A renewal that fails while the link is still good
 * leaves it as it was (`renewError` says why); once the link has ended, the failure rejects.
 *
 * @throws `key_store_unavailable` when IndexedDB is refused or the stored link is unreadable.
 * @throws whatever `renew` rejects with, or `passkey_identity_mismatch` /
 *   `wallet_identity_mismatch` for an identity of another account, when the link has ended.
 * @example
 * const linked = await linkedBrowser({ renew: ({ credentialId }) => passkeyIdentity({ credentialId }) })
 * if (!linked) showCreateAccount()
 */
export async function linkedBrowser(
  options: LinkedBrowserOptions = {},
): Promise<LinkedBrowser | undefined> {
  const fn = 'linkedBrowser'
  const { name, lifetime, now } = readCommonOptions(fn, options)
  if (options.renew !== undefined && typeof options.renew !== 'function') {
    throw new TypeError(`${fn}: renew must be a function`)
  }
  // The link and the device key in one read of the key store.
  const loaded = await loadLinkedIdentity(name)
  if (!loaded) return undefined
  const { link: stored } = loaded
  const claims = claimsOf(stored)
  const device = loaded.identity && (await fromRecord(name, loaded.identity, false))
  // The device key is gone (or another): the link is worth nothing, so this browser needs linking
  // again; the stored link still names the account, which linkBrowser holds the user to.
  if (!device || device.public.toString() !== claims.sub) return undefined
  const { view, failedRenewal } = linkedView({
    name,
    device,
    signed: { record: stored, claims },
    lifetime,
    now,
  })
  if (options.renew && now().getTime() >= view.renewAt.getTime()) {
    try {
      const hint = {
        account: claims.iss,
        ...(stored.credentialId !== undefined && { credentialId: stored.credentialId }),
      }
      await view.renew(await options.renew(hint))
    } catch (error) {
      if (now().getTime() >= view.expiresAt.getTime()) throw error
      failedRenewal(error)
    }
  }
  return view
}

interface ReadAccount {
  identity: AccountIdentity
  key: string
}

function readAccount(fn: string, account: unknown): ReadAccount {
  const candidate = account as AccountIdentity | undefined
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.sign !== 'function' ||
    typeof candidate.public?.toString !== 'function'
  ) {
    throw new TypeError(`${fn}: account needs public.toString() and sign(data)`)
  }
  const key = candidate.public.toString()
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`${fn}: account.public.toString() must give a key string`)
  }
  return { identity: candidate, key }
}

/** A wallet identity (walletIdentity) has its wallet account and message; anything else is a passkey's. */
function mismatch(identity: AccountIdentity): IdentityError {
  const wallet = identity as { account?: unknown; message?: unknown }
  const isWallet = typeof wallet.account === 'string' && typeof wallet.message === 'string'
  return new IdentityError(isWallet ? 'wallet_identity_mismatch' : 'passkey_identity_mismatch')
}

function claimsOf(record: StoredLink): LinkClaims {
  const claims = readLink(record.link)?.claims
  // Never replaced silently: the record names the account this browser belongs to.
  if (!claims) throw new IdentityError('key_store_unavailable')
  return claims
}

/** A link record and its claims, read or signed once. */
interface SignedLink {
  record: StoredLink
  claims: LinkClaims
}

async function signFor(
  account: ReadAccount,
  device: string,
  aud: string,
  lifetime: number,
  now: Date,
): Promise<SignedLink> {
  const iat = Math.floor(now.getTime() / 1000) - LINK_BACKDATE_SECONDS
  const claims = { iss: account.key, sub: device, aud, iat, exp: iat + lifetime }
  const link = await signLink(claims, async (bytes) => account.identity.sign(bytes))
  const { credentialId } = account.identity
  const record: StoredLink = {
    version: 1,
    link,
    ...(typeof credentialId === 'string' && { credentialId }),
  }
  return { record, claims }
}

/** The app's view of a link, and how linkedBrowser records a renewal that failed. */
function linkedView(input: {
  name: string
  device: BrowserIdentity
  signed: SignedLink
  lifetime: number
  now: () => Date
}): { view: LinkedBrowser; failedRenewal(error: unknown): void } {
  const { name, device, lifetime, now } = input
  let { record, claims } = input.signed
  let renewError: unknown
  const renew = async (identity: AccountIdentity) => {
    const account = readAccount('renew', identity)
    if (account.key !== claims.iss) throw mismatch(identity)
    const next = await signFor(account, claims.sub, claims.aud, lifetime, now())
    await putLink(name, next.record)
    record = next.record
    claims = next.claims
    renewError = undefined
  }
  const view: LinkedBrowser = Object.freeze({
    identity: device,
    get account() {
      return claims.iss
    },
    get device() {
      return claims.sub
    },
    get link() {
      return record.link
    },
    get expiresAt() {
      return new Date(claims.exp * 1000)
    },
    get renewAt() {
      return new Date((claims.exp - (claims.exp - claims.iat) * RENEW_WHEN_LEFT) * 1000)
    },
    get renewError() {
      return renewError
    },
    renew,
    forget: () => deleteLinkedIdentity(name),
  })
  return {
    view,
    failedRenewal: (error) => {
      renewError = error
    },
  }
}

/** The options both calls take, checked: the object itself, `name`, `lifetimeSeconds` and `now`. */
function readCommonOptions(
  fn: string,
  options: unknown,
): { name: string; lifetime: number; now: () => Date } {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${fn}: options must be an object`)
  }
  const { name, lifetimeSeconds, now } = options as LinkedBrowserOptions
  return {
    name: readName(fn, name),
    lifetime: readLifetime(fn, lifetimeSeconds),
    now: readNow(fn, now),
  }
}

function readName(fn: string, name: unknown = DEFAULT_NAME): string {
  if (typeof name !== 'string' || name === '' || name.length > 200) {
    throw new TypeError(`${fn}: name must be a string of 1 to 200 characters`)
  }
  return name
}

function readLifetime(fn: string, seconds: unknown = LINK_LIFETIME_SECONDS): number {
  if (
    !Number.isSafeInteger(seconds) ||
    (seconds as number) <= 0 ||
    (seconds as number) > MAX_LIFETIME_SECONDS
  ) {
    throw new TypeError(
      `${fn}: lifetimeSeconds must be a whole number of seconds, 1 to ${MAX_LIFETIME_SECONDS}`,
    )
  }
  return seconds as number
}

function readNow(fn: string, now: unknown = () => new Date()): () => Date {
  if (typeof now !== 'function')
    throw new TypeError(`${fn}: now must be a function returning a Date`)
  return now as () => Date
}

function readOrigin(fn: string, origin: unknown): string {
  const value = origin ?? (globalThis as { location?: Location }).location?.origin
  let parsed: URL | undefined
  try {
    parsed = typeof value === 'string' ? new URL(value) : undefined
  } catch {
    parsed = undefined
  }
  // 'null' (opaque origins: sandboxed frames, file:) names no site, and the functions refuse ''.
  if (!parsed || parsed.origin === 'null' || parsed.origin !== value) {
    throw new TypeError(`${fn}: origin must be a web origin such as https://app.example`)
  }
  return value
}
