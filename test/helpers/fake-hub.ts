// The SDK's fake hub: GetToken only, over gRPC-web on a WebSocket (docs/protocol.md §5, §6),
// honest or hostile as told, recording what it saw; and the global WebSocket it needs in Node.
import { PublicKey } from '@textile/hub'
import threads from '@textile/threads-client-grpc/threads_pb.js'
import { WebSocket, WebSocketServer } from 'ws'
import { NOW } from './clock.ts'
import { fakeEnvelope, hubToken, utf8 } from './fake-server.ts'

/**
 * How the fake hub behaves. The hostile ones (a hub that is compromised, or anyone on the path to a
 * plain-`http:` hub) send something other than one 32-byte challenge:
 * - `relay-envelope`: UTF-8 of a `/api/challenge` envelope for the caller's key, as "the challenge";
 * - `short-challenge` / `long-challenge` / `empty-challenge`: 31, 33 or 0 bytes;
 * - `two-challenges`: two 32-byte challenges in a row;
 * - `challenge-after-signature`: another 32-byte challenge in answer to the signature.
 */
export type HubBehaviour =
  | 'ok'
  | 'unauthenticated'
  | 'silent'
  | 'no-trailers'
  | 'relay-envelope'
  | 'short-challenge'
  | 'long-challenge'
  | 'empty-challenge'
  | 'two-challenges'
  | 'challenge-after-signature'

/** The challenge bytes a behaviour sends for `key`. */
function challengeFor(behaviour: HubBehaviour, key: string): Uint8Array {
  if (behaviour === 'relay-envelope') return utf8(fakeEnvelope(key, NOW).envelope)
  const length = { 'short-challenge': 31, 'long-challenge': 33, 'empty-challenge': 0 }[
    behaviour as string
  ]
  return crypto.getRandomValues(new Uint8Array(length ?? 32))
}

const { GetTokenRequest, GetTokenReply } = threads

function frame(flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length)
  out[0] = flags
  new DataView(out.buffer).setUint32(1, payload.length)
  out.set(payload, 5)
  return out
}

/** A running fake hub: its URL, what it saw, and `close()` (safe to call twice). */
export type FakeHub = Awaited<ReturnType<typeof fakeHub>>

/** Options of {@link fakeHub}. */
export interface FakeHubOptions {
  /** The n-th token it issues for `key`; default {@link hubToken}. */
  token?: (n: number, key: string) => string
}

/** A scripted hub: GetToken only, over gRPC-web on a WebSocket (docs/protocol.md §5, §6). */
export async function fakeHub(behaviour: HubBehaviour = 'ok', options: FakeHubOptions = {}) {
  const tokenOf = options.token ?? hubToken
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('grpc-websockets') ? 'grpc-websockets' : false),
  })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const state = {
    connections: 0,
    /** Connections the client closed or lost. */
    closed: 0,
    paths: [] as string[],
    headers: [] as string[],
    tokens: 0,
    /** Every signature message received, with the challenge it answered and whether it verified. */
    signatures: [] as { challenge: Uint8Array; verified: boolean }[],
  }
  server.on('connection', (socket, request) => {
    state.connections++
    socket.on('close', () => state.closed++)
    state.paths.push(request.url ?? '')
    let headersSeen = false
    let key = ''
    let challenge: Uint8Array = new Uint8Array()
    let verified = false
    let answers = 0
    const sendChallenge = (bytes: Uint8Array, withHeaders: boolean) => {
      challenge = bytes
      const reply = new GetTokenReply()
      reply.setChallenge(bytes)
      const message = frame(0, reply.serializeBinary())
      // Headers and the first message merged into one websocket message, as servers may do.
      const headers = frame(0x80, utf8('content-type: application/grpc-web+proto\r\n'))
      socket.send(withHeaders ? Buffer.concat([headers, message]) : message)
    }
    // Messages are handled in order: the signature check is async and the half-close follows it.
    let queue = Promise.resolve()
    socket.on('message', (raw: Buffer) => {
      queue = queue.then(() => handle(raw))
    })
    const handle = async (raw: Buffer) => {
      const data = new Uint8Array(raw)
      if (!headersSeen) {
        headersSeen = true
        state.headers.push(Buffer.from(data).toString('ascii'))
        return
      }
      if (data[0] === 1) {
        if (!verified || (behaviour !== 'ok' && behaviour !== 'relay-envelope')) return
        state.tokens++
        const reply = new GetTokenReply()
        reply.setToken(tokenOf(state.tokens, key))
        socket.send(frame(0, reply.serializeBinary()))
        socket.send(frame(0x80, utf8('grpc-status: 0\r\ngrpc-message: \r\n')))
        socket.close()
        return
      }
      const request = GetTokenRequest.deserializeBinary(data.subarray(6))
      if (behaviour === 'silent') return
      if (behaviour === 'unauthenticated') {
        socket.send(
          frame(0x80, utf8('grpc-status: 16\r\ngrpc-message: Bad%20API%20key%20signature\r\n')),
        )
        socket.close()
        return
      }
      if (behaviour === 'no-trailers') {
        socket.close()
        return
      }
      if (request.hasKey()) {
        key = request.getKey()
        sendChallenge(challengeFor(behaviour, key), true)
        if (behaviour === 'two-challenges') sendChallenge(challengeFor(behaviour, key), false)
      } else if (request.hasSignature()) {
        verified = await PublicKey.fromString(key).verify(challenge, request.getSignature_asU8())
        state.signatures.push({ challenge, verified })
        if (behaviour === 'challenge-after-signature' && ++answers === 1) {
          verified = false
          sendChallenge(challengeFor(behaviour, key), false)
        } else if (!verified) {
          socket.send(frame(0x80, utf8('grpc-status: 2\r\ngrpc-message: bad signature\r\n')))
          socket.close()
        }
      }
    }
  })
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate()
        server.close(() => resolve())
      }),
  }
}

/**
 * Installs `value` (default `ws`) as the global WebSocket that the SDK and @textile/hub use (Node
 * 20 has none); returns the undo.
 */
export function installWebSocket(value: unknown = WebSocket): () => void {
  const had = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket')
  Object.defineProperty(globalThis, 'WebSocket', {
    value,
    configurable: true,
    writable: true,
  })
  return () => {
    if (had) Object.defineProperty(globalThis, 'WebSocket', had)
    else delete (globalThis as { WebSocket?: unknown }).WebSocket
  }
}
