// withFreshAuth() with the real @textile/hub API objects, the SDK's provider, the real functions
// in-process (issuer mode) and the hub emulator. One process, one clock: Date is faked for all of
// them, so "after the API signature expired" is a clock step, not a wait.
import { Client, Users } from '@textile/hub'
import { afterAll, afterEach, beforeAll, describe, expect, vi } from 'vitest'
import { withFreshAuth } from '../../src/client/index.ts'
import type { Emulator } from '../../src/emulator/index.ts'
import { NOW } from '../helpers/clock.ts'
import { startTestEmulator } from '../helpers/emulator.ts'
import { it, type FunctionsFixtures } from '../helpers/functions-fetch.ts'
import { identity as newIdentity } from '../helpers/identity.ts'

const SIG_TTL_SECONDS = 30

let emulator: Emulator
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator?.close())

describe('withFreshAuth()', () => {
  it.beforeEach(({ functionEnv }) => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
    functionEnv({ HUB_ISSUER_KEY: emulator.hostKey, API_SIG_TTL_SECONDS: String(SIG_TTL_SECONDS) })
  })
  afterEach(() => void vi.useRealTimers())

  /** A provider over the real functions on the faked Date, which @textile/hub reads too. */
  const login = (functionsProvider: FunctionsFixtures['functionsProvider']) => {
    const identity = newIdentity()
    const { provider, calls } = functionsProvider({ identity, now: () => new Date() })
    return { provider, identity, calls }
  }
  const expire = () => vi.setSystemTime(NOW.getTime() + (SIG_TTL_SECONDS + 1) * 1000)

  it('is needed: Users.withUserAuth(provider) throws "Auth expired" on its first call and after expiry', async ({
    functionsProvider,
  }) => {
    const { provider } = login(functionsProvider)
    const users = Users.withUserAuth(provider, { host: emulator.url })
    await expect(users.listThreads()).rejects.toThrow(/Auth expired/)
    // Once the context holds a signature (here from another call's refresh), calls work ...
    await users.context.toMetadata()
    await expect(users.listThreads()).resolves.toEqual([])
    // ... until it expires: Users never asks the provider again.
    expire()
    await expect(users.listThreads()).rejects.toThrow(/Auth expired/)
  })

  it('lets Users ask the provider: getThread and listThreads on the first call and after the API signature expired', async ({
    functionsProvider,
  }) => {
    const { provider, calls } = login(functionsProvider)
    const client = Client.withUserAuth(provider, emulator.url)
    const thread = await client.newDB(undefined, 'notes')
    const users = withFreshAuth(Users.withUserAuth(provider, { host: emulator.url }))
    await expect(users.getThread('notes')).resolves.toEqual({
      id: thread.toString(),
      name: 'notes',
    })
    const listed = [{ id: thread.toString(), name: 'notes', isDb: true }]
    await expect(users.listThreads()).resolves.toEqual(listed)
    expect(calls).toEqual({ challenge: 1, token: 1 })
    expire()
    await expect(users.listThreads()).resolves.toEqual(listed)
    await expect(users.getThread('notes')).resolves.toMatchObject({ id: thread.toString() })
    expect(calls).toEqual({ challenge: 2, token: 2 })
  })

  it('lets Users.getToken run first and after expiry', async ({ functionsProvider }) => {
    const { provider, identity } = login(functionsProvider)
    const users = withFreshAuth(Users.withUserAuth(provider, { host: emulator.url }))
    await expect(users.getToken(identity)).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expire()
    await expect(users.getToken(identity)).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('lets listDBs be the first call of a new Client (without it: the blocked ListDBs)', async ({
    functionsProvider,
  }) => {
    const { provider } = login(functionsProvider)
    await expect(Client.withUserAuth(provider, emulator.url).listDBs()).rejects.toThrow(
      /Method is not accessible/,
    )
    const client = withFreshAuth(Client.withUserAuth(provider, emulator.url))
    await expect(client.listDBs()).resolves.toEqual([])
    const thread = await client.newDB(undefined, 'notes')
    expire()
    const fresh = withFreshAuth(Client.withUserAuth(provider, emulator.url))
    await expect(fresh.listDBs()).resolves.toEqual([{ id: thread.toString(), name: 'notes' }])
  })

  it('leaves an object made with a fixed UserAuth as it was (nothing to ask)', async ({
    functionsProvider,
  }) => {
    const { provider } = login(functionsProvider)
    const users = withFreshAuth(Users.withUserAuth(await provider(), { host: emulator.url }))
    await expect(users.listThreads()).resolves.toEqual([])
    expire()
    await expect(users.listThreads()).rejects.toThrow(/Auth expired/)
  })

  it('throws TypeError for an object that is not a @textile/hub API object', () => {
    expect(() => withFreshAuth({ context: {} })).toThrow(TypeError)
    expect(() => withFreshAuth({ context: null as unknown as object })).toThrow(TypeError)
  })
})
