// withFreshAuth() with the real @textile/hub API objects, the SDK's provider, the real functions
// in-process (issuer mode) and the hub emulator. One process, one clock: Date is faked for all of
// them, so "after the API signature expired" is a clock step, not a wait.
import { Client, PrivateKey, Users } from '@textile/hub'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createUserAuthProvider, withFreshAuth } from '../../src/client/index.ts'
import { startEmulator, type Emulator } from '../../src/emulator/index.ts'
import { SECRETS } from '../helpers/fixtures.ts'
import { T0 } from './fakes.ts'
import { ENDPOINT, functionsFetch, useFunctionEnv } from './functions-fetch.ts'

const SIG_TTL_SECONDS = 30

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({
    apiKeys: [{ key: SECRETS.USER_API_KEY, secret: SECRETS.USER_API_SECRET }],
  })
})
afterAll(() => emulator?.close())

describe('withFreshAuth()', () => {
  const setEnv = useFunctionEnv({})
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(T0)
    setEnv({ HUB_ISSUER_KEY: emulator.hostKey, API_SIG_TTL_SECONDS: String(SIG_TTL_SECONDS) })
  })
  afterEach(() => void vi.useRealTimers())

  const login = () => {
    const { fetch, calls } = functionsFetch()
    const identity = PrivateKey.fromRandom()
    const provider = createUserAuthProvider({ endpoint: ENDPOINT, identity, fetch })
    return { provider, identity, calls }
  }
  const expire = () => vi.setSystemTime(T0.getTime() + (SIG_TTL_SECONDS + 1) * 1000)

  it('is needed: Users.withUserAuth(provider) throws "Auth expired" on its first call and after expiry', async () => {
    const { provider } = login()
    const users = Users.withUserAuth(provider, { host: emulator.url })
    await expect(users.listThreads()).rejects.toThrow(/Auth expired/)
    // Once the context holds a signature (here from another call's refresh), calls work ...
    await users.context.toMetadata()
    await expect(users.listThreads()).resolves.toEqual([])
    // ... until it expires: Users never asks the provider again.
    expire()
    await expect(users.listThreads()).rejects.toThrow(/Auth expired/)
  })

  it('lets Users ask the provider: getThread and listThreads on the first call and after the API signature expired', async () => {
    const { provider, calls } = login()
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

  it('lets Users.getToken run first and after expiry', async () => {
    const { provider, identity } = login()
    const users = withFreshAuth(Users.withUserAuth(provider, { host: emulator.url }))
    await expect(users.getToken(identity)).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expire()
    await expect(users.getToken(identity)).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('lets listDBs be the first call of a new Client (without it: the blocked ListDBs)', async () => {
    const { provider } = login()
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

  it('leaves an object made with a fixed UserAuth as it was (nothing to ask)', async () => {
    const { provider } = login()
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
