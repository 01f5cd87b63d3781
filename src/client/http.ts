// The JSON calls to the token provider's functions, and the mapping of every possible answer
// (problem+json, other statuses, junk, thrown fetch, abort) to a coded UserAuthError.
import { readEnvelopePayload } from '../core/envelope-format.ts'
import { isContractCode, UserAuthError } from './errors.ts'
import type { FetchLike, UserAuth } from './types.ts'

/** What POST `/challenge` returns, checked: an envelope for the SDK's own key. */
export interface ChallengeResult {
  envelope: string
  /** The envelope's lifetime by its own claims (`exp - iat`), in milliseconds. */
  lifetimeMs: number
  /** Its `iat`: the functions' clock when they issued it, whole seconds. */
  issuedAt: number
}

/** What POST `/jwt` returns. */
export interface JwtResult {
  token: string
  expiresAt: string
}

/** Settings of one JSON call. */
export interface PostJsonOptions<T> {
  fetch: FetchLike
  url: string
  body: Record<string, string>
  timeoutMs: number
  /** Checks the shape of a 2xx body; undefined means malformed. */
  read: (json: Record<string, unknown>) => T | undefined
  /** Aborts the request; it then rejects with `aborted`. */
  signal?: AbortSignal
}

/**
 * POSTs a JSON body and returns the checked JSON object of a 2xx response.
 *
 * @throws a server code when the response is problem+json with a contract code.
 * @throws `network_error` when fetch throws, `request_timeout` after `timeoutMs`.
 * @throws `rate_limited` for a 429 without a problem body.
 * @throws `bad_response` for any other non-2xx, or a body that `read` refuses.
 * @throws `aborted` when `signal` is or becomes aborted before the body is read.
 * @example
 * const auth = await postJson({ fetch, url, body, timeoutMs, read: readUserAuth })
 */
export async function postJson<T>(options: PostJsonOptions<T>): Promise<T> {
  const { signal } = options
  if (signal?.aborted) throw new UserAuthError('aborted', { cause: signal.reason })
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, options.timeoutMs)
  const abort = () => controller.abort()
  signal?.addEventListener('abort', abort)
  const failed = (cause: unknown, status?: number) =>
    new UserAuthError(
      signal?.aborted ? 'aborted' : timedOut ? 'request_timeout' : 'network_error',
      status === undefined ? { cause } : { status, cause },
    )
  try {
    let response: Response
    try {
      response = await options.fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, application/problem+json',
        },
        body: JSON.stringify(options.body),
        signal: controller.signal,
      })
    } catch (cause) {
      throw failed(cause)
    }
    const status = response.status
    let text: string
    try {
      text = await response.text()
    } catch (cause) {
      throw failed(cause, status)
    }
    const json = parseObject(text)
    if (!response.ok) {
      const problem = isProblem(response) && json ? problemError(json, status) : undefined
      if (problem) throw problem
      throw new UserAuthError(status === 429 ? 'rate_limited' : 'bad_response', { status })
    }
    const result = json && options.read(json)
    if (result === undefined) throw new UserAuthError('bad_response', { status })
    return result
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', abort)
  }
}

/**
 * Checks a `/challenge` answer before anything is signed (no signing oracle): undefined
 * unless `expiresAt` is a non-empty string and `envelope` has the envelope's shape with a payload
 * whose `sub` is `pubkey`. Unauthenticated (the MAC is the server's business); it only guarantees
 * that the SDK signs envelopes for its own key and nothing else.
 *
 * @example
 * const read = (json) => readChallenge(json, identity.public.toString())
 */
export function readChallenge(
  json: Record<string, unknown>,
  pubkey: string,
): ChallengeResult | undefined {
  const { envelope, expiresAt } = json
  if (!isText(expiresAt)) return undefined
  const payload = readEnvelopePayload(envelope)
  if (payload?.sub !== pubkey) return undefined
  return {
    envelope: envelope as string,
    lifetimeMs: (payload.exp - payload.iat) * 1000,
    issuedAt: payload.iat,
  }
}

/**
 * Checks a `/jwt` answer; undefined unless `token` has a JWT's three base64url segments and
 * `expiresAt` is a date.
 *
 * @example
 * readJwt({ token: 'eyJ….eyJ….c2ln', expiresAt: '2030-01-01T00:15:00Z' })
 */
export function readJwt(json: Record<string, unknown>): JwtResult | undefined {
  const { token, expiresAt } = json
  if (!isJwtShaped(token) || !isText(expiresAt) || Number.isNaN(Date.parse(expiresAt)))
    return undefined
  return { token, expiresAt }
}

/**
 * True for three non-empty base64url parts (RFC 7519 §7.2 structure).
 *
 * @example
 * isJwtShaped(localStorage.getItem(key)) // junk in storage is ignored
 */
export function isJwtShaped(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value)
}

/**
 * Checks the shape of a `/token` answer and keeps only the `UserAuth` fields; undefined unless
 * key/sig/msg are non-empty strings, `msg` is a date and a present `token` is a non-empty string.
 *
 * @example
 * readUserAuth({ key: 'b…', sig: 'b…', msg: '2030-01-01T00:10:00.000Z' })
 */
export function readUserAuth(json: Record<string, unknown>): UserAuth | undefined {
  const { key, sig, msg, token } = json
  if (!isText(key) || !isText(sig) || !isText(msg) || Number.isNaN(Date.parse(msg)))
    return undefined
  if (token !== undefined && !isText(token)) return undefined
  return token === undefined ? { key, sig, msg } : { key, sig, msg, token }
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function isProblem(response: Response): boolean {
  const type = response.headers.get('content-type') ?? ''
  return type.split(';')[0]!.trim().toLowerCase() === 'application/problem+json'
}

// RFC 9457: only a contract code is trusted; an unknown one is treated as a malformed answer.
function problemError(json: Record<string, unknown>, status: number): UserAuthError | undefined {
  if (!isContractCode(json.code)) return undefined
  return new UserAuthError(json.code, {
    status,
    ...(typeof json.detail === 'string' ? { detail: json.detail } : {}),
    ...(typeof json.requestId === 'string' ? { requestId: json.requestId } : {}),
  })
}
