// Hub-challenge mode is no signing oracle either. A hostile hub, or anyone on the path to a
// plain-`http:` hub, could relay UTF-8(envelope) of `/api/challenge` for the user's key as "the
// challenge" and redeem the signature at `/api/token`; or ask for any number of signatures on one
// stream. The SDK signs exactly one 32-byte challenge per stream, and talks to a hub in clear text
// only on loopback; anything else is `hub_error` / `hub_url_insecure` and `sign` is not called.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createUserAuthProvider } from '../../src/client/index.ts'
import { getHubToken } from '../../src/client/hub/get-hub-token.ts'
import { hubSocketUrl, isSecureHubUrl } from '../../src/client/hub/hub-url.ts'
import {
  fakeHub,
  fakeServer,
  identity,
  installWebSocket,
  type HubBehaviour,
  hubToken,
  issuedToken,
} from './fakes.ts'

const endpoint = 'https://site.example/api'

/** An identity whose `sign` is a spy over a real key. */
function spiedIdentity() {
  const id = identity()
  const sign = vi.fn((bytes: Uint8Array) => id.sign(bytes))
  return { identity: { public: id.public, sign }, sign }
}

/** What the identity signed, as text (envelopes) or a byte count (anything else). */
const signed = (sign: ReturnType<typeof spiedIdentity>['sign']) =>
  sign.mock.calls.map(([bytes]) => {
    const text = new TextDecoder().decode(bytes)
    return text.startsWith('ttp1.') ? 'envelope' : bytes.length
  })

describe('createUserAuthProvider() against a hostile hub', () => {
  let restore: () => void
  beforeAll(() => {
    restore = installWebSocket()
  })
  afterAll(() => restore())

  async function loginAgainst(behaviour: HubBehaviour) {
    const hub = await fakeHub(behaviour)
    try {
      const { identity: id, sign } = spiedIdentity()
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        fetch: fakeServer().fetch,
        timeoutMs: 2000,
      })
      const error = await provider().catch((e: unknown) => e)
      return { error, signed: signed(sign), hub: hub.state }
    } finally {
      await hub.close()
    }
  }

  it.each([
    ['relay-envelope', 'UTF-8 of an /api/challenge envelope for this key'],
    ['short-challenge', '31 bytes'],
    ['long-challenge', '33 bytes'],
    ['empty-challenge', 'an empty challenge'],
  ] as const)(
    'rejects with hub_error and never signs when the hub sends %s (%s)',
    async (behaviour, _what) => {
      const result = await loginAgainst(behaviour)
      expect(result.error).toMatchObject({ code: 'hub_error' })
      // Only the login's own envelope was signed; the hub got no signature.
      expect(result.signed).toEqual(['envelope'])
      expect(result.hub.signatures).toEqual([])
    },
  )

  it('rejects with hub_error when the hub sends two challenges, sending no signature', async () => {
    const result = await loginAgainst('two-challenges')
    expect(result.error).toMatchObject({ code: 'hub_error' })
    expect(result.signed.filter((item) => item !== 'envelope').length).toBeLessThanOrEqual(1)
    expect(result.hub.signatures).toEqual([])
  })

  it('rejects with hub_error and signs once when the hub answers the signature with another challenge', async () => {
    const result = await loginAgainst('challenge-after-signature')
    expect(result.error).toMatchObject({ code: 'hub_error' })
    expect(result.signed).toEqual(['envelope', 32])
    expect(result.hub.signatures).toHaveLength(1)
  })

  it('signs one 32-byte challenge from an honest hub', async () => {
    const hub = await fakeHub('ok')
    try {
      const { identity: id, sign } = spiedIdentity()
      const auth = await createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        fetch: fakeServer().fetch,
      })()
      expect(auth.token).toBe(hubToken(1, id.public.toString()))
      expect(signed(sign)).toEqual(['envelope', 32])
      expect(hub.state.signatures.map((entry) => entry.verified)).toEqual([true])
    } finally {
      await hub.close()
    }
  })
})

/** A global WebSocket that records the URLs it is asked to open and never connects. */
function recordingWebSocket() {
  const urls: string[] = []
  const had = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket')
  class Recorder extends EventTarget {
    binaryType = 'blob'
    constructor(url: string) {
      super()
      urls.push(url)
      queueMicrotask(() => this.dispatchEvent(new Event('error')))
    }
    send() {}
    close() {}
  }
  Object.defineProperty(globalThis, 'WebSocket', {
    value: Recorder,
    configurable: true,
    writable: true,
  })
  const restore = () => {
    if (had) Object.defineProperty(globalThis, 'WebSocket', had)
    else delete (globalThis as { WebSocket?: unknown }).WebSocket
  }
  return { urls, restore }
}

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
  it.each(INSECURE)(
    'rejects %s with hub_url_insecure before opening a socket or signing for the hub',
    async (hubUrl) => {
      const ws = recordingWebSocket()
      try {
        const { identity: id, sign } = spiedIdentity()
        const provider = createUserAuthProvider({
          endpoint,
          identity: id,
          hubUrl,
          fetch: fakeServer().fetch,
        })
        await expect(provider()).rejects.toMatchObject({ code: 'hub_url_insecure' })
        expect(ws.urls).toEqual([])
        expect(signed(sign)).toEqual(['envelope'])
      } finally {
        ws.restore()
      }
    },
  )

  it.each(SECURE)('opens the GetToken socket for %s', async (hubUrl) => {
    const ws = recordingWebSocket()
    try {
      const provider = createUserAuthProvider({
        endpoint,
        identity: identity(),
        hubUrl,
        fetch: fakeServer().fetch,
      })
      // The recorder fails the socket before it opens: hub_unreachable, after the URL was taken.
      await expect(provider()).rejects.toMatchObject({ code: 'hub_unreachable' })
      expect(ws.urls).toEqual([
        hubSocketUrl(hubUrl.replace(/\/+$/, ''), '/threads.pb.API/GetToken'),
      ])
    } finally {
      ws.restore()
    }
  })

  it('still works in issuer mode with a plain-http hubUrl (the SDK never talks to that hub)', async () => {
    const id = identity()
    const provider = createUserAuthProvider({
      endpoint,
      identity: id,
      hubUrl: 'http://hub.example:6007',
      fetch: fakeServer({ issuer: true }).fetch,
    })
    await expect(provider()).resolves.toMatchObject({
      token: issuedToken(1, id.public.toString()),
    })
  })
})

describe('getHubToken()', () => {
  it('rejects with hub_url_insecure for a plain-http hub off loopback, opening no socket', async () => {
    const ws = recordingWebSocket()
    try {
      const sign = vi.fn(async () => new Uint8Array(64))
      const auth = { key: 'bkey', sig: 'bsig', msg: '2030-01-01T00:10:00.000Z' }
      await expect(
        getHubToken({ hubUrl: 'http://hub.example', pubkey: 'bk', auth, sign, timeoutMs: 1000 }),
      ).rejects.toMatchObject({ code: 'hub_url_insecure' })
      expect(ws.urls).toEqual([])
      expect(sign).not.toHaveBeenCalled()
    } finally {
      ws.restore()
    }
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
