// Serving the functions from Netlify Edge Functions (Deno) instead of serverless (Node), chosen by
// configuration: TTP_RUNTIME=edge. Netlify runs an edge function before a serverless function on
// the same path, so both are always deployed and the edge one decides per request: with
// TTP_RUNTIME=edge it answers (and marks the response `x-ttp-runtime: edge`); otherwise it returns
// nothing and Netlify passes the untouched request on to functions/*.ts.
// Environment: Deno 2 defines a `process` global whose `env` is the Deno process environment, not
// the site's variables, so the handlers get `Netlify.env.toObject()` explicitly, never the default.
import type { VariableTable } from '../http/config-source.ts'
import type { HandlerOptions, RequestHandler } from '../http/endpoint.ts'
import { value, type Env } from '../http/env-values.ts'

/** The variable that selects the runtime: `edge`, or anything else (default) for serverless. */
export const RUNTIME_VARIABLE = 'TTP_RUNTIME'

/** The edge adapter's own variable (docs/configuration.md); the handlers read theirs. */
export const EDGE_VARIABLES = {
  /** `edge`: the edge functions answer the endpoints (default serverless). */
  [RUNTIME_VARIABLE]: {
    read: (env: Env, name: string) => value(env, name)?.toLowerCase() === 'edge',
  },
} as const satisfies VariableTable
/** The response header that says an edge function answered. */
export const RUNTIME_HEADER = 'x-ttp-runtime'

/** The part of Netlify's edge global used here (docs.netlify.com, Edge Functions API). */
interface NetlifyEdgeGlobal {
  env: { get(name: string): string | undefined; toObject(): Record<string, string> }
}

function netlifyEnv(): NetlifyEdgeGlobal['env'] {
  const scope = globalThis as { Netlify?: NetlifyEdgeGlobal }
  if (!scope.Netlify) throw new TypeError('not running in Netlify Edge Functions')
  return scope.Netlify.env
}

/** The site's variables inside an edge function. */
export const edgeEnv = (): Env => netlifyEnv().toObject()

/** True when this deployment serves the functions from the edge. */
export function isEdgeSelected(): boolean {
  const env = { [RUNTIME_VARIABLE]: netlifyEnv().get(RUNTIME_VARIABLE) }
  return EDGE_VARIABLES[RUNTIME_VARIABLE].read(env, RUNTIME_VARIABLE)
}

/**
 * Wraps a handler factory (and its options; `env` defaults to `Netlify.env`) as an edge function
 * that answers only when `TTP_RUNTIME=edge`.
 * Returning `undefined` lets Netlify continue to the serverless function on the same path.
 *
 * @example
 * export default serveOnEdge(createTokenHandler)
 */
export function serveOnEdge(
  create: (options: HandlerOptions) => RequestHandler,
  options: HandlerOptions = {},
): (request: Request, context: unknown) => Promise<Response | undefined> {
  let handler: RequestHandler | undefined
  return async (request, context) => {
    if (!isEdgeSelected()) return undefined
    handler ??= create({ ...options, env: options.env ?? edgeEnv })
    const response = await handler(request, context)
    response.headers.set(RUNTIME_HEADER, 'edge')
    return response
  }
}
