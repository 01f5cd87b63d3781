// A thread token names the key it was minted for (`sub`). The SDK uses no token for another key,
// wherever it comes from: a token planted in its storage (an earlier XSS, another user of a shared
// browser profile) is dropped and deleted; one in a `/token` answer or from the hub's GetToken is
// refused with token_mismatch and never stored, so the user is never fixed to another identity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createUserAuthProvider,
  tokenStorageKey,
  UserAuthError,
  type KeyValueStorage,
  type UserAuthEvent,
} from '../../src/client/index.ts'
import {
  fakeHub,
  fakeJwt,
  fakeServer,
  hubToken,
  identity,
  installWebSocket,
  issuedToken,
} from './fakes.ts'

const endpoint = 'https://site.example/api'

/** A Map-backed storage that records what the SDK deletes. */
function recordingStorage(withDelete = true) {
  const items = new Map<string, string>()
  const deleted: string[] = []
  const storage: KeyValueStorage = {
    get: (key) => items.get(key),
    set: (key, value) => void items.set(key, value),
    ...(withDelete && {
      delete: (key: string) => {
        deleted.push(key)
        items.delete(key)
      },
    }),
  }
  return { items, deleted, storage }
}

describe('createUserAuthProvider() and the sub of tokens from storage', () => {
  let restore: () => void
  beforeAll(() => {
    restore = installWebSocket()
  })
  afterAll(() => restore())

  it.each([
    ['a token for another key', (_own: string) => hubToken(7, identity().public.toString())],
    ['a token without sub', (_own: string) => fakeJwt('planted')],
    ['a token whose sub is not a string', (_own: string) => fakeJwt('planted', { sub: 42 })],
  ])('drops and deletes %s, and asks the hub for its own', async (_name, planted) => {
    const hub = await fakeHub('ok')
    try {
      const id = identity()
      const pubkey = id.public.toString()
      const key = tokenStorageKey(hub.url, pubkey)
      const { items, deleted, storage } = recordingStorage()
      items.set(key, planted(pubkey))
      const events: UserAuthEvent[] = []
      const provider = createUserAuthProvider({
        endpoint,
        identity: id,
        hubUrl: hub.url,
        storage,
        fetch: fakeServer().fetch,
        onChange: (event) => void events.push(event),
      })
      const auth = await provider()
      expect(auth.token).toBe(hubToken(1, pubkey))
      expect(events[0]).toMatchObject({ type: 'login', tokenSource: 'hub' })
      expect(deleted).toEqual([key])
      expect(items.get(key)).toBe(hubToken(1, pubkey))
      expect(hub.state.connections).toBe(1)
    } finally {
      await hub.close()
    }
  })

  it('ignores a foreign token that a storage without delete keeps', async () => {
    const hub = await fakeHub('ok')
    try {
      const id = identity()
      const key = tokenStorageKey(hub.url, id.public.toString())
      const { items, storage } = recordingStorage(false)
      const foreign = hubToken(7, identity().public.toString())
      items.set(key, foreign)
      const options = { endpoint, identity: id, hubUrl: hub.url, storage }
      // Each new provider (a page load) reads the foreign token again and does not use it.
      const first = await createUserAuthProvider({ ...options, fetch: fakeServer().fetch })()
      expect(first.token).toBe(hubToken(1, id.public.toString()))
      items.set(key, foreign)
      const second = await createUserAuthProvider({ ...options, fetch: fakeServer().fetch })()
      expect(second.token).toBe(hubToken(2, id.public.toString()))
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })
})

describe('createUserAuthProvider() and the sub of tokens from /token (issuer mode)', () => {
  it('rejects with token_mismatch a token for another key, keeping nothing', async () => {
    const other = identity().public.toString()
    const server = fakeServer({ issuer: true, tokenSubject: () => other })
    const events: UserAuthEvent[] = []
    const provider = createUserAuthProvider({
      endpoint,
      identity: identity(),
      fetch: server.fetch,
      onChange: (event) => void events.push(event),
    })
    const error = await provider().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UserAuthError)
    expect(error).toMatchObject({
      code: 'token_mismatch',
      message: 'The thread token is not for this identity',
    })
    expect((error as Error).message).not.toContain(other)
    expect(events).toEqual([{ type: 'error', error }])
    // A failed login is not cached: the next call logs in again (and is refused again).
    await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
    expect(server.state.calls.token).toBe(2)
  })

  it('takes a token whose sub is its own key', async () => {
    const id = identity()
    const server = fakeServer({ issuer: true })
    const provider = createUserAuthProvider({ endpoint, identity: id, fetch: server.fetch })
    await expect(provider()).resolves.toMatchObject({
      token: issuedToken(1, id.public.toString()),
    })
  })
})

describe('createUserAuthProvider() and the sub of tokens from the hub', () => {
  let restore: () => void
  beforeAll(() => {
    restore = installWebSocket()
  })
  afterAll(() => restore())

  it('rejects with token_mismatch a hub token for another key, and stores nothing', async () => {
    const other = identity().public.toString()
    const hub = await fakeHub('ok', { token: (n) => hubToken(n, other) })
    try {
      const { items, storage } = recordingStorage()
      const provider = createUserAuthProvider({
        endpoint,
        identity: identity(),
        hubUrl: hub.url,
        storage,
        fetch: fakeServer().fetch,
      })
      await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
      expect(items.size).toBe(0)
      await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
      expect(hub.state.connections).toBe(2)
    } finally {
      await hub.close()
    }
  })
})
