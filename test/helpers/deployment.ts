// The test deployment: its secrets and site, the two handlers over a mutable env and clock with a
// capturing logger (so tests can prove no secret reaches a log line), and logins against them.
import type { PrivateKey } from '@textile/hub'
import { expect } from 'vitest'
import {
  createChallengeHandler,
  createTokenHandler,
  type Env,
  type HandlerOptions,
  type LogRecord,
} from '../../src/index.ts'
import {
  jsonPost,
  login as loginWith,
  signEnvelope as signWith,
  signerOf,
  type Transport,
} from './login.ts'
import { isErrorCode, type ErrorCode } from '../../src/core/errors.ts'
import { STATUS } from '../../src/http/problem.ts'
import { NOW } from './clock.ts'
import { identity } from './identity.ts'

/** Fixed secrets of the test deployment (all made up; the issuer is the vector's). */
export const SECRETS = {
  USER_API_KEY: 'bk44oyfuzqnvd6mlhbhyyjvq5qai',
  USER_API_SECRET: 'baibaeaqcaibaeaqcaibaeaqcaibaeaqcaibaeaq',
  CHALLENGE_SECRET: 'test-challenge-secret-0123456789abcdef',
  HUB_ISSUER_KEY:
    'bbaareqaha4dqobyha4dqobyha4dqobyha4dqobyha4dqobyha4dqobyha7veu3dd4kofecv66vihwezoyx4zkr3wv27l464siipou2iui3jcy',
} as const

/** The deployment's secret values (the API key is not one: it travels in every UserAuth). */
export const SECRET_VALUES = [
  SECRETS.USER_API_SECRET,
  SECRETS.CHALLENGE_SECRET,
  SECRETS.HUB_ISSUER_KEY,
] as const

/** Asserts that `text` (a response, a log, a page) holds none of `secrets`. */
export function expectNoSecret(text: string, secrets: readonly string[] = SECRET_VALUES): void {
  for (const secret of secrets) expect(text).not.toContain(secret)
}

/** The site the functions run on in tests. */
export const SITE = 'https://site.example'
/** The SDK's `endpoint` for the functions of {@link SITE}. */
export const ENDPOINT = `${SITE}/api`

/** A deployment: handlers over a mutable env and clock, with captured logs. */
export interface Deployment {
  env: Record<string, string | undefined>
  clock: { now: Date }
  logs: LogRecord[]
  challenge: ReturnType<typeof createChallengeHandler>
  token: ReturnType<typeof createTokenHandler>
}

/** Creates a deployment with issuer mode on unless `HUB_ISSUER_KEY: undefined` is passed. */
export function deployment(
  env: Env = {},
  options: Pick<HandlerOptions, 'policy' | 'envelopeStore' | 'crypto'> = {},
): Deployment {
  const state: Deployment = {
    env: { ...SECRETS, URL: SITE, ...env },
    clock: { now: NOW },
    logs: [],
    challenge: undefined as never,
    token: undefined as never,
  }
  const shared: HandlerOptions = {
    env: () => state.env,
    now: () => state.clock.now,
    logger: (record) => state.logs.push(record),
    ...options,
  }
  state.challenge = createChallengeHandler(shared)
  state.token = createTokenHandler(shared)
  return state
}

/** A POST with a JSON body (or raw text) and optional Origin. */
export function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(SITE + path, jsonPost(body, headers))
}

/** The deployment's handlers as a transport for {@link loginWith login()} (paths below {@link SITE}). */
export function handlersOf(d: Deployment): Transport {
  return (path, init) => {
    const handler = path === '/api/challenge' ? d.challenge : d.token
    return handler(new Request(SITE + path, init), {})
  }
}

/** Signs UTF-8(envelope) with the identity; base64url. */
export function signEnvelope(id: PrivateKey, envelope: string): Promise<string> {
  return signWith(signerOf(id), envelope)
}

/** Runs /api/challenge and returns the envelope (asserting 200). */
export async function challengeFor(
  d: Deployment,
  id: PrivateKey,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await handlersOf(d)(
    '/api/challenge',
    jsonPost({ pubkey: id.public.toString() }, headers),
  )
  if (response.status !== 200)
    throw new Error(`challenge ${response.status}: ${await response.text()}`)
  return ((await response.json()) as { envelope: string }).envelope
}

/** A signed envelope for `id` from the deployment's /api/challenge, ready for /api/token or /api/jwt. */
export async function signedBody(
  d: Deployment,
  id: PrivateKey = identity(),
  headers: Record<string, string> = {},
): Promise<{ envelope: string; signature: string }> {
  const envelope = await challengeFor(d, id, headers)
  return { envelope, signature: await signEnvelope(id, envelope) }
}

/** Full login against the deployment's handlers; returns the token response. */
export async function login(
  d: Deployment,
  id: PrivateKey,
  headers: Record<string, string> = {},
): Promise<Response> {
  const { challenge, redeemed } = await loginWith({
    transport: handlersOf(d),
    signer: signerOf(id),
    headers,
  })
  if (!redeemed) throw new Error(`challenge ${challenge.status}: ${await challenge.text()}`)
  return redeemed
}

/** Reads a problem+json body and checks the shape every error must have. */
export async function problem(
  response: Response,
): Promise<{ code: string; status: number } & Record<string, unknown>> {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  expect(response.headers.get('cache-control')).toBe('no-store')
  const body = (await response.json()) as { code: string; status: number } & Record<string, unknown>
  expect(isErrorCode(body.code)).toBe(true)
  expect(body).toMatchObject({
    type: `urn:textile-token-provider:error:${body.code}`,
    status: response.status,
  })
  expect(STATUS[body.code as ErrorCode]).toBe(response.status)
  return body
}
