// End to end: SDK → real functions in-process → UserAuth → the real @textile/hub Client against
// the project's hub emulator, in issuer mode and in hub-challenge mode (the SDK runs GetToken).
import { Client } from '@textile/hub'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { WebSocket } from 'ws'
import { tokenStorageKey } from '../../src/client/index.ts'
import { importSigningKey } from '../../src/core/ed25519.ts'
import { mintThreadToken } from '../../src/core/thread-token.ts'
import { startEmulator } from '../../src/emulator/index.ts'
import { it } from '../helpers/functions-fetch.ts'
import { identity } from '../helpers/identity.ts'
import { startTestEmulator } from '../helpers/emulator.ts'
import { installWebSocket } from '../helpers/fake-hub.ts'

type Emulator = Awaited<ReturnType<typeof startEmulator>>

// The global WebSocket both the SDK and @textile/hub use, counting GetToken streams.
const sockets = { getToken: 0 }
class CountingWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols)
    if (String(url).endsWith('/threads.pb.API/GetToken')) sockets.getToken++
  }
}

let emulator: Emulator
let restoreWebSocket: () => void
beforeAll(async () => {
  restoreWebSocket = installWebSocket(CountingWebSocket)
  emulator = await startTestEmulator()
})
afterAll(async () => {
  await emulator?.close()
  restoreWebSocket?.()
})

describe('createUserAuthProvider() with @textile/hub and the emulator, issuer mode', () => {
  it('gives a UserAuth the hub accepts for newDB and getDBInfo, with one login for concurrent callers', async ({
    functionEnv,
    functionsProvider,
  }) => {
    functionEnv({ HUB_ISSUER_KEY: emulator.hostKey })
    sockets.getToken = 0
    const { provider, calls } = functionsProvider()
    await Promise.all([provider(), provider(), provider()])
    expect(calls).toEqual({ challenge: 1, token: 1 })

    const client = Client.withUserAuth(provider, emulator.url)
    const threadID = await client.newDB(undefined, 'sdk-e2e')
    await expect(client.getDBInfo(threadID)).resolves.toMatchObject({ addrs: expect.any(Array) })
    expect(calls).toEqual({ challenge: 1, token: 1 })
    expect(sockets.getToken).toBe(0)
  })
})

describe('createUserAuthProvider() with @textile/hub and the emulator, hub-challenge mode', () => {
  // Hub-challenge mode: no HUB_ISSUER_KEY.
  it.beforeEach(({ functionEnv }) => functionEnv({ HUB_ISSUER_KEY: undefined }))

  it('answers GetToken once, and a refresh after expiry reuses the token', async ({
    functionsProvider,
  }) => {
    sockets.getToken = 0
    const { provider, calls, time } = functionsProvider({ hubUrl: emulator.url })
    const [first] = await Promise.all([provider(), provider(), provider()])
    expect(first!.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(calls).toEqual({ challenge: 1, token: 1 })
    expect(sockets.getToken).toBe(1)

    const client = Client.withUserAuth(provider, emulator.url)
    const threadID = await client.newDB(undefined, 'sdk-e2e-challenge')
    await expect(client.getDBInfo(threadID)).resolves.toMatchObject({ addrs: expect.any(Array) })

    time.advance(601_000)
    const refreshed = await provider()
    expect(refreshed.token).toBe(first!.token)
    expect(calls).toEqual({ challenge: 2, token: 2 })
    expect(sockets.getToken).toBe(1)
    const again = Client.withUserAuth(async () => refreshed, emulator.url)
    await expect(again.getDBInfo(threadID)).resolves.toMatchObject({ addrs: expect.any(Array) })
  })

  it('rejects with hub_error when the challenge signature does not verify at the hub', async ({
    functionsProvider,
  }) => {
    const id = identity()
    // Signs the envelope honestly but the hub's 32-byte challenge with a flipped bit.
    const flipping = {
      public: id.public,
      sign: (bytes: Uint8Array) =>
        id.sign(bytes.length === 32 ? bytes.map((b, i) => (i === 0 ? b ^ 1 : b)) : bytes),
    }
    const { provider } = functionsProvider({ identity: flipping, hubUrl: emulator.url })
    await expect(provider()).rejects.toMatchObject({ code: 'hub_error', grpcStatus: 2 })
  })

  it('is needed: the hub refuses the same API signature without the token', async ({
    functionsProvider,
  }) => {
    const { provider } = functionsProvider({ hubUrl: emulator.url })
    const { token: _token, ...withoutToken } = await provider()
    const client = Client.withUserAuth(async () => withoutToken, emulator.url)
    await expect(client.newDB()).rejects.toThrow(/Token required/)
  })

  it('rejects with hub_error when the hub does not know the API key', async ({
    functionEnv,
    functionsProvider,
  }) => {
    functionEnv({ USER_API_KEY: 'bunknownkey0000000000000000a' })
    const { provider } = functionsProvider({ hubUrl: emulator.url })
    await expect(provider()).rejects.toMatchObject({ code: 'hub_error', grpcStatus: 5 })
  })

  it('recovers through reset() when the hub no longer accepts the cached token (host key rotated)', async ({
    functionsProvider,
  }) => {
    sockets.getToken = 0
    const id = identity()
    const pubkey = id.public.toString()
    // A token from before the rotation: the right sub, signed by a host key the hub no longer has.
    const oldHostKey = await importSigningKey(crypto.getRandomValues(new Uint8Array(32)))
    const stale = await mintThreadToken({ issuer: oldHostKey, subject: pubkey, now: new Date() })
    const key = tokenStorageKey(emulator.url, pubkey)
    const storage = new Map([[key, stale]])
    const { provider } = functionsProvider({ identity: id, hubUrl: emulator.url, storage })
    const client = Client.withUserAuth(provider, emulator.url)
    await expect(client.newDB()).rejects.toThrow(/invalid thread token/)
    expect(sockets.getToken).toBe(0)

    // What docs/sdk.md tells apps to do: reset(), then a client on a fresh context.
    await provider.reset()
    expect(storage.has(key)).toBe(false)
    const fresh = Client.withUserAuth(provider, emulator.url)
    await expect(fresh.newDB()).resolves.toBeDefined()
    expect(sockets.getToken).toBe(1)
    expect(storage.get(key)).not.toBe(stale)
  })
})
