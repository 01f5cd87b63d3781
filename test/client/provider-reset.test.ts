// provider.reset(): the way out when a service refuses what the provider gave (the hub's host key
// rotated, so it answers "invalid thread token"; or UNAUTHENTICATED). The next call logs in afresh
// and, in hub-challenge mode, asks the hub for a new token instead of the cached one, which is gone
// from memory and storage. The SDK drops the cached token by itself when the hub answers its own
// GetToken with UNAUTHENTICATED.
import { describe, expect } from 'vitest'
import type { FetchLike, KeyValueStorage } from '../../src/client/index.ts'
import { NOW_SECONDS } from '../helpers/clock.ts'
import { fakeJwt, fakeServer, hubToken, issuedToken } from '../helpers/fake-server.ts'
import { it } from '../helpers/sdk-fixtures.ts'
import { until } from '../helpers/until.ts'

describe('createUserAuthProvider() reset() in hub-challenge mode', () => {
  it('forgets the cached token in memory and storage; the next call asks the hub again', async ({
    hubProvider,
  }) => {
    const storage = new Map<string, string>()
    const { provider, server, pubkey, hub, key } = await hubProvider({ storage })
    expect((await provider()).token).toBe(hubToken(1, pubkey))
    await provider.reset()
    expect(storage.size).toBe(0)
    expect((await provider()).token).toBe(hubToken(2, pubkey))
    expect(server.state.calls).toEqual({ challenge: 2, token: 2 })
    expect(hub.state.connections).toBe(2)
    expect(storage.get(key)).toBe(hubToken(2, pubkey))
  })

  it('ignores the forgotten token that a storage without delete still holds', async ({
    hubProvider,
  }) => {
    const items = new Map<string, string>()
    const storage: KeyValueStorage = {
      get: (key) => items.get(key),
      set: (key, value) => void items.set(key, value),
    }
    const { provider, pubkey, hub } = await hubProvider({ storage })
    await provider()
    await provider.reset()
    expect([...items.values()]).toEqual([hubToken(1, pubkey)])
    expect((await provider()).token).toBe(hubToken(2, pubkey))
    expect(hub.state.connections).toBe(2)
  })

  it('forgets a token it never read from storage (a new provider after a page load)', async ({
    hubProvider,
  }) => {
    const storage = new Map<string, string>()
    const { provider, pubkey, key } = await hubProvider({ storage })
    storage.set(key, fakeJwt('stored', { sub: pubkey }))
    await provider.reset()
    expect(storage.has(key)).toBe(false)
    expect((await provider()).token).toBe(hubToken(1, pubkey))
  })

  it('drops the cached token when the hub answers its GetToken with UNAUTHENTICATED', async ({
    hubProvider,
  }) => {
    const storage = new Map<string, string>()
    const { provider, pubkey, key } = await hubProvider({ hub: 'unauthenticated', storage })
    // A stored token inside its refresh margin (10 s left of 360 s): the login asks the hub.
    storage.set(
      key,
      fakeJwt('stored', { sub: pubkey, iat: NOW_SECONDS - 350, exp: NOW_SECONDS + 10 }),
    )
    await expect(provider()).rejects.toMatchObject({ code: 'hub_error', grpcStatus: 16 })
    expect(storage.has(key)).toBe(false)
  })
})

describe('createUserAuthProvider() reset() in issuer mode', () => {
  it('makes the next call log in afresh instead of using the cached UserAuth', async ({
    userAuthProvider,
  }) => {
    const { provider, server, pubkey } = userAuthProvider({ server: { issuer: true } })
    await provider()
    await provider()
    expect(server.state.calls.token).toBe(1)
    await provider.reset()
    expect((await provider()).token).toBe(issuedToken(2, pubkey))
    expect(server.state.calls.token).toBe(2)
  })

  it('keeps nothing from a login that was running when it was called', async ({
    userAuthProvider,
  }) => {
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
    const { provider } = userAuthProvider({ fetch })
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

describe('createJwtProvider() reset()', () => {
  it('makes the next call fetch a new JWT', async ({ jwtProvider }) => {
    const { provider: jwt } = jwtProvider()
    expect(await jwt()).toBe('eyJh.jwt1.c2ln')
    expect(await jwt()).toBe('eyJh.jwt1.c2ln')
    await jwt.reset()
    expect(await jwt()).toBe('eyJh.jwt2.c2ln')
  })
})
