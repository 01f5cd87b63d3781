// Baseline for the browser SDK's size: GetToken's messages through the generated classes of
// @textile/threads-client-grpc, as the SDK's hub leg did before it wrote them itself (and as
// @textile/hub does). The same API as src/client/hub/get-token-messages.ts; scripts/bench/client-size.ts
// bundles the hub leg a second time with this file in its place. Not a test and never shipped.
import threads from '@textile/threads-client-grpc/threads_pb.js'
import type { GetTokenReply, GetTokenRequest } from '../../../src/client/hub/get-token-messages.ts'

export function encodeGetTokenRequest(request: GetTokenRequest): Uint8Array {
  const message = new threads.GetTokenRequest()
  if ('key' in request) message.setKey(request.key)
  else message.setSignature(request.signature)
  return message.serializeBinary()
}

export function decodeGetTokenReply(bytes: Uint8Array): GetTokenReply {
  const reply = threads.GetTokenReply.deserializeBinary(bytes)
  if (reply.hasChallenge()) return { payload: 'challenge', challenge: reply.getChallenge_asU8() }
  if (reply.hasToken()) return { payload: 'token', token: reply.getToken() }
  return { payload: 'none' }
}
