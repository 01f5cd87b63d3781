// The one request pipeline of every endpoint: config → origin → method → body → run → respond.
// It knows nothing about the endpoints: each brings its name, methods, configuration source (with
// its own secrets) and a run step. Every outcome is a contract response with the same CORS
// handling and one log line; anything unexpected becomes internal_error, logged with a request id
// and a redacted message, and never shown to the client.
import type { CryptoProvider } from '../core/crypto-provider.ts'
import { TokenProviderError, type ErrorCode } from '../core/errors.ts'
import { webCryptoProvider } from '../core/web-crypto.ts'
import {
  createConfigLoader,
  secretValues,
  type ConfigSource,
  type DeployFacts,
} from './config-source.ts'
import { corsHeaders, isOriginAllowed, preflightResponse, type OriginRules } from './cors.ts'
import type { EnvelopeStore } from './envelope-store.ts'
import type { Env } from './env-values.ts'
import { consoleLogger, redact, redactFields, type LogRecord, type Logger } from './log.ts'
import type { PubkeyPolicy } from './policy.ts'
import { problemResponse } from './problem.ts'
import { readJsonObject } from './read-json.ts'

/** Options of every handler factory. */
export interface HandlerOptions {
  /** Where configuration comes from; default `process.env` (or `Netlify.env` where only it exists). */
  env?: () => Env
  /** The clock; default the wall clock. */
  now?: () => Date
  /** Where the one log line per request goes; default JSON on the console. */
  logger?: Logger
  /**
   * HMAC and Ed25519 primitives; default Web Crypto. The ready-made Netlify functions pass
   * node:crypto (`textile-token-provider/node`).
   */
  crypto?: CryptoProvider
  /** The app's own user model, consulted after `ALLOWED_PUBKEYS`. */
  policy?: PubkeyPolicy
  /**
   * Where redeemed envelopes are remembered when `SINGLE_USE_ENVELOPES=true`; default Netlify
   * Blobs ({@link createBlobsEnvelopeStore}). Unused in the default stateless mode.
   */
  envelopeStore?: EnvelopeStore
}

/** A web-standard handler, as Netlify Functions v2 and Edge Functions call it; `context` may be `{}`. */
export type RequestHandler = (request: Request, context?: unknown) => Promise<Response>

/** The HTTP methods an endpoint may serve (OPTIONS preflight is always answered). */
export type EndpointMethod = 'GET' | 'HEAD' | 'POST'

/** What an endpoint's run step receives. */
export interface EndpointInput<C> {
  request: Request
  /** The JSON object body of a POST; `{}` for other methods. */
  body: Record<string, unknown>
  config: C
  /** The request's `Origin`, or '' when it sent none. */
  origin: string
  now: Date
  /**
   * What this request's log line adds, whatever the outcome: `fields` (an endpoint's own counts,
   * string values redacted; undefined values left out); `level` only raises the line's level.
   */
  log: LogAnnotations
}

/** What a run step may add to its log line. */
export interface LogAnnotations {
  level?: LogRecord['level']
  fields?: Readonly<Record<string, string | number | boolean | undefined>>
}

/** What a run step answers: a JSON body, plus headers that replace the defaults. */
export interface EndpointResult {
  body: unknown
  /** Default `Content-Type: application/json` and `Cache-Control: no-store`. */
  headers?: Record<string, string>
  /** Default 200; 304 (a conditional GET that matched) sends the headers and no body. */
  status?: 200 | 304
}

/** Everything that makes one endpoint. */
export interface EndpointSpec<C> {
  /** Named in every log line (`fn`). */
  name: string
  methods: readonly EndpointMethod[]
  config: ConfigSource<C>
  /**
   * Who may call from a browser: `'site'`, the configuration's origin rules (the response echoes
   * an allowed `Origin`; others get `origin_not_allowed`); `'any'`, public data (`*`); `'none'`,
   * not a browser endpoint (no CORS headers; a request with an `Origin` is refused).
   */
  origins: C extends OriginRules ? 'site' | 'any' | 'none' : 'any' | 'none'
  /** A POST's body: `'json'` (default), a JSON object; `'ignore'`, never read. */
  body?: 'json' | 'ignore'
  /** The `event` of its log lines; default `'request'`. */
  event?: LogRecord['event']
  /** Applied to a logged error message before secrets are redacted (an endpoint's own scrub). */
  scrubError?: (text: string) => string
  run(input: EndpointInput<C>): Promise<EndpointResult>
}

const LEVELS: readonly LogRecord['level'][] = ['info', 'warn', 'error']

