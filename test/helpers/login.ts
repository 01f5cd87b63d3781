// The one login of the test suites: challenge → sign UTF-8(envelope) → redeem, over any transport
// (in-process handlers, fetch over HTTP to netlify dev or a node:http adapter). Suites that need
// to tamper between the steps (the attack catalogue) use the same steps one by one.
import { encodeBase64Url } from '../../src/core/encoding.ts'

/** How a request reaches the functions: a path below the site (`/api/token`) and its init. */
export type Transport = (path: string, init: RequestInit) => Promise<Response>

/** Anything that signs as a Textile identity (`@textile/hub` `PrivateKey`, a node:crypto pool key). */
export interface LoginSigner {
  pubkey: string
  sign(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/** Options of {@link login}. */
export interface LoginOptions {
  transport: Transport
  signer: LoginSigner
  /** Extra request headers for both calls (an `Origin`, say). */
  headers?: Record<string, string>
  /** Where the proof is redeemed; default `/api/token` (`/api/jwt` for JWTs). */
  redeem?: string
  /** An account link, sent with both calls. */
  link?: string
}

/** Both answers of a login; `redeemed` is absent when the challenge was refused. */
export interface LoginResult {
  challenge: Response
  redeemed?: Response
  envelope?: string
}

/** A JSON POST init with extra headers. */
export function jsonPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
}

/** `fetch` to a running server at `origin`. */
export function fetchTransport(origin: string): Transport {
  return (path, init) => fetch(origin + path, init)
}

/** A `@textile/hub` `PrivateKey` as a {@link LoginSigner}. */
export function signerOf(id: {
  public: { toString(): string }
  sign(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>
}): LoginSigner {
  return { pubkey: id.public.toString(), sign: (bytes) => id.sign(bytes) }
}

/** The base64url Ed25519 signature of UTF-8(envelope). */
export async function signEnvelope(signer: LoginSigner, envelope: string): Promise<string> {
  return encodeBase64Url(new Uint8Array(await signer.sign(new TextEncoder().encode(envelope))))
}

/**
 * Runs a full login. The challenge's body is consumed only when it is a 200.
 *
 * @example
 * const { redeemed } = await login({ transport: fetchTransport(dev.url), signer: signerOf(id) })
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const { transport, signer, headers = {} } = options
  const link = options.link === undefined ? {} : { link: options.link }
  const challenge = await transport(
    '/api/challenge',
    jsonPost({ pubkey: signer.pubkey, ...link }, headers),
  )
  if (challenge.status !== 200) return { challenge }
  const { envelope } = (await challenge.clone().json()) as { envelope: string }
  const signature = await signEnvelope(signer, envelope)
  const redeemed = await transport(
    options.redeem ?? '/api/token',
    jsonPost({ envelope, signature, ...link }, headers),
  )
  return { challenge, redeemed, envelope }
}
