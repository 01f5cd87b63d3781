// A thread token names the key it was minted for (`sub`). The SDK uses no token for another key,
// wherever it comes from: a token planted in its storage (an earlier XSS, another user of a shared
// browser profile) is dropped and deleted; one in a `/token` answer or from the hub's GetToken is
// refused with token_mismatch and never stored, so the user is never fixed to another identity.
import { describe, expect } from 'vitest'
import { UserAuthError, type KeyValueStorage } from '../../src/client/index.ts'
import { fakeJwt, hubToken, issuedToken } from '../helpers/fake-server.ts'
import { identity } from '../helpers/identity.ts'
import { it } from '../helpers/sdk-fixtures.ts'

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
  it.for([
    ['a token for another key', (_own: string) => hubToken(7, identity().public.toString())],
    ['a token without sub', (_own: string) => fakeJwt('planted')],
    ['a token whose sub is not a string', (_own: string) => fakeJwt('planted', { sub: 42 })],
  ] as const)(
    'drops and deletes %s, and asks the hub for its own',
    async ([, planted], { hubProvider }) => {
      const { items, deleted, storage } = recordingStorage()
      const { provider, events, pubkey, key, hub } = await hubProvider({ storage })
      items.set(key, planted(pubkey))
      const auth = await provider()
      expect(auth.token).toBe(hubToken(1, pubkey))
      expect(events[0]).toMatchObject({ type: 'login', tokenSource: 'hub' })
      expect(deleted).toEqual([key])
      expect(items.get(key)).toBe(hubToken(1, pubkey))
      expect(hub.state.connections).toBe(1)
    },
  )

  it('ignores a foreign token that a storage without delete keeps', async ({
    hubProvider,
    userAuthProvider,
  }) => {
    const { items, storage } = recordingStorage(false)
    const foreign = hubToken(7, identity().public.toString())
    const { provider, identity: id, pubkey, key, hub } = await hubProvider({ storage })
    items.set(key, foreign)
    // Each new provider (a page load) reads the foreign token again and does not use it.
    const first = await provider()
    expect(first.token).toBe(hubToken(1, pubkey))
    items.set(key, foreign)
    const again = userAuthProvider({ identity: id, hubUrl: hub.url, storage }).provider
    const second = await again()
    expect(second.token).toBe(hubToken(2, pubkey))
    expect(hub.state.connections).toBe(2)
  })
})

describe('createUserAuthProvider() and the sub of tokens from /token (issuer mode)', () => {
  it('rejects with token_mismatch a token for another key, keeping nothing', async ({
    userAuthProvider,
  }) => {
    const other = identity().public.toString()
    const { provider, server, events } = userAuthProvider({
      server: { issuer: true, tokenSubject: () => other },
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

  it('takes a token whose sub is its own key', async ({ userAuthProvider }) => {
    const { provider, pubkey } = userAuthProvider({ server: { issuer: true } })
    await expect(provider()).resolves.toMatchObject({ token: issuedToken(1, pubkey) })
  })
})

describe('createUserAuthProvider() and the sub of tokens from the hub', () => {
  it('rejects with token_mismatch a hub token for another key, and stores nothing', async ({
    hubProvider,
  }) => {
    const other = identity().public.toString()
    const { items, storage } = recordingStorage()
    const { provider, hub } = await hubProvider({
      hubOptions: { token: (n) => hubToken(n, other) },
      storage,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
    expect(items.size).toBe(0)
    await expect(provider()).rejects.toMatchObject({ code: 'token_mismatch' })
    expect(hub.state.connections).toBe(2)
  })
})
