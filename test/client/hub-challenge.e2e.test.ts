// Hub-challenge mode is no signing oracle either. A hostile hub, or anyone on the path to a
// plain-`http:` hub, could relay UTF-8(envelope) of `/api/challenge` for the user's key as "the
// challenge" and redeem the signature at `/api/token`; or ask for any number of signatures on one
// stream. The SDK signs exactly one 32-byte challenge per stream, and talks to a hub in clear text
// only on loopback; anything else is `hub_error` / `hub_url_insecure` and `sign` is not called.
import { describe, expect, vi } from 'vitest'
import { getHubToken } from '../../src/client/hub/get-hub-token.ts'
import { hubSocketUrl, isSecureHubUrl } from '../../src/client/hub/hub-url.ts'
import { installWebSocket, type HubBehaviour } from '../helpers/fake-hub.ts'
import { hubToken, issuedToken } from '../helpers/fake-server.ts'
import { spiedIdentity } from '../helpers/identity.ts'
import { it as sdkIt, type SdkFixtures } from '../helpers/sdk-fixtures.ts'

/** A global WebSocket that records the URLs it is asked to open and never connects. */
class RecordingWebSocket extends EventTarget {
  static urls: string[] = []
  binaryType = 'blob'
  constructor(url: string) {
    super()
    RecordingWebSocket.urls.push(url)
    queueMicrotask(() => this.dispatchEvent(new Event('error')))
  }
  send() {}
  close() {}
}

/** `it` with `socketUrls`: {@link RecordingWebSocket} as the global WebSocket during the test. */
const it = sdkIt.extend<{ socketUrls: string[] }>({
  socketUrls: async ({}, use) => {
    RecordingWebSocket.urls = []
    const restore = installWebSocket(RecordingWebSocket)
    await use(RecordingWebSocket.urls)
    restore()
  },
})

/** What the identity signed, as text (envelopes) or a byte count (anything else). */
const signed = (sign: ReturnType<typeof spiedIdentity>['sign']) =>
  sign.mock.calls.map(([bytes]) => {
    const text = new TextDecoder().decode(bytes)
    return text.startsWith('ttp1.') ? 'envelope' : bytes.length
  })

/** Logs in against a fake hub behaving as told; what the identity signed and the hub saw. */
async function loginAgainst(hubProvider: SdkFixtures['hubProvider'], behaviour: HubBehaviour) {
  const { identity, sign } = spiedIdentity()
  const { provider, hub } = await hubProvider({ hub: behaviour, identity, timeoutMs: 2000 })
  const error = await provider().catch((e: unknown) => e)
  return { error, signed: signed(sign), hub: hub.state }
}

describe('createUserAuthProvider() against a hostile hub', () => {
  it.for([
    ['relay-envelope', 'UTF-8 of an /api/challenge envelope for this key'],
    ['short-challenge', '31 bytes'],
    ['long-challenge', '33 bytes'],
    ['empty-challenge', 'an empty challenge'],
  ] as const)(
    'rejects with hub_error and never signs when the hub sends %s (%s)',
    async ([behaviour], { hubProvider }) => {
      const result = await loginAgainst(hubProvider, behaviour)
      expect(result.error).toMatchObject({ code: 'hub_error' })
      // Only the login's own envelope was signed; the hub got no signature.
      expect(result.signed).toEqual(['envelope'])
      expect(result.hub.signatures).toEqual([])
    },
  )

  it('rejects with hub_error when the hub sends two challenges, sending no signature', async ({
    hubProvider,
  }) => {
    const result = await loginAgainst(hubProvider, 'two-challenges')
    expect(result.error).toMatchObject({ code: 'hub_error' })
    expect(result.signed.filter((item) => item !== 'envelope').length).toBeLessThanOrEqual(1)
    expect(result.hub.signatures).toEqual([])
  })

  it('rejects with hub_error and signs once when the hub answers the signature with another challenge', async ({
    hubProvider,
  }) => {
    const result = await loginAgainst(hubProvider, 'challenge-after-signature')
    expect(result.error).toMatchObject({ code: 'hub_error' })
    expect(result.signed).toEqual(['envelope', 32])
    expect(result.hub.signatures).toHaveLength(1)
  })

  it('signs one 32-byte challenge from an honest hub', async ({ hubProvider }) => {
    const { identity, sign, pubkey } = spiedIdentity()
    const { provider, hub } = await hubProvider({ identity })
    const auth = await provider()
    expect(auth.token).toBe(hubToken(1, pubkey))
    expect(signed(sign)).toEqual(['envelope', 32])
    expect(hub.state.signatures.map((entry) => entry.verified)).toEqual([true])
  })
})

