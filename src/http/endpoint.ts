// The request pipeline both functions share: config → origin → method → body → core → respond.
// Every outcome is a contract response; anything unexpected becomes internal_error, logged with a
// request id and a redacted message, and never shown to the client.
import { TokenProviderError } from '../core/errors.ts'
import { loadConfig, type Config, type Env } from './config.ts'
import { corsHeaders, isOriginAllowed, preflightResponse } from './cors.ts'
import type { EnvelopeStore } from './envelope-store.ts'
import { consoleLogger, redact, type Logger } from './log.ts'
import type { PubkeyPolicy } from './policy.ts'
import { problemResponse } from './problem.ts'
import { readJsonObject } from './read-json.ts'

/** Options shared by {@link createChallengeHandler} and {@link createTokenHandler}. */
export interface HandlerOptions {
  /** Where configuration comes from; default `process.env` (or `Netlify.env` where only it exists). */
  env?: () => Env
  /** The clock; default the wall clock. */
  now?: () => Date
  /** The app's own user model, consulted after `ALLOWED_PUBKEYS`. */
  policy?: PubkeyPolicy
  /** Where the one log line per request goes; default JSON on the console. */
  logger?: Logger
  /**
   * Where redeemed envelopes are remembered when `SINGLE_USE_ENVELOPES=true`; default Netlify
   * Blobs ({@link createBlobsEnvelopeStore}). Unused in the default stateless mode.
   */
  envelopeStore?: EnvelopeStore
}

/** A Netlify Functions v2 handler; `context` may be `{}` or absent. */
export type Handler = (request: Request, context?: unknown) => Promise<Response>

/** What an endpoint's core step receives. */
export interface EndpointInput {
  request: Request
  body: Record<string, unknown>
  config: Config
  /** The request's `Origin`, or '' when it sent none. */
  origin: string
  now: Date
  /** The environment this request was configured from (for endpoints with their own variables). */
  env: Env
}

const SECRET_VARIABLES = [
  'USER_API_SECRET',
  'CHALLENGE_SECRET',
  'HUB_ISSUER_KEY',
  'JWT_HS256_SECRET',
  'JWT_EDDSA_KEY',
]

/** Builds a handler around an endpoint's core step. */
export function createEndpoint(
  fn: string,
  options: HandlerOptions,
  run: (input: EndpointInput) => Promise<object>,
): Handler {
  const readEnv = options.env ?? defaultEnv
  const now = options.now ?? (() => new Date())
  const logger = options.logger ?? consoleLogger

  return async (request, context) => {
    const started = performance.now()
    const requestId = requestIdOf(request, context)
    let origin = ''
    let allowed = false
    let response: Response
    let failure: unknown
    const env = readEnv()
    try {
      const config = await loadConfig(env)
      origin = request.headers.get('origin') ?? ''
      if (origin && !isOriginAllowed(config, origin, request.url)) {
        throw new TokenProviderError('origin_not_allowed')
      }
      allowed = true
      if (request.method === 'OPTIONS') {
        response = preflightResponse(origin)
      } else if (request.method !== 'POST') {
        throw new TokenProviderError('method_not_allowed')
      } else {
        const body = await readJsonObject(request)
        const result = await run({ request, body, config, origin, now: now(), env })
        const headers = corsHeaders(origin)
        headers.set('Content-Type', 'application/json')
        headers.set('Cache-Control', 'no-store')
        response = new Response(JSON.stringify(result), { status: 200, headers })
      }
    } catch (error) {
      failure = error
      const coded = TokenProviderError.from(error)
      const headers = allowed ? corsHeaders(origin) : new Headers()
      if (coded.code === 'method_not_allowed') headers.set('Allow', 'POST, OPTIONS')
      response = problemResponse(coded, { requestId, headers })
    }
    const code = failure === undefined ? undefined : TokenProviderError.from(failure).code
    logger({
      level: code === 'internal_error' ? 'error' : code ? 'warn' : 'info',
      event: 'request',
      fn,
      requestId,
      method: request.method,
      status: response.status,
      ...(code && { code }),
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(code === 'internal_error' && {
        error: redact(describe(failure), secretsOf(env)),
      }),
    })
    return response
  }
}

/** Every secret value: whole variables and each item of a list (a rotated CHALLENGE_SECRET). */
function secretsOf(env: Env): string[] {
  return SECRET_VARIABLES.flatMap((name) => {
    const text = env[name]
    return text ? [text, ...text.split(',').map((item) => item.trim())] : []
  })
}

/** `process.env`, or `Netlify.env` where only it exists (edge functions pass their own `env`). */
export function defaultEnv(): Env {
  const scope = globalThis as {
    process?: { env?: Env }
    Netlify?: { env?: { toObject?: () => Env } }
  }
  return scope.process?.env ?? scope.Netlify?.env?.toObject?.() ?? {}
}

/** Netlify's request id (context or `x-nf-request-id`), else a fresh UUID. */
export function requestIdOf(request: Request, context: unknown): string {
  const fromContext = (context as { requestId?: unknown } | undefined)?.requestId
  if (typeof fromContext === 'string' && fromContext) return fromContext.slice(0, 64)
  const header = request.headers.get('x-nf-request-id')
  if (header && /^[\w-]{1,64}$/.test(header)) return header
  return crypto.randomUUID()
}

function describe(error: unknown): string {
  const cause = error instanceof TokenProviderError ? error.cause : error
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`.slice(0, 300)
  return typeof cause
}
