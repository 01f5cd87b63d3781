// The SDK against the real functions in-process (no hub): the UserAuth they mint, their error codes.
import { Context } from '@textile/context'
import { PrivateKey } from '@textile/hub'
import { createAPISig } from '@textile/security'
import { describe, expect, it } from 'vitest'
import { createUserAuthProvider } from '../../src/client/index.ts'
import { SECRETS } from '../helpers/fixtures.ts'
import { clock } from './fakes.ts'
import { ENDPOINT, functionsFetch, useFunctionEnv } from './functions-fetch.ts'

const ISSUER_PUBKEY = 'bbaareihkjjwghyu4kifl55kqpmjs5rpzsvdxnlv6xz5zeqq65jurirwsfq'

describe('createUserAuthProvider() with the real functions', () => {
  const setEnv = useFunctionEnv({})

  it('gets a full UserAuth in issuer mode: createAPISig-identical sig, a token for the pubkey', async () => {
    const id = PrivateKey.fromRandom()
    const { fetch, calls } = functionsFetch()
    const auth = await createUserAuthProvider({ endpoint: ENDPOINT, identity: id, fetch })()
    expect(Object.keys(auth).sort()).toEqual(['key', 'msg', 'sig', 'token'])
    expect(auth.key).toBe(SECRETS.USER_API_KEY)
    expect(await createAPISig(SECRETS.USER_API_SECRET, new Date(auth.msg))).toEqual({
      sig: auth.sig,
      msg: auth.msg,
    })
    const payload = JSON.parse(Buffer.from(auth.token!.split('.')[1]!, 'base64url').toString())
    expect(payload).toMatchObject({ iss: ISSUER_PUBKEY, sub: id.public.toString() })
    expect(Context.fromUserAuth(auth).toJSON()).toMatchObject({
      authorization: `bearer ${auth.token}`,
    })
    expect(calls).toEqual({ challenge: 1, token: 1 })
  })

  it('shares one login between concurrent callers', async () => {
    const { fetch, calls } = functionsFetch()
    const provider = createUserAuthProvider({
      endpoint: ENDPOINT,
      identity: PrivateKey.fromRandom(),
      fetch,
    })
    const results = await Promise.all(Array.from({ length: 8 }, () => provider()))
    expect(new Set(results.map((auth) => auth.sig)).size).toBe(1)
    expect(calls).toEqual({ challenge: 1, token: 1 })
  })

  it('refreshes after API_SIG_TTL_SECONDS with a new server-minted signature', async () => {
    setEnv({ API_SIG_TTL_SECONDS: '60' })
    const time = clock(new Date())
    const { fetch, calls } = functionsFetch()
    const provider = createUserAuthProvider({
      endpoint: ENDPOINT,
      identity: PrivateKey.fromRandom(),
      fetch,
      now: time.now,
    })
    const first = await provider()
    expect(Date.parse(first.msg) - Date.now()).toBeLessThanOrEqual(60_000)
    time.advance(61_000)
    await provider()
    expect(calls).toEqual({ challenge: 2, token: 2 })
  })

  it('rejects with hub_url_required in hub-challenge mode without a hubUrl', async () => {
    setEnv({ HUB_ISSUER_KEY: undefined })
    const { fetch, calls } = functionsFetch()
    const provider = createUserAuthProvider({
      endpoint: ENDPOINT,
      identity: PrivateKey.fromRandom(),
      fetch,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'hub_url_required' })
    expect(calls).toEqual({ challenge: 1, token: 1 })
  })

  it('rejects with pubkey_not_allowed when ALLOWED_PUBKEYS excludes the identity', async () => {
    setEnv({ ALLOWED_PUBKEYS: PrivateKey.fromRandom().public.toString() })
    const { fetch } = functionsFetch()
    const provider = createUserAuthProvider({
      endpoint: ENDPOINT,
      identity: PrivateKey.fromRandom(),
      fetch,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'pubkey_not_allowed', status: 403 })
  })

  it('rejects with invalid_signature when the identity signs with another key', async () => {
    const other = PrivateKey.fromRandom()
    const impostor = {
      public: PrivateKey.fromRandom().public,
      sign: (b: Uint8Array) => other.sign(b),
    }
    const { fetch } = functionsFetch()
    const provider = createUserAuthProvider({ endpoint: ENDPOINT, identity: impostor, fetch })
    await expect(provider()).rejects.toMatchObject({ code: 'invalid_signature', status: 401 })
  })

  it('rejects with server_misconfigured naming the variable, never its value', async () => {
    setEnv({ USER_API_SECRET: undefined })
    const { fetch } = functionsFetch()
    const provider = createUserAuthProvider({
      endpoint: ENDPOINT,
      identity: PrivateKey.fromRandom(),
      fetch,
    })
    const error = await provider().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'server_misconfigured', status: 500 })
    expect((error as { detail?: string }).detail).toContain('USER_API_SECRET')
  })

  it('recovers on the next call once the configuration is fixed', async () => {
    setEnv({ USER_API_KEY: undefined })
    const { fetch } = functionsFetch()
    const provider = createUserAuthProvider({
      endpoint: ENDPOINT,
      identity: PrivateKey.fromRandom(),
      fetch,
    })
    await expect(provider()).rejects.toMatchObject({ code: 'server_misconfigured' })
    setEnv({ USER_API_KEY: SECRETS.USER_API_KEY })
    await expect(provider()).resolves.toMatchObject({ key: SECRETS.USER_API_KEY })
  })
})
