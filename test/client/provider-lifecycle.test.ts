// What an app needs around the login: cancellation (dispose() and signal), onChange
// events for a UI, and storage that takes Web Storage itself.
import { describe, expect, expectTypeOf, vi } from 'vitest'
import {
  createUserAuthProvider,
  UserAuthError,
  type TokenStorage,
  type UserAuthEvent,
} from '../../src/client/index.ts'
import { NOW } from '../helpers/clock.ts'
import { ENDPOINT } from '../helpers/deployment.ts'
import { hubToken } from '../helpers/fake-server.ts'
import { identity } from '../helpers/identity.ts'
import { it } from '../helpers/sdk-fixtures.ts'
import { until } from '../helpers/until.ts'

/** Web Storage as browsers implement it: getItem/setItem, no get/set. */
class MemoryStorage {
  readonly items = new Map<string, string>()
  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value))
  }
  removeItem(key: string): void {
    this.items.delete(key)
  }
}

describe('createUserAuthProvider() dispose() and signal', () => {
  it('rejects a pending login with aborted and aborts its request', async ({
    userAuthProvider,
  }) => {
    const { provider, server } = userAuthProvider({
      server: { issuer: true, script: { token: ['hang'] } },
    })
    const pending = provider()
    await until(() => server.state.calls.token === 1)
    provider.dispose()
    const error = await pending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserAuthError)
    expect(error).toMatchObject({
      code: 'aborted',
      message: 'The provider was disposed or its signal aborted',
    })
    // The challenge had completed; the hung /token request is the one aborted.
    expect(server.state.signals.map((s) => s?.aborted)).toEqual([false, true])
  })

  it('rejects later calls with aborted without a request, even with fresh credentials', async ({
    userAuthProvider,
  }) => {
    const { provider, server } = userAuthProvider({ server: { issuer: true } })
    await provider()
    provider.dispose()
    provider.dispose() // idempotent
    await expect(provider()).rejects.toMatchObject({ code: 'aborted' })
    expect(server.state.bodies).toHaveLength(2)
  })

  it('rejects at once when disposed while the identity is still signing, and posts nothing', async ({
    userAuthProvider,
  }) => {
    const id = identity()
    let release!: () => void
    const slowSigner = {
      public: id.public,
      sign: async (bytes: Uint8Array) => {
        await new Promise<void>((resolve) => (release = resolve))
        return id.sign(bytes)
      },
    }
    const { provider, server } = userAuthProvider({
      identity: slowSigner,
      server: { issuer: true },
    })
    const pending = provider()
    await until(() => release !== undefined)
    provider.dispose()
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
    release()
    await new Promise((r) => setTimeout(r, 20))
    expect(server.state.calls.token).toBe(0)
  })

  it('stops when its signal aborts, with the reason as cause', async ({ userAuthProvider }) => {
    const controller = new AbortController()
    const { provider, server } = userAuthProvider({
      signal: controller.signal,
      server: { issuer: true, script: { challenge: ['hang'] } },
    })
    const pending = provider()
    const reason = new Error('component unmounted')
    controller.abort(reason)
    const error = (await pending.catch((e: unknown) => e)) as UserAuthError
    expect(error).toMatchObject({ code: 'aborted' })
    expect(error.cause).toBe(reason)
    expect(server.state.signals[0]?.aborted).toBe(true)
  })

  it('never sends a request when the signal was aborted before the first call', async ({
    userAuthProvider,
  }) => {
    const { provider, server } = userAuthProvider({
      signal: AbortSignal.abort(),
      server: { issuer: true },
    })
    await expect(provider()).rejects.toMatchObject({ code: 'aborted' })
    expect(server.state.bodies).toEqual([])
  })

  it('rejects a JWT provider the same way', async ({ jwtProvider }) => {
    const { provider: jwt, server } = jwtProvider({ server: { script: { jwt: ['hang'] } } })
    const pending = jwt()
    await until(() => server.state.calls.jwt === 1)
    jwt.dispose()
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
    await expect(jwt()).rejects.toMatchObject({ code: 'aborted' })
  })
})

