// provider.reset(): the way out when a service refuses what the provider gave (the hub's host key
// rotated, so it answers "invalid thread token"; or UNAUTHENTICATED). The next call logs in afresh
// and, in hub-challenge mode, asks the hub for a new token instead of the cached one, which is gone
// from memory and storage. The SDK drops the cached token by itself when the hub answers its own
// GetToken with UNAUTHENTICATED.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createJwtProvider,
  createUserAuthProvider,
  tokenStorageKey,
  type FetchLike,
  type KeyValueStorage,
} from '../../src/client/index.ts'
import {
  clock,
  fakeHub,
  fakeJwt,
  fakeServer,
  hubToken,
  identity,
  installWebSocket,
  issuedToken,
  T0,
} from './fakes.ts'

const endpoint = 'https://site.example/api'

describe('createUserAuthProvider() reset() in hub-challenge mode', () => {
  let restore: () => void
  beforeAll(() => {
    restore = installWebSocket()
  })
  afterAll(() => restore())

  it('forgets the cached token in memory and storage; the next call asks the hub again', async () => {
    const hub = await fakeHub('ok')
    try {
      const id = identity()
      const pubkey = id.public.toString()
      const storage = new Map<string, string>()
      const server = fakeServer()
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        storage,
        fetch: server.fetch,
      })
      expect((await provider()).token).toBe(hubToken(1, pubkey))
      await provider.reset()
      expect(storage.size).toBe(0)
      expect((await provider()).token).toBe(hubToken(2, pubkey))
      expect(server.state.calls).toEqual({ challenge: 2, token: 2 })
      expect(hub.state.connections).toBe(2)
      expect(storage.get(tokenStorageKey(hub.url, pubkey))).toBe(hubToken(2, pubkey))
    } finally {
      await hub.close()
    }
  })

  it('ignores the forgotten token that a storage without delete still holds', async () => {
    const hub = await fakeHub('ok')
    try {
      const id = identity()
      const pubkey = id.public.toString()
      const items = new Map<string, string>()
      const storage: KeyValueStorage = {
        get: (key) => items.get(key),
        set: (key, value) => void items.set(key, value),
      }
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        storage,
        fetch: fakeServer().fetch,
      })
      await provider()
      await provider.reset()
      expect([...items.values()]).toEqual([hubToken(1, pubkey)])
      expect((await provider()).token).toBe(hubToken(2, pubkey))
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })

  it('forgets a token it never read from storage (a new provider after a page load)', async () => {
    const hub = await fakeHub('ok')
    try {
      const id = identity()
      const pubkey = id.public.toString()
      const key = tokenStorageKey(hub.url, pubkey)
      const storage = new Map([[key, fakeJwt('stored', { sub: pubkey })]])
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        storage,
        fetch: fakeServer().fetch,
      })
      await provider.reset()
      expect(storage.has(key)).toBe(false)
      expect((await provider()).token).toBe(hubToken(1, pubkey))
    } finally {
      await hub.close()
    }
  })

  it('drops the cached token when the hub answers its GetToken with UNAUTHENTICATED', async () => {
    const hub = await fakeHub('unauthenticated')
    try {
      const time = clock()
      const id = identity()
      const pubkey = id.public.toString()
      const key = tokenStorageKey(hub.url, pubkey)
      // A stored token inside its refresh margin (10 s left of 360 s): the login asks the hub.
      const T0S = T0.getTime() / 1000
      const storage = new Map([
        [key, fakeJwt('stored', { sub: pubkey, iat: T0S - 350, exp: T0S + 10 })],
      ])
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        storage,
        fetch: fakeServer({ now: time.now }).fetch,
        now: time.now,
      })
      await expect(provider()).rejects.toMatchObject({ code: 'hub_error', grpcStatus: 16 })
      expect(storage.has(key)).toBe(false)
    } finally {
      await hub.close()
    }
  })
})

describe('createUserAuthProvider() reset() in issuer mode', () => {
  it('makes the next call log in afresh instead of using the cached UserAuth', async () => {
    const id = identity()
    const server = fakeServer({ issuer: true })
    const provider = createUserAuthProvider({ endpoint, identity: id, fetch: server.fetch })
    await provider()
    await provider()
    expect(server.state.calls.token).toBe(1)
    await provider.reset()
    expect((await provider()).token).toBe(issuedToken(2, id.public.toString()))
    expect(server.state.calls.token).toBe(2)
  })

  it('keeps nothing from a login that was running when it was called', async () => {
    const server = fakeServer({ issuer: true })
    // The first /token request waits for the gate; everything else goes straight through.
    let release = () => {}
    let held = false
    const fetch: FetchLike = async (url, init) => {
      if (url.endsWith('/token') && !held) {
        held = true
        await new Promise<void>((resolve) => (release = resolve))
      }
      return server.fetch(url, init)
    }
    const provider = createUserAuthProvider({ endpoint, identity: identity(), fetch })
    const running = provider()
    await until(() => held)
    await provider.reset()
    // A call after reset() does not join the running login: it logs in on its own (bsig1).
    expect((await provider()).sig).toBe('bsig1')
    release()
    // The old login still answers its own callers (bsig2), but its result is not kept.
    expect((await running).sig).toBe('bsig2')
    expect((await provider()).sig).toBe('bsig1')
    expect(server.state.calls.token).toBe(2)
  })
})

/** Resolves when `check` holds, polling on real timers. */
async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(check()).toBe(true)
}

describe('createJwtProvider() reset()', () => {
  it('makes the next call fetch a new JWT', async () => {
    const server = fakeServer()
    const jwt = createJwtProvider({ endpoint, identity: identity(), fetch: server.fetch })
    expect(await jwt()).toBe('eyJh.jwt1.c2ln')
    expect(await jwt()).toBe('eyJh.jwt1.c2ln')
    await jwt.reset()
    expect(await jwt()).toBe('eyJh.jwt2.c2ln')
  })
})
