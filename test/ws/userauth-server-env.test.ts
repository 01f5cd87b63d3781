import { describe, expect, it } from 'vitest'
import { TokenProviderError } from '../../src/core/errors.ts'
import { userAuthServerOptionsFromEnv } from '../../src/ws/userauth-server-env.ts'

describe('userAuthServerOptionsFromEnv()', () => {
  it('leaves every limit to the server when nothing is set', () => {
    expect(userAuthServerOptionsFromEnv({})).toEqual({ port: 3001 })
  })

  it('reads every variable', () => {
    expect(
      userAuthServerOptionsFromEnv({
        PORT: '0',
        HOST: '127.0.0.1',
        WS_MAX_CONNECTIONS: '200',
        WS_MAX_CONNECTIONS_PER_IP: '4',
        WS_LOGINS_PER_MINUTE: ' 60 ',
        WS_SESSION_SECONDS: '300',
        WS_TRUST_PROXY: 'TRUE',
        WS_CLIENT_IP_HEADER: 'X-Real-IP',
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      maxConnections: 200,
      maxConnectionsPerIp: 4,
      loginsPerMinute: 60,
      sessionLifetimeMs: 300_000,
      trustProxy: true,
      clientIpHeader: 'x-real-ip',
    })
  })

  it.each([
    ['PORT', { PORT: '70000' }],
    ['WS_MAX_CONNECTIONS', { WS_MAX_CONNECTIONS: '0' }],
    ['WS_MAX_CONNECTIONS_PER_IP', { WS_MAX_CONNECTIONS_PER_IP: 'many' }],
    ['WS_LOGINS_PER_MINUTE', { WS_LOGINS_PER_MINUTE: '1.5' }],
    ['WS_SESSION_SECONDS', { WS_SESSION_SECONDS: '5' }],
    ['WS_TRUST_PROXY', { WS_TRUST_PROXY: 'yes' }],
    ['WS_CLIENT_IP_HEADER', { WS_CLIENT_IP_HEADER: 'x-real-ip' }],
    ['WS_CLIENT_IP_HEADER', { WS_TRUST_PROXY: 'true', WS_CLIENT_IP_HEADER: 'x real ip' }],
  ])('throws server_misconfigured naming %s', (name, env) => {
    let thrown: unknown
    try {
      userAuthServerOptionsFromEnv(env)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(TokenProviderError)
    expect((thrown as TokenProviderError).code).toBe('server_misconfigured')
    expect((thrown as TokenProviderError).detail).toMatch(new RegExp(`^${name} `))
  })
})
