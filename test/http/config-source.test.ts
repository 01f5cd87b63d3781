import { describe, expect, it } from 'vitest'
import { webCryptoProvider } from '../../src/core/web-crypto.ts'
import { configSource, readVariables, secretValues } from '../../src/http/config-source.ts'
import { flag, seconds, value } from '../../src/http/env-values.ts'
import { jwtConfig } from '../../src/http/jwt-config.ts'
import { textileConfig } from '../../src/http/textile-config.ts'

const TABLE = {
  TTL_SECONDS: { read: seconds(60, 5, 600) },
  ON: { read: flag() },
  KEY: { secret: true, read: value },
} as const

describe('configSource()', () => {
  it('derives the names and the secrets from the table, and parses its typed values', async () => {
    const source = configSource(TABLE, async (vars) => ({ ttl: vars.TTL_SECONDS, on: vars.ON }))
    expect(source.variables).toEqual(['TTL_SECONDS', 'ON', 'KEY'])
    expect(source.secrets).toEqual(['KEY'])
    const env = { TTL_SECONDS: ' 90 ', ON: 'TRUE', KEY: 'k' }
    await expect(source.parse({ env, crypto: webCryptoProvider, deploy: {} })).resolves.toEqual({
      ttl: 90,
      on: true,
    })
    expect(secretValues(source, { KEY: 'a, b' })).toEqual(['a, b', 'a', 'b'])
  })

  it('keeps the secrets of the endpoints as they were: every key and secret, nothing else', () => {
    expect([...textileConfig.secrets].sort()).toEqual([
      'CHALLENGE_SECRET',
      'HUB_ISSUER_KEY',
      'USER_API_SECRET',
    ])
    expect([...jwtConfig.secrets].sort()).toEqual([
      'JWT_EDDSA_KEY',
      'JWT_ES256_KEY',
      'JWT_HS256_SECRET',
    ])
  })
})

describe('readVariables()', () => {
  it('reads a value on first access, so the parser decides which bad variable is named first', () => {
    const env = { TTL_SECONDS: '1', ON: 'maybe' }
    const vars = readVariables(TABLE, env)
    const detail = (read: () => unknown): unknown => {
      try {
        return read()
      } catch (error) {
        return error
      }
    }
    expect(detail(() => vars.ON)).toMatchObject({
      code: 'server_misconfigured',
      detail: 'ON must be true or false.',
    })
    expect(detail(() => vars.TTL_SECONDS)).toMatchObject({
      code: 'server_misconfigured',
      detail: 'TTL_SECONDS must be a whole number of seconds from 5 to 600.',
    })
    expect(vars.KEY).toBeUndefined()
  })

  it('reads each value once', () => {
    let reads = 0
    const vars = readVariables({ A: { read: () => ++reads } }, {})
    expect([vars.A, vars.A, reads]).toEqual([1, 1, 1])
  })
})
