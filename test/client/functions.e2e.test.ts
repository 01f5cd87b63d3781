// The SDK against the real functions in-process (no hub): the UserAuth they mint, their error codes.
import { describe, expect } from 'vitest'
import { SECRETS } from '../helpers/deployment.ts'
import { expectValidUserAuth } from '../helpers/expect-user-auth.ts'
import { it } from '../helpers/functions-fetch.ts'
import { identity } from '../helpers/identity.ts'

const ISSUER_PUBKEY = 'bbaareihkjjwghyu4kifl55kqpmjs5rpzsvdxnlv6xz5zeqq65jurirwsfq'

describe('createUserAuthProvider() with the real functions', () => {
  it('gets a full UserAuth in issuer mode: createAPISig-identical sig, a token for the pubkey', async ({
    functionsProvider,
  }) => {
    const id = identity()
    const { provider, calls } = functionsProvider({ identity: id })
    const auth = await provider()
    await expectValidUserAuth(auth, {
      token: true,
      subject: id.public.toString(),
      issuer: ISSUER_PUBKEY,
    })
    expect(calls).toEqual({ challenge: 1, token: 1 })
  })

  it('shares one login between concurrent callers', async ({ functionsProvider }) => {
    const { provider, calls } = functionsProvider()
    const results = await Promise.all(Array.from({ length: 8 }, () => provider()))
    expect(new Set(results.map((auth) => auth.sig)).size).toBe(1)
    expect(calls).toEqual({ challenge: 1, token: 1 })
  })

  it('refreshes after API_SIG_TTL_SECONDS with a new server-minted signature', async ({
    functionEnv,
    functionsProvider,
  }) => {
    functionEnv({ API_SIG_TTL_SECONDS: '60' })
    const { provider, calls, time } = functionsProvider()
    const first = await provider()
    expect(Date.parse(first.msg) - Date.now()).toBeLessThanOrEqual(60_000)
    time.advance(61_000)
    await provider()
    expect(calls).toEqual({ challenge: 2, token: 2 })
  })

  it('rejects with hub_url_required in hub-challenge mode without a hubUrl', async ({
    functionEnv,
    functionsProvider,
  }) => {
    functionEnv({ HUB_ISSUER_KEY: undefined })
    const { provider, calls } = functionsProvider()
    await expect(provider()).rejects.toMatchObject({ code: 'hub_url_required' })
    expect(calls).toEqual({ challenge: 1, token: 1 })
  })

  it('rejects with pubkey_not_allowed when ALLOWED_PUBKEYS excludes the identity', async ({
    functionEnv,
    functionsProvider,
  }) => {
    functionEnv({ ALLOWED_PUBKEYS: identity().public.toString() })
    const { provider } = functionsProvider()
    await expect(provider()).rejects.toMatchObject({ code: 'pubkey_not_allowed', status: 403 })
  })

  it('rejects with invalid_signature when the identity signs with another key', async ({
    functionsProvider,
  }) => {
    const other = identity()
    const impostor = { public: identity().public, sign: (b: Uint8Array) => other.sign(b) }
    const { provider } = functionsProvider({ identity: impostor })
    await expect(provider()).rejects.toMatchObject({ code: 'invalid_signature', status: 401 })
  })

  it('rejects with server_misconfigured naming the variable, never its value', async ({
    functionEnv,
    functionsProvider,
  }) => {
    functionEnv({ USER_API_SECRET: undefined })
    const { provider } = functionsProvider()
    const error = await provider().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'server_misconfigured', status: 500 })
    expect((error as { detail?: string }).detail).toContain('USER_API_SECRET')
  })

  it('recovers on the next call once the configuration is fixed', async ({
    functionEnv,
    functionsProvider,
  }) => {
    functionEnv({ USER_API_KEY: undefined })
    const { provider } = functionsProvider()
    await expect(provider()).rejects.toMatchObject({ code: 'server_misconfigured' })
    functionEnv({ USER_API_KEY: SECRETS.USER_API_KEY })
    await expect(provider()).resolves.toMatchObject({ key: SECRETS.USER_API_KEY })
  })
})
