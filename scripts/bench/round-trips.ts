// Client-perceived round trips, counted rather than asserted: the real SDK
// (createUserAuthProvider) against the project's handlers in-process, with a fetch that counts
// HTTP calls and a WebSocket that counts hub calls (each one gRPC-web call to the local emulator).
import { PrivateKey } from '@textile/hub'
import WebSocket from 'ws'
import { createUserAuthProvider, type FetchLike } from '../../src/client/index.ts'
import { startEmulator } from '../../src/emulator/index.ts'
import { createChallengeHandler, createTokenHandler } from '../../src/index.ts'
import { SECRETS } from '../../test/helpers/deployment.ts'
import { benchEnv, SITE } from './fixtures.ts'

/** Counts of one flow. */
export interface RoundTrips {
  flow: 'login' | 'refresh'
  mode: 'issuer' | 'hub-challenge'
  /** HTTP requests to the functions (each one client round trip). */
  http: number
  /** gRPC-web calls to the hub (GetToken: WebSocket upgrade + key→challenge + signature→token). */
  hubCalls: number
  /** Messages the hub sent back over those calls. */
  hubMessages: number
}

const counter = { calls: 0, messages: 0 }

/** A WebSocket that counts what the SDK opens and receives. */
class CountingWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols)
    counter.calls++
    this.on('message', () => counter.messages++)
  }
}

/** Runs a login and a refresh in each mode and counts the legs. */
export async function countRoundTrips(): Promise<RoundTrips[]> {
  const previous = globalThis.WebSocket
  globalThis.WebSocket = CountingWebSocket as unknown as typeof globalThis.WebSocket
  const hub = await startEmulator({
    apiKeys: [{ key: SECRETS.USER_API_KEY, secret: SECRETS.USER_API_SECRET }],
  })
  const results: RoundTrips[] = []
  try {
    for (const mode of ['issuer', 'hub-challenge'] as const) {
      const env = benchEnv(mode)
      const options = { env: () => env, logger: () => {} }
      const challenge = createChallengeHandler(options)
      const token = createTokenHandler(options)
      let http = 0
      const fetch: FetchLike = (url, init) => {
        http++
        const request = new Request(url, init)
        return new URL(request.url).pathname === '/api/challenge'
          ? challenge(request)
          : token(request)
      }
      let time = Date.now()
      const provider = createUserAuthProvider({
        endpoint: `${SITE}/api`,
        identity: PrivateKey.fromRandom(),
        hubUrl: hub.url,
        fetch,
        now: () => new Date(time),
      })
      for (const flow of ['login', 'refresh'] as const) {
        http = 0
        counter.calls = 0
        counter.messages = 0
        const auth = await provider()
        if (!auth.token) throw new Error(`${mode} ${flow}: no token`)
        results.push({ flow, mode, http, hubCalls: counter.calls, hubMessages: counter.messages })
        // Past the API signature's lifetime: the next call must refresh.
        time = Date.parse(auth.msg) + 1000
      }
    }
  } finally {
    await hub.close()
    globalThis.WebSocket = previous
  }
  return results
}
