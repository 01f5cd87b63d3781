// `npm run ws-server`'s own variables (the handlers read theirs from the same environment): port,
// interface, the socket limits, and whether a proxy's headers are believed. Each is checked here,
// so a typo stops the server at start, naming the variable, instead of leaving a limit off; the
// readers are the functions' own (src/http/env-values.ts).
import { flag, misconfigured, value, wholeNumber, type Env } from '../http/env-values.ts'
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
export function userAuthServerOptionsFromEnv(env: Env): UserAuthServerEnvOptions {
  const options: UserAuthServerEnvOptions = {
    port: wholeNumber(env, 'PORT', 0, 65_535, 'a port') ?? 3001,
  }
  const host = value(env, 'HOST')
  if (host) options.host = host
  const maxConnections = wholeNumber(env, 'WS_MAX_CONNECTIONS', 1, 1_000_000)
  if (maxConnections !== undefined) options.maxConnections = maxConnections
  const perIp = wholeNumber(env, 'WS_MAX_CONNECTIONS_PER_IP', 1, 1_000_000)
  if (perIp !== undefined) options.maxConnectionsPerIp = perIp
  const logins = wholeNumber(env, 'WS_LOGINS_PER_MINUTE', 1, 1_000_000)
  if (logins !== undefined) options.loginsPerMinute = logins
  const session = wholeNumber(env, 'WS_SESSION_SECONDS', 10, 3600, 'a whole number of seconds')
  if (session !== undefined) options.sessionLifetimeMs = session * 1000

  if (flag(env, 'WS_TRUST_PROXY')) options.trustProxy = true
  const header = value(env, 'WS_CLIENT_IP_HEADER')
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
