// Calls to the hub emulator as a client makes them: credentials minted with the real
// @textile/security, and raw gRPC calls through the same @improbable-eng/grpc-web client and
// @textile/grpc-transport websocket transport that @textile/hub uses (its Client only reports the
// message; these report the status code too).
import WebSocket from 'isomorphic-ws'
import { grpc } from '@improbable-eng/grpc-web'
import { WebsocketTransport } from '@textile/grpc-transport'
import { createAPISig, PrivateKey, type UserAuth } from '@textile/hub'
import threads from '@textile/threads-client-grpc/threads_pb.js'
import type { Message } from 'google-protobuf'
import { importSigningKey } from '../../src/core/ed25519.ts'
import { parsePrivateKey } from '../../src/core/keys.ts'
import { mintThreadToken } from '../../src/core/thread-token.ts'
import type { Emulator } from '../../src/emulator/index.ts'
import { NOW } from './clock.ts'

// @textile/hub's transport needs a WebSocket; in Node it takes `ws` via isomorphic-ws, and
// browsers-style code paths read the global.
globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket

/** A msg 10 minutes after NOW: valid for the emulator, and in the future for the client too. */
export const VALID_UNTIL = new Date(NOW.getTime() + 600_000)

/** API-signature headers for a key, from the real createAPISig. */
export async function apiHeaders(key: string, secret: string, until = VALID_UNTIL) {
  const { sig, msg } = await createAPISig(secret, until)
  return { 'x-textile-api-key': key, 'x-textile-api-sig': sig, 'x-textile-api-sig-msg': msg }
}

/**
 * `@textile/hub`'s user-auth callback for a key: each call a fresh API signature from the real
 * createAPISig (valid until {@link VALID_UNTIL}), with `token` when given.
 */
export function keyAuth(key: string, secret: string, token?: string): () => Promise<UserAuth> {
  return async () => {
    const { sig, msg } = await createAPISig(secret, VALID_UNTIL)
    return { key, sig, msg, ...(token !== undefined && { token }) }
  }
}

/** API-signature headers for a key and a bearer token for `identity` minted with the host key. */
export async function tokenHeaders(
  hub: Emulator,
  key: string,
  secret: string,
  identity: PrivateKey,
): Promise<Record<string, string>> {
  return {
    ...(await apiHeaders(key, secret)),
    authorization: `bearer ${await hostToken(hub, identity)}`,
  }
}

/** A thread token for `identity` minted with the emulator's host key. */
export async function hostToken(hub: Emulator, identity: PrivateKey, now = NOW): Promise<string> {
  const issuer = await importSigningKey(parsePrivateKey(hub.hostKey)!.seed)
  return mintThreadToken({ issuer, subject: identity.public.toString(), now })
}

/** The outcome of a raw call. */
export interface RawResult<T = Message> {
  status: number
  message: string
  response?: T
}

type RequestClass = { new (): Message; deserializeBinary(bytes: Uint8Array): Message }

/** A method descriptor for any path, so unknown or foreign paths can be called too. */
export function descriptor(
  path: string,
  requestType: RequestClass = threads.ListDBsRequest,
  responseType: RequestClass = threads.ListDBsReply,
  streaming = false,
) {
  const [, serviceName, methodName] = path.split('/')
  return {
    methodName: methodName!,
    service: { serviceName: serviceName! },
    requestStream: streaming,
    responseStream: streaming,
    requestType,
    responseType,
  } as unknown as grpc.UnaryMethodDefinition<Message, Message>
}

/** One unary call; resolves with the status, never rejects. */
export function rawUnary(
  url: string,
  method: grpc.UnaryMethodDefinition<Message, Message>,
  request: Message,
  metadata: Record<string, string>,
): Promise<RawResult> {
  return new Promise((resolve) => {
    grpc.unary(method, {
      host: url,
      request,
      metadata,
      transport: WebsocketTransport(),
      onEnd: ({ status, statusMessage, message }) =>
        resolve({
          status,
          message: statusMessage,
          response: (message as Message | null) ?? undefined,
        }),
    })
  })
}

/** Script of one GetToken stream: what to send first, and how to answer the challenge. */
export interface GetTokenScript {
  first: Message
  answer?: (challenge: Uint8Array) => Message | Promise<Message> | undefined
}

/** Runs GetToken on `path` with a script; resolves with status, message and the token if any. */
export function rawGetToken(
  url: string,
  path: string,
  metadata: Record<string, string>,
  script: GetTokenScript,
): Promise<RawResult<string> & { challenges: Uint8Array[] }> {
  const method = descriptor(path, threads.GetTokenRequest, threads.GetTokenReply, true)
  const client = grpc.client(method as never, { host: url, transport: WebsocketTransport() })
  const challenges: Uint8Array[] = []
  let token: string | undefined
  return new Promise((resolve, reject) => {
    const onMessage = async (raw: unknown) => {
      const reply = raw as InstanceType<typeof threads.GetTokenReply>
      if (reply.hasChallenge()) {
        challenges.push(reply.getChallenge_asU8())
        const next = await script.answer?.(reply.getChallenge_asU8())
        if (next) {
          client.send(next)
          client.finishSend()
        }
      } else if (reply.hasToken()) token = reply.getToken()
    }
    // A script that throws fails the call instead of leaving it waiting for the hub's end.
    client.onMessage((raw) => void onMessage(raw).catch(reject))
    client.onEnd((status, message) =>
      resolve({ status, message, ...(token !== undefined && { response: token }), challenges }),
    )
    client.start(metadata)
    client.send(script.first)
  })
}

/** A GetTokenRequest carrying a key. */
export function keyRequest(key: string) {
  const request = new threads.GetTokenRequest()
  request.setKey(key)
  return request
}

/** A GetTokenRequest carrying a signature. */
export function signatureRequest(signature: Uint8Array) {
  const request = new threads.GetTokenRequest()
  request.setSignature(signature)
  return request
}