/**
 * Builds a handler from an endpoint's spec and the caller's options.
 *
 * @example
 * return createEndpoint({ name: 'challenge', methods: ['POST'], config: textileConfig, origins: 'site', run }, options)
 */
export function createEndpoint<C>(spec: EndpointSpec<C>, options: HandlerOptions): RequestHandler {
  const readEnv = options.env ?? defaultEnv
  const now = options.now ?? (() => new Date())
  const logger = options.logger ?? consoleLogger
  const load = createConfigLoader(spec.config, options.crypto ?? webCryptoProvider)
  const allow = [...spec.methods, 'OPTIONS'].join(', ')

  return async (request, context) => {
    const started = performance.now()
    const requestId = requestIdOf(request, context)
    const env = readEnv()
    const deploy = deployFactsOf(context)
    const origin = request.headers.get('origin') ?? ''
    let cors: Headers | undefined
    let response: Response
    let failure: unknown
    const log: LogAnnotations = {}
    try {
      let config: C | undefined
      if (spec.origins === 'site') {
        config = await load(env, deploy)
        if (origin && !isOriginAllowed(config as OriginRules, origin, request.url)) {
          throw new TokenProviderError('origin_not_allowed')
        }
      }
      if (spec.origins === 'none' && origin) throw new TokenProviderError('origin_not_allowed')
      cors = corsHeaders(spec.origins === 'any' ? '*' : spec.origins === 'site' ? origin : '')
      const method = request.method as EndpointMethod
      if (request.method === 'OPTIONS') {
        response = preflightResponse(cors, allow)
      } else if (!spec.methods.includes(method)) {
        throw new TokenProviderError('method_not_allowed')
      } else {
        config ??= await load(env, deploy)
        const json = method === 'POST' && spec.body !== 'ignore'
        const body = json ? await readJsonObject(request) : {}
        const result = await spec.run({ request, body, config, origin, now: now(), log })
        const headers = new Headers(cors)
        headers.set('Content-Type', 'application/json')
        headers.set('Cache-Control', 'no-store')
        for (const [name, value] of Object.entries(result.headers ?? {})) headers.set(name, value)
        const status = result.status ?? 200
        const text = method === 'HEAD' || status === 304 ? null : JSON.stringify(result.body)
        response = new Response(text, { status, headers })
      }
    } catch (error) {
      failure = error
      const coded = TokenProviderError.from(error)
      const headers = new Headers(cors)
      if (coded.code === 'method_not_allowed') headers.set('Allow', allow)
      response = problemResponse(coded, { requestId, headers })
    }
    // Netlify applies [[headers]] to static files only, never to function responses.
    response.headers.set('X-Content-Type-Options', 'nosniff')
    const code: ErrorCode | undefined =
      failure === undefined ? undefined : TokenProviderError.from(failure).code
    // A broken deployment is the operator's error, as much as a bug is.
    const outcome =
      code === 'internal_error' || code === 'server_misconfigured'
        ? 'error'
        : code
          ? 'warn'
          : 'info'
    const level = LEVELS[Math.max(LEVELS.indexOf(outcome), LEVELS.indexOf(log.level ?? 'info'))]!
    logger({
      level,
      event: spec.event ?? 'request',
      fn: spec.name,
      requestId,
      method: request.method,
      status: response.status,
      ...(code && { code }),
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(code === 'internal_error' && {
        error: redact(
          (spec.scrubError ?? String)(describe(failure)),
          secretValues(spec.config, env),
        ).slice(0, 300),
      }),
      ...(log.fields && { fields: redactFields(log.fields, secretValues(spec.config, env)) }),
    })
    return response
  }
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

/**
 * The deploy facts in a Netlify `Context` (`deploy.context`, `site.url`); `{}` for other hosts.
 * Read defensively: only short slugs and http(s) URLs count.
 */
export function deployFactsOf(context: unknown): DeployFacts {
  const scope = context as
    { deploy?: { context?: unknown }; site?: { url?: unknown } } | undefined | null
  const facts: DeployFacts = {}
  const name = scope?.deploy?.context
  if (typeof name === 'string' && /^[a-z0-9-]{1,64}$/.test(name)) facts.context = name
  const url = scope?.site?.url
  if (typeof url === 'string' && /^https?:\/\/[^\s]{1,253}$/.test(url)) facts.siteUrl = url
  return facts
}

function describe(error: unknown): string {
  const cause = error instanceof TokenProviderError ? error.cause : error
  // Cut after scrubbing and redaction, so a cut never leaves part of a secret behind.
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`.slice(0, 2000)
  return typeof cause
}