const INSECURE = [
  'http://hub.example:6007',
  'http://192.168.1.10:6007',
  'http://10.0.0.2',
  'http://127.0.0.1.evil.example',
  'http://127.0.0.1@evil.example',
  'http://localhost.evil.example',
  'http://[::2]:6007',
  'http://0.0.0.0:6007',
]
const SECURE = [
  'https://hub.example',
  'HTTPS://hub.example:8443/',
  'http://127.0.0.1:6007',
  'http://127.8.9.10',
  'http://127.1:6007',
  'http://localhost:6007',
  'http://LOCALHOST',
  'http://[::1]:6007',
  'http://[0:0:0:0:0:0:0:1]',
]

describe('createUserAuthProvider() with a plain-http hub', () => {
  it.for(INSECURE)(
    'rejects %s with hub_url_insecure before opening a socket or signing for the hub',
    async (hubUrl, { socketUrls, userAuthProvider }) => {
      const { identity, sign } = spiedIdentity()
      const { provider } = userAuthProvider({ identity, hubUrl })
      await expect(provider()).rejects.toMatchObject({ code: 'hub_url_insecure' })
      expect(socketUrls).toEqual([])
      expect(signed(sign)).toEqual(['envelope'])
    },
  )

  it.for(SECURE)(
    'opens the GetToken socket for %s',
    async (hubUrl, { socketUrls, userAuthProvider }) => {
      const { provider } = userAuthProvider({ hubUrl })
      // The recorder fails the socket before it opens: hub_unreachable, after the URL was taken.
      await expect(provider()).rejects.toMatchObject({ code: 'hub_unreachable' })
      expect(socketUrls).toEqual([
        hubSocketUrl(hubUrl.replace(/\/+$/, ''), '/threads.pb.API/GetToken'),
      ])
    },
  )

  it('still works in issuer mode with a plain-http hubUrl (the SDK never talks to that hub)', async ({
    userAuthProvider,
  }) => {
    const { provider, pubkey } = userAuthProvider({
      hubUrl: 'http://hub.example:6007',
      server: { issuer: true },
    })
    await expect(provider()).resolves.toMatchObject({ token: issuedToken(1, pubkey) })
  })
})

describe('getHubToken()', () => {
  it('rejects with hub_url_insecure for a plain-http hub off loopback, opening no socket', async ({
    socketUrls,
  }) => {
    const sign = vi.fn(async () => new Uint8Array(64))
    const auth = { key: 'bkey', sig: 'bsig', msg: '2030-01-01T00:10:00.000Z' }
    await expect(
      getHubToken({ hubUrl: 'http://hub.example', pubkey: 'bk', auth, sign, timeoutMs: 1000 }),
    ).rejects.toMatchObject({ code: 'hub_url_insecure' })
    expect(socketUrls).toEqual([])
    expect(sign).not.toHaveBeenCalled()
  })
})

describe('isSecureHubUrl()', () => {
  it.each(SECURE)('accepts %s', (hubUrl) => {
    expect(isSecureHubUrl(hubUrl)).toBe(true)
  })

  it.each([...INSECURE, 'ws://127.0.0.1:6007', 'file:///etc/passwd', 'not a url', ''])(
    'refuses %s',
    (hubUrl) => {
      expect(isSecureHubUrl(hubUrl)).toBe(false)
    },
  )
})

describe('hubSocketUrl()', () => {
  it('maps https to wss and http to ws, keeping host, port and path prefix', () => {
    expect(hubSocketUrl('https://hub.example/', '/m')).toBe('wss://hub.example/m')
    expect(hubSocketUrl('HTTPS://hub.example:8443/hub', '/m')).toBe('wss://hub.example:8443/hub/m')
    expect(hubSocketUrl('http://127.0.0.1:6007', '/m')).toBe('ws://127.0.0.1:6007/m')
  })
})
