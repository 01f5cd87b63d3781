import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { TokenProviderError } from '../../src/core/errors.ts'
import {
  clientKeyOf,
  readUpgradeRequest,
  type UpgradeRequestOptions,
} from '../../src/ws/upgrade-request.ts'

const PEER = '192.0.2.9'

function read(
  headers: Record<string, string>,
  options: Omit<UpgradeRequestOptions, 'request' | 'path'> = {},
) {
  const request = { headers, socket: { remoteAddress: PEER } } as unknown as IncomingMessage
  return readUpgradeRequest({ request, path: '/ws/userauth', ...options })
}

describe('clientKeyOf()', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::198.51.100.1', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s → %s', (ip, key) => {
    expect(clientKeyOf(ip)).toBe(key)
  })
})

describe('readUpgradeRequest()', () => {
  it('builds the URL from Host over http and keeps the Origin', () => {
    expect(read({ host: 'App.Example:3001', origin: 'http://app.example:3001' })).toEqual({
      url: 'http://app.example:3001/ws/userauth',
      origin: 'http://app.example:3001',
      clientIp: PEER,
      clientKey: PEER,
    })
    expect(read({ host: '[::1]:3001' }).url).toBe('http://[::1]:3001/ws/userauth')
  })

  it.each([
    'user@evil.example',
    'user:pass@127.0.0.1',
    'evil.example/path',
    'evil.example#x',
    'evil example',
    '',
    '[::1',
    '[::g]',
    'evil.example:99999',
    'evil.example:',
    'a'.repeat(300),
  ])('throws invalid_request for Host %j', (host) => {
    let thrown: unknown
    try {
      read({ host })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(TokenProviderError)
    expect((thrown as TokenProviderError).code).toBe('invalid_request')
  })

  it('believes X-Forwarded-Proto only behind a trusted proxy', () => {
    const headers = { host: 'app.example', 'x-forwarded-proto': 'https' }
    expect(read(headers).url).toBe('http://app.example/ws/userauth')
    expect(read(headers, { trustProxy: true }).url).toBe('https://app.example/ws/userauth')
    expect(read({ ...headers, 'x-forwarded-proto': 'gopher' }, { trustProxy: true }).url).toBe(
      'http://app.example/ws/userauth',
    )
  })

  it.each([
    ['a single address', { 'x-forwarded-for': '203.0.113.1' }, {}, '203.0.113.1'],
    ['the last of a list', { 'x-forwarded-for': '10.0.0.1, 203.0.113.1' }, {}, '203.0.113.1'],
    ['an address with a port', { 'x-forwarded-for': '203.0.113.1:4711' }, {}, '203.0.113.1'],
    ['bracketed IPv6 with a port', { 'x-forwarded-for': '[2001:db8::1]:443' }, {}, '2001:db8::1'],
    [
      'a configured header',
      { 'x-real-ip': '203.0.113.1' },
      { clientIpHeader: 'X-Real-IP' },
      '203.0.113.1',
    ],
    ['the socket when the header is not an address', { 'x-forwarded-for': 'evil' }, {}, PEER],
    ['the socket when the header is missing', {}, {}, PEER],
  ])('takes %s behind a trusted proxy', (_name, headers, options, ip) => {
    expect(read({ host: 'a.example', ...headers }, { trustProxy: true, ...options }).clientIp).toBe(
      ip,
    )
  })

  it('takes the socket address, whatever the headers say, without a trusted proxy', () => {
    const headers = { host: 'a.example', 'x-forwarded-for': '203.0.113.1', 'x-real-ip': '::1' }
    expect(read(headers)).toMatchObject({ clientIp: PEER, clientKey: PEER })
    expect(read(headers, { clientIpHeader: 'x-real-ip' })).toMatchObject({ clientIp: PEER })
  })
})