describe('createUserAuthProvider() onChange', () => {
  it('reports login and refresh with the signature expiry, the token source and a copy of the UserAuth', async ({
    userAuthProvider,
  }) => {
    const { provider, events, time } = userAuthProvider({
      prefetch: false,
      server: { issuer: true },
    })
    const first = await provider()
    await provider() // from the cache: no event
    time.advance(600_000)
    const second = await provider()
    expect(events).toEqual([
      { type: 'login', expiresAt: new Date(first.msg), tokenSource: 'function', auth: first },
      { type: 'refresh', expiresAt: new Date(second.msg), tokenSource: 'function', auth: second },
    ])
    ;(events[0] as { auth: { key: string } }).auth.key = 'changed'
    time.advance(1)
    await expect(provider()).resolves.toMatchObject({ key: 'bkey' })
  })

  it('reports one error per failed login, with the expiry of the credentials still held', async ({
    userAuthProvider,
  }) => {
    const { provider, events, time } = userAuthProvider({
      prefetch: false,
      server: { issuer: true, script: { challenge: ['throw', 'pass', 'throw'] } },
    })
    await Promise.allSettled([provider(), provider(), provider()])
    const auth = await provider()
    time.advance(590_000)
    await expect(provider()).rejects.toMatchObject({ code: 'network_error' })
    expect(events.map((e) => e.type)).toEqual(['error', 'login', 'error'])
    expect(events[0]).toEqual({ type: 'error', error: expect.any(UserAuthError) })
    expect(events[2]).toMatchObject({
      type: 'error',
      error: { code: 'network_error' },
      expiresAt: new Date(auth.msg),
    })
  })

  it('still logs in when the listener throws or rejects', async ({ userAuthProvider }) => {
    // Plain functions, not vi.fn(): a spy handles the promises its function returns, which would
    // hide an unhandled rejection (vitest fails the run on one).
    let calls = 0
    for (const onChange of [
      () => {
        calls++
        throw new Error('listener bug')
      },
      async () => {
        calls++
        throw new Error('async listener bug')
      },
    ]) {
      const { provider } = userAuthProvider({
        // eslint-disable-next-line @typescript-eslint/no-misused-promises -- on purpose: one listener rejects
        onChange,
        server: { issuer: true },
      })
      await expect(provider()).resolves.toMatchObject({ sig: 'bsig1' })
    }
    await new Promise((r) => setTimeout(r, 10))
    expect(calls).toBe(2)
  })

  it('sends no event after dispose()', async ({ userAuthProvider }) => {
    const listener = vi.fn()
    const { provider, server } = userAuthProvider({
      onChange: listener,
      server: { issuer: true, script: { token: ['hang'] } },
    })
    const pending = provider()
    await until(() => server.state.calls.token === 1)
    provider.dispose()
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
    await expect(provider()).rejects.toMatchObject({ code: 'aborted' })
    expect(listener).not.toHaveBeenCalled()
  })

  it('reports JWT logins with the JWT and its expiry', async ({ jwtProvider }) => {
    const { provider: jwt, events } = jwtProvider()
    await jwt()
    expect(events).toEqual([
      {
        type: 'login',
        expiresAt: new Date(NOW.getTime() + 900_000),
        tokenSource: 'function',
        token: 'eyJh.jwt1.c2ln',
      },
    ])
  })
})

describe('createUserAuthProvider() storage', () => {
  it('accepts Web Storage itself (getItem/setItem), as localStorage is', () => {
    expectTypeOf<Storage>().toExtend<TokenStorage>()
    expectTypeOf<Map<string, string>>().toExtend<TokenStorage>()
  })

  it.each([
    ['an object with getItem only', { getItem: () => null }],
    ['an object with get only', { get: () => null }],
    ['a string', 'localStorage'],
    ['null', null],
  ])('throws TypeError for %s', (_, storage) => {
    expect(() =>
      createUserAuthProvider({
        endpoint: ENDPOINT,
        identity: identity(),
        storage: storage as never,
      }),
    ).toThrow(/^createUserAuthProvider: storage/)
  })
})

describe('createUserAuthProvider() in hub-challenge mode: events, storage, dispose', () => {
  it('reports the token source: hub, then cache on refresh, and cache from Web Storage in a new provider', async ({
    hubProvider,
    userAuthProvider,
  }) => {
    const storage = new MemoryStorage()
    const events: UserAuthEvent[] = []
    const onChange = (event: UserAuthEvent) => void events.push(event)
    const setup = await hubProvider({ storage, prefetch: false, onChange })
    const { provider, hub, key, pubkey, time } = setup
    await provider()
    expect([...storage.items]).toEqual([[key, hubToken(1, pubkey)]])
    time.advance(600_000)
    await provider()
    const { identity } = setup
    const again = userAuthProvider({ identity, hubUrl: hub.url, storage, time, onChange }).provider
    await expect(again()).resolves.toMatchObject({ token: hubToken(1, pubkey) })
    expect(events.map((e) => [e.type, 'tokenSource' in e && e.tokenSource])).toEqual([
      ['login', 'hub'],
      ['refresh', 'cache'],
      ['login', 'cache'],
    ])
    expect(hub.state.connections).toBe(1)
  })

  it('takes a Map as {get, set} storage', async ({ hubProvider }) => {
    const storage = new Map<string, string>()
    const { provider, pubkey } = await hubProvider({ storage })
    await provider()
    expect([...storage.values()]).toEqual([hubToken(1, pubkey)])
  })

  it('closes the hub socket and rejects with aborted when disposed during the hub GetToken', async ({
    hubProvider,
  }) => {
    const { provider, hub } = await hubProvider({ hub: 'silent', timeoutMs: 10_000 })
    const pending = provider()
    await until(() => hub.state.connections === 1)
    provider.dispose()
    await expect(pending).rejects.toMatchObject({ code: 'aborted' })
    await until(() => hub.state.closed === 1) // long before the 10 s timeout
  })
})
