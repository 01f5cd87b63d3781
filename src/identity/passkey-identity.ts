// An identity derived from a passkey: WebAuthn's PRF extension (CTAP2 hmac-secret) gives 32 bytes
// that only this passkey, on this relying party, returns for a fixed input; HKDF turns them into
// an Ed25519 seed, imported as a non-extractable key (derive-identity.ts). The same passkey gives
// the same identity on every device it syncs to; nothing is stored in the page.
// Threat model: the WebAuthn assertion is not checked by any server (the challenge is random and
// unused): the login's proof of possession is the Ed25519 signature, as for every identity. The
// PRF input is a public constant chosen by the page's script, so every origin the browser lets use
// the passkey's rp id (the rp-id host, its subdomains, related origins) derives the same identity
// with a normal-looking prompt: an `rpId` other than the page's own host is refused
// (`passkey_rp_id_not_allowed`) unless the app opts in with `allowSharedRpId`. A script running in
// the page during the derivation can read the seed (it can hook crypto.subtle) or take the
// CryptoKey; after an XSS the identity must be treated as compromised. No PRF means no identity
// (`passkey_prf_unsupported`), never a random fallback that would look like the passkey's but be
// lost on reload. The PRF input and the HKDF label are versioned and must never change: a change
// is a new identity for every user.
import { decodeBase64, encodeBase64Url, utf8 } from '../core/encoding.ts'
import { deriveIdentity } from './derive-identity.ts'
import { errorName, IdentityError } from './errors.ts'
import { subtleCrypto, type WebCryptoIdentity } from './web-crypto-identity.ts'

/**
 * The label behind the PRF input (its SHA-256) and the HKDF info (with ` ed25519-seed`); fixed.
 *
 * @example
 * const prfInput = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(PASSKEY_IDENTITY_LABEL))
 */
export const PASSKEY_IDENTITY_LABEL = 'textile-token-provider/passkey-identity/v1'

/** Options of {@link passkeyIdentity}. */
export interface PasskeyIdentityOptions {
  /** Register a new discoverable passkey first (default false: use one the user already has). */
  create?: boolean
  /** The account name the passkey manager shows (with `create`); default `'Textile identity'`. */
  userName?: string
  /**
   * The WebAuthn relying party id; default the page's host name (`location.hostname`). Any other
   * value needs `allowSharedRpId: true`.
   */
  rpId?: string
  /**
   * Accept an `rpId` other than the page's host: a parent domain (then every origin on that
   * domain and its subdomains derives this same identity) or a related origin's rp id
   * (`/.well-known/webauthn`). Default false: such an `rpId` rejects with
   * `passkey_rp_id_not_allowed`. See docs/identity.md, "Which origins share a passkey identity".
   */
  allowSharedRpId?: boolean
  /** Ask for this passkey only (the `credentialId` of an earlier result); default any of the site's. */
  credentialId?: string
  /** Cancels the ceremony (`passkey_cancelled`). */
  signal?: AbortSignal
}

/** An identity derived from a passkey. */
export interface PasskeyIdentity extends WebCryptoIdentity {
  /** The passkey's credential id, base64url: pass it back as `credentialId` to ask for it alone. */
  readonly credentialId: string
}

/** The PRF extension's input and output, as far as the DOM typings lag behind it. */
interface PrfOutputs {
  prf?: { enabled?: boolean; results?: { first?: ArrayBuffer } }
}

/**
 * Derives the identity of a passkey, asking the user for one (or, with `create`, registering one
 * first). The same passkey always gives the same identity.
 *
 * @throws `passkey_prf_unsupported` when the browser has no WebAuthn, or the browser or the
 *   passkey has no PRF extension (a passkey registered by `create` then stays registered).
 * @throws `passkey_cancelled` when the user cancels, the request times out or `signal` aborts.
 * @throws `passkey_rp_id_not_allowed` when `rpId` is not the page's host and `allowSharedRpId` is
 *   not true (nothing is asked of the user).
 * @throws `passkey_failed` when the browser refuses for another reason (e.g. an `rpId` the page
 *   may not use).
 * @throws `ed25519_unsupported` when Web Crypto has no Ed25519 (or the page is not secure).
 * @example
 * const identity = await passkeyIdentity({ create: true, userName: 'alice' })
 * // later, on any device the passkey synced to:
 * const same = await passkeyIdentity()
 */
