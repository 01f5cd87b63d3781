// Child process of esm-load-order.e2e.test.ts, standing in for a browser page: the SDK (hub-
// challenge mode, the real functions in-process) and `@textile/threads-client`'s ESM build, the
// one browsers get, with its inlined copy of the generated classes on the global `proto`. Loads
// them in the order given, runs logins and `@textile/hub`'s own GetToken against the hub at
// `hubUrl`, and prints what happened as one JSON line. It imports nothing that loads the npm
// `threads_pb` (no `@textile/hub`, whose CommonJS build would; keys come from `@textile/crypto`).
// Usage: node --import tsx esm-load-order.child.ts <sdk-first|esm-first> <hubUrl>
// Environment: USER_API_KEY, USER_API_SECRET (the emulator's key pair).
import { PrivateKey } from '@textile/crypto'
import { WebSocket } from 'ws'
import { createUserAuthProvider, type UserAuth } from '../../src/client/index.ts'
import { decodeApiSecret, importApiSecret, mintApiSignature } from '../../src/core/api-signature.ts'
import { createChallengeHandler, createTokenHandler } from '../../src/index.ts'

const [order, hubUrl] = process.argv.slice(2) as ['sdk-first' | 'esm-first', string]
// Node 20 has no global WebSocket; both the SDK and the ESM build's transport use the global one.
;(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket

const SITE = 'https://site.example'
const options = {
  env: () => ({
    USER_API_KEY: process.env.USER_API_KEY,
    USER_API_SECRET: process.env.USER_API_SECRET,
    CHALLENGE_SECRET: 'esm-load-order-challenge-secret-0123456789',
    URL: SITE,
  }),
  logger: () => {},
}
const challenge = createChallengeHandler(options)
const token = createTokenHandler(options)
const fetch = (url: string, init: RequestInit) => {
  const request = new Request(url, init)
  return new URL(url).pathname === '/api/challenge' ? challenge(request) : token(request)
}

const provider = () =>
  createUserAuthProvider({
    endpoint: `${SITE}/api`,
    identity: PrivateKey.fromRandom(),
    hubUrl,
    fetch,
    prefetch: false,
  })

/** One SDK login with a fresh identity: 'ok' or the error's code and hub message. */
async function sdkLogin(): Promise<string> {
  const login = provider()
  try {
    const auth = await login()
    return auth.token ? 'ok' : 'no token'
  } catch (error) {
    const { code, grpcMessage } = error as { code?: string; grpcMessage?: string }
    return `${code}${grpcMessage ? `: ${grpcMessage}` : ''}`
  } finally {
    login.dispose()
  }
}

type Proto = { threads?: { pb?: { GetTokenRequest?: new () => GetTokenRequest } } }
interface GetTokenRequest {
  setKey(key: string): void
  serializeBinary(): Uint8Array
}
interface EsmClient {
  getToken(identity: PrivateKey): Promise<string>
}
let esm:
  | {
      Client: { withUserAuth(auth: () => Promise<UserAuth>, host: string): EsmClient }
      GetTokenRequest: new () => GetTokenRequest
    }
  | undefined

async function loadEsm() {
  const module = (await import('@textile/threads-client/dist/esm/index.js')) as {
    Client: NonNullable<typeof esm>['Client']
  }
  // Its classes, as they are the moment it loaded (a later load may overwrite the global).
  const GetTokenRequest = (globalThis as { proto?: Proto }).proto?.threads?.pb?.GetTokenRequest
  if (!GetTokenRequest) throw new Error('the ESM build registered no GetTokenRequest')
  esm = { Client: module.Client, GetTokenRequest }
}

/**
 * `@textile/hub`'s side, through the ESM build: its serialisation and its own getToken, with an
 * API signature minted here (not by the SDK, so that this side fails or works on its own).
 */
async function esmSide() {
  const request = new esm!.GetTokenRequest()
  request.setKey(PrivateKey.fromRandom().public.toString())
  const requestBytes = request.serializeBinary().length
  const secret = await importApiSecret(decodeApiSecret(process.env.USER_API_SECRET!)!)
  const expiresAt = new Date(Date.now() + 600_000)
  const auth = {
    key: process.env.USER_API_KEY!,
    ...(await mintApiSignature({ secret, expiresAt })),
  }
  let getToken: string
  try {
    const client = esm!.Client.withUserAuth(async () => auth, hubUrl)
    getToken = (await client.getToken(PrivateKey.fromRandom())) ? 'ok' : 'no token'
  } catch (error) {
    getToken = String((error as Error).message ?? error)
  }
  return { requestBytes, getToken }
}

const result: Record<string, unknown> = { order }
if (order === 'sdk-first') {
  result.firstLogin = await sdkLogin()
  result.protoAfterSdk = typeof (globalThis as { proto?: unknown }).proto
  await loadEsm()
} else {
  await loadEsm()
  result.firstLogin = await sdkLogin()
}
Object.assign(result, await esmSide())
result.secondLogin = await sdkLogin()
process.stdout.write(JSON.stringify(result) + '\n')
