// `npm run ws-server`'s own variables (the handlers read theirs from the same environment): port,
// interface, the socket limits, and whether a proxy's headers are believed. Each is checked here,
// so a typo stops the server at start, naming the variable, instead of leaving a limit off.
import { TokenProviderError } from '../core/errors.ts'
import type { UserAuthServerOptions } from './userauth-server.ts'

/** Every variable {@link userAuthServerOptionsFromEnv} reads. */
export const WS_SERVER_VARIABLES = [
  'PORT',
  'HOST',
  'WS_MAX_CONNECTIONS',
  'WS_MAX_CONNECTIONS_PER_IP',
  'WS_LOGINS_PER_MINUTE',
  'WS_SESSION_SECONDS',
  'WS_TRUST_PROXY',
  'WS_CLIENT_IP_HEADER',
] as const

/** The server options the environment sets (unset variables leave the server's defaults). */
export type UserAuthServerEnvOptions = Pick<
  UserAuthServerOptions,
  | 'port'
  | 'host'
  | 'maxConnections'
  | 'maxConnectionsPerIp'
  | 'loginsPerMinute'
  | 'sessionLifetimeMs'
  | 'trustProxy'
  | 'clientIpHeader'
>

/**
 * Reads the websocket server's variables: `PORT` (default 3001), `HOST`, `WS_MAX_CONNECTIONS`,
 * `WS_MAX_CONNECTIONS_PER_IP`, `WS_LOGINS_PER_MINUTE`, `WS_SESSION_SECONDS`, `WS_TRUST_PROXY`
 * and `WS_CLIENT_IP_HEADER`.
 *
 * @throws TokenProviderError `server_misconfigured` naming the variable (never its value) when a
 *   value is out of range, or `WS_CLIENT_IP_HEADER` is set without `WS_TRUST_PROXY=true`.
 * @example
 * const server = await startUserAuthServer(userAuthServerOptionsFromEnv(process.env))
 */
export function userAuthServerOptionsFromEnv(
  env: Record<string, string | undefined>,
): UserAuthServerEnvOptions {
  const text = (name: string) => env[name]?.trim() || undefined
  const whole = (name: string, min: number, max: number, what = 'a whole number') => {
    const value = text(name)
    if (value === undefined) return undefined
    const number = /^\d+$/.test(value) ? Number(value) : NaN
    if (!(number >= min && number <= max)) {
      throw misconfigured(`${name} must be ${what} from ${min} to ${max}.`)
    }
    return number
  }
  const options: UserAuthServerEnvOptions = { port: whole('PORT', 0, 65_535, 'a port') ?? 3001 }
  const host = text('HOST')
  if (host) options.host = host
  const maxConnections = whole('WS_MAX_CONNECTIONS', 1, 1_000_000)
  if (maxConnections !== undefined) options.maxConnections = maxConnections
  const perIp = whole('WS_MAX_CONNECTIONS_PER_IP', 1, 1_000_000)
  if (perIp !== undefined) options.maxConnectionsPerIp = perIp
  const logins = whole('WS_LOGINS_PER_MINUTE', 1, 1_000_000)
  if (logins !== undefined) options.loginsPerMinute = logins
  const session = whole('WS_SESSION_SECONDS', 10, 3600, 'a whole number of seconds')
  if (session !== undefined) options.sessionLifetimeMs = session * 1000

  const trust = text('WS_TRUST_PROXY')?.toLowerCase()
  if (trust !== undefined && trust !== 'true' && trust !== 'false') {
    throw misconfigured('WS_TRUST_PROXY must be true or false.')
  }
  if (trust === 'true') options.trustProxy = true
  const header = text('WS_CLIENT_IP_HEADER')
  if (header !== undefined) {
    if (!options.trustProxy) {
      throw misconfigured('WS_CLIENT_IP_HEADER is only read with WS_TRUST_PROXY=true.')
    }
    if (!/^[a-z0-9-]{1,64}$/i.test(header)) {
      throw misconfigured('WS_CLIENT_IP_HEADER must be a header name (letters, digits, hyphens).')
    }
    options.clientIpHeader = header.toLowerCase()
  }
  return options
}

function misconfigured(detail: string): TokenProviderError {
  return new TokenProviderError('server_misconfigured', detail)
}
