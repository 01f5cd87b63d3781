// The one check of a UserAuth from the functions, wherever it came from (a handler, the SDK, the
// shipped zips, netlify dev, the websocket server): what @textile/hub needs of it.
import { Context } from '@textile/context'
import { createAPISig } from '@textile/security'
import { expect } from 'vitest'
import { SECRETS } from './deployment.ts'

/** Options of {@link expectValidUserAuth}. */
export interface ValidUserAuthOptions {
  /** Whether it carries a thread token (issuer mode) or not (hub-challenge mode). */
  token: boolean
  /** The deployment's API key and secret; default the test deployment's {@link SECRETS}. */
  secrets?: { USER_API_KEY: string; USER_API_SECRET: string }
  /** The identity's public key: the thread token's `sub`. */
  subject?: string
  /** The issuer's public key: the thread token's `iss`. */
  issuer?: string
}

/**
 * Asserts that `auth` is a UserAuth the hub takes: exactly `key`, `sig`, `msg` (and `token`), the
 * deployment's API key, a signature byte-identical to @textile/security's `createAPISig` over
 * `msg`, and headers @textile/context's `Context.fromUserAuth` builds field for field.
 *
 * @example
 * await expectValidUserAuth(await response.json(), { token: true, subject: pubkey })
 */
export async function expectValidUserAuth(
  auth: unknown,
  { token, secrets = SECRETS, subject, issuer }: ValidUserAuthOptions,
): Promise<void> {
  const fields = token ? ['key', 'msg', 'sig', 'token'] : ['key', 'msg', 'sig']
  expect(Object.keys(auth as object).sort()).toEqual(fields)
  const { key, sig, msg, token: jwt } = auth as Record<string, string>
  expect(key).toBe(secrets.USER_API_KEY)
  expect(await createAPISig(secrets.USER_API_SECRET, new Date(msg!))).toEqual({ sig, msg })
  expect(Context.fromUserAuth(auth as never, 'http://127.0.0.1:6007').toJSON()).toMatchObject({
    'x-textile-api-key': key,
    'x-textile-api-sig': sig,
    'x-textile-api-sig-msg': msg,
    ...(token && { authorization: `bearer ${jwt}` }),
  })
  if (subject === undefined && issuer === undefined) return
  const claims = JSON.parse(Buffer.from(jwt!.split('.')[1]!, 'base64url').toString())
  expect(claims).toMatchObject({
    ...(subject !== undefined && { sub: subject }),
    ...(issuer !== undefined && { iss: issuer }),
  })
}