export async function passkeyIdentity(
  options: PasskeyIdentityOptions = {},
): Promise<PasskeyIdentity> {
  checkRpId(options)
  const credentials = (globalThis as { navigator?: Navigator }).navigator?.credentials
  if (!credentials || typeof PublicKeyCredential === 'undefined') {
    throw new IdentityError('passkey_prf_unsupported')
  }
  // Chrome 133+ says up front when the browser lacks PRF; the authenticator may still lack it.
  const capabilities = await (
    PublicKeyCredential as { getClientCapabilities?: () => Promise<Record<string, boolean>> }
  )
    .getClientCapabilities?.()
    .catch(() => undefined)
  if (capabilities?.['extension:prf'] === false) throw new IdentityError('passkey_prf_unsupported')

  const input = new Uint8Array(await subtleCrypto().digest('SHA-256', utf8(PASSKEY_IDENTITY_LABEL)))
  let credentialId = options.credentialId
  let output: ArrayBuffer | undefined
  if (options.create) {
    const created = await ceremony(() =>
      credentials.create({ publicKey: creationOptions(options, input), signal: options.signal }),
    )
    const prf = (created.getClientExtensionResults() as PrfOutputs).prf
    if (!prf?.enabled && !prf?.results?.first) throw new IdentityError('passkey_prf_unsupported')
    credentialId = encodeBase64Url(new Uint8Array(created.rawId))
    output = prf.results?.first
  }
  let rawId: ArrayBuffer | undefined
  if (!output) {
    // Not every authenticator evaluates PRF while registering: ask the new passkey once more.
    const asserted = await ceremony(() =>
      credentials.get({
        publicKey: requestOptions(options, input, credentialId),
        signal: options.signal,
      }),
    )
    rawId = asserted.rawId
    output = (asserted.getClientExtensionResults() as PrfOutputs).prf?.results?.first
    if (!output) throw new IdentityError('passkey_prf_unsupported')
  }
  const secret = new Uint8Array(output)
  try {
    if (secret.length !== 32) throw new IdentityError('passkey_prf_unsupported')
    const identity = await deriveIdentity(secret, `${PASSKEY_IDENTITY_LABEL} ed25519-seed`)
    const id = rawId ? encodeBase64Url(new Uint8Array(rawId)) : credentialId!
    return Object.freeze({ ...identity, credentialId: id })
  } finally {
    secret.fill(0)
  }
}

/** Refuses an rpId that other origins could share, unless the app said it accepts that. */
function checkRpId(options: PasskeyIdentityOptions): void {
  const { rpId, allowSharedRpId } = options
  if (allowSharedRpId !== undefined && typeof allowSharedRpId !== 'boolean') {
    throw new TypeError('passkeyIdentity: allowSharedRpId must be a boolean')
  }
  if (rpId === undefined) return
  if (typeof rpId !== 'string' || rpId === '') {
    throw new TypeError('passkeyIdentity: rpId must be a non-empty string')
  }
  const host = (globalThis as { location?: Location }).location?.hostname
  if (rpId !== host && allowSharedRpId !== true) {
    throw new IdentityError('passkey_rp_id_not_allowed')
  }
}

function creationOptions(
  options: PasskeyIdentityOptions,
  input: Uint8Array<ArrayBuffer>,
): PublicKeyCredentialCreationOptions {
  const userName = options.userName ?? 'Textile identity'
  if (typeof userName !== 'string' || userName === '' || userName.length > 64) {
    throw new TypeError('passkeyIdentity: userName must be a string of 1 to 64 characters')
  }
  return {
    rp: {
      name: options.rpId ?? location.hostname,
      ...(options.rpId !== undefined && { id: options.rpId }),
    },
    // A fresh user handle: each registration is its own account in the passkey manager.
    user: { id: random(16), name: userName, displayName: userName },
    challenge: random(32),
    // The passkey's own key type does not matter here; offer the common ones.
    pubKeyCredParams: [
      { type: 'public-key', alg: -8 },
      { type: 'public-key', alg: -7 },
      { type: 'public-key', alg: -257 },
    ],
    authenticatorSelection: {
      residentKey: 'required',
      requireResidentKey: true,
      userVerification: 'required',
    },
    extensions: { prf: { eval: { first: input } } } as AuthenticationExtensionsClientInputs,
  }
}

function requestOptions(
  options: PasskeyIdentityOptions,
  input: Uint8Array<ArrayBuffer>,
  credentialId: string | undefined,
): PublicKeyCredentialRequestOptions {
  let allowCredentials: PublicKeyCredentialDescriptor[] = []
  if (credentialId !== undefined) {
    const id = typeof credentialId === 'string' ? decodeBase64(credentialId) : undefined
    if (!id || id.length === 0)
      throw new TypeError('passkeyIdentity: credentialId is not base64url')
    allowCredentials = [{ type: 'public-key', id: new Uint8Array(id) }]
  }
  return {
    challenge: random(32),
    ...(options.rpId !== undefined && { rpId: options.rpId }),
    allowCredentials,
    // Always required: CTAP2 hmac-secret keeps one secret for assertions with user verification
    // and another without, so a mix would give the same passkey two identities.
    userVerification: 'required',
    extensions: { prf: { eval: { first: input } } } as AuthenticationExtensionsClientInputs,
  }
}

/** Runs a WebAuthn call and maps its DOMExceptions to codes. */
async function ceremony(call: () => Promise<Credential | null>): Promise<PublicKeyCredential> {
  let credential: Credential | null
  try {
    credential = await call()
  } catch (cause) {
    if (cause instanceof IdentityError || cause instanceof TypeError) throw cause
    // WebAuthn reports a cancel, a timeout and "no passkey here" alike, on purpose (privacy).
    const name = errorName(cause)
    const code =
      name === 'NotAllowedError' || name === 'AbortError' ? 'passkey_cancelled' : 'passkey_failed'
    throw new IdentityError(code, { cause })
  }
  if (!(credential instanceof PublicKeyCredential)) throw new IdentityError('passkey_cancelled')
  return credential
}

function random(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length))
}
