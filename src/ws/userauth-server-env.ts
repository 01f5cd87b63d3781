// `npm run ws-server`'s own variables (the handlers read theirs from the same environment): port,
// interface, the socket limits, and whether a proxy's headers are believed. Each is checked here,
// so a typo stops the server at start, naming the variable, instead of leaving a limit off; the
// readers are the functions' own (src/http/env-values.ts).
import { readVariables, type VariableTable } from '../http/config-source.ts'
import { flag, misconfigured, value, wholeNumber, type Env } from '../http/env-values.ts'
import type { UserAuthServerOptions } from './userauth-server.ts'

/** The websocket server's own variables (docs/configuration.md), one entry each. */
export const WS_SERVER_TABLE = {
  /** Listening port (default 3001). */
  PORT: { read: wholeNumber(0, 65_535, 'a port') },
  /** Listening interface (default all). */
  HOST: { read: value },
  /** Most open sockets. */
  WS_MAX_CONNECTIONS: { read: wholeNumber(1, 1_000_000) },
  /** Most open sockets per client address. */
  WS_MAX_CONNECTIONS_PER_IP: { read: wholeNumber(1, 1_000_000) },
  /** Logins per client address and minute. */
  WS_LOGINS_PER_MINUTE: { read: wholeNumber(1, 1_000_000) },
  /** A socket's lifetime, busy or not. */
  WS_SESSION_SECONDS: { read: wholeNumber(10, 3600, 'a whole number of seconds') },
  /** True: believe the reverse proxy's headers. */
  WS_TRUST_PROXY: { read: flag() },
  /** The proxy's client-address header (with WS_TRUST_PROXY=true). */
  WS_CLIENT_IP_HEADER: { read: clientIpHeader },
} as const satisfies VariableTable

/** Every variable {@link userAuthServerOptionsFromEnv} reads. */
export const WS_SERVER_VARIABLES = Object.keys(
  WS_SERVER_TABLE,
) as readonly (keyof typeof WS_SERVER_TABLE)[]

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
  const vars = readVariables(WS_SERVER_TABLE, env)
  const options: UserAuthServerEnvOptions = { port: vars.PORT ?? 3001 }
  if (vars.HOST) options.host = vars.HOST
  const maxConnections = vars.WS_MAX_CONNECTIONS
  if (maxConnections !== undefined) options.maxConnections = maxConnections
  const perIp = vars.WS_MAX_CONNECTIONS_PER_IP
  if (perIp !== undefined) options.maxConnectionsPerIp = perIp
  const logins = vars.WS_LOGINS_PER_MINUTE
  if (logins !== undefined) options.loginsPerMinute = logins
  const session = vars.WS_SESSION_SECONDS
  if (session !== undefined) options.sessionLifetimeMs = session * 1000

  if (vars.WS_TRUST_PROXY) options.trustProxy = true
  const header = vars.WS_CLIENT_IP_HEADER
  if (header !== undefined) {
    if (!options.trustProxy) {
      throw misconfigured('WS_CLIENT_IP_HEADER is only read with WS_TRUST_PROXY=true.')
    }
    options.clientIpHeader = header
  }
  return options
}

/** A header name, lower-cased. */
function clientIpHeader(env: Env, name: string): string | undefined {
  const header = value(env, name)
  if (header !== undefined && !/^[a-z0-9-]{1,64}$/i.test(header)) {
    throw misconfigured(`${name} must be a header name (letters, digits, hyphens).`)
  }
  return header?.toLowerCase()
}
