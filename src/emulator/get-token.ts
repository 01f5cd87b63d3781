// GetToken, go-threads' interactive challenge (api/service.go + net.GetToken; docs/protocol.md §5):
// key → 32 random bytes → Ed25519 signature over them → token minted with the host key.
// Threat model: the challenge is fresh per stream and never reused, so a signature proves the
// caller holds the key now; the wait is bounded (default 60 s) so a silent peer cannot hold state.
import threads from '@textile/threads-client-grpc/threads_pb.js'
import { verifySignature, type SigningKey } from '../core/ed25519.ts'
import { mintThreadToken } from '../core/thread-token.ts'
import { GrpcError, GrpcStatus } from './grpc-error.ts'
import type { ServerCall } from './server-call.ts'
import { parseUserKey } from './user-key.ts'

const { GetTokenRequest, GetTokenReply } = threads
const { PayloadCase } = GetTokenRequest

/** Options of {@link serveGetToken}. */
export interface ServeGetTokenOptions {
  call: ServerCall
  hostKey: SigningKey
  now: () => Date
  challengeTimeoutMs: number
}

function decode(bytes: Uint8Array): InstanceType<typeof GetTokenRequest> {
  try {
    return GetTokenRequest.deserializeBinary(bytes)
  } catch {
    throw new GrpcError(GrpcStatus.INTERNAL, 'grpc: error unmarshalling request')
  }
}

/**
 * Runs one GetToken stream to its end; resolves when the token was sent, throws the status otherwise.
 *
 * @throws GrpcError 3 "Key is required" / "Signature is required"; 2 key parse error text,
 * "bad signature" or "EOF"; 4 "Challenge deadline exceeded".
 * @example
 * await serveGetToken({ call, hostKey, now: () => new Date(), challengeTimeoutMs: 60_000 })
 */
export async function serveGetToken(options: ServeGetTokenOptions): Promise<void> {
  const { call } = options
  const first = await call.recv()
  if (first === null) throw new GrpcError(GrpcStatus.UNKNOWN, 'EOF')
  const request = decode(first)
  if (request.getPayloadCase() !== PayloadCase.KEY) {
    throw new GrpcError(GrpcStatus.INVALID_ARGUMENT, 'Key is required')
  }
  const user = parseUserKey(request.getKey())

  const challenge = crypto.getRandomValues(new Uint8Array(32))
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.challengeTimeoutMs)
  })
  let answer: Uint8Array | null | 'timeout'
  try {
    const reply = new GetTokenReply()
    reply.setChallenge(challenge)
    call.send(reply.serializeBinary())
    answer = await Promise.race([call.recv(), deadline])
  } finally {
    clearTimeout(timer)
  }
  if (answer === 'timeout') {
    throw new GrpcError(GrpcStatus.DEADLINE_EXCEEDED, 'Challenge deadline exceeded')
  }
  if (answer === null) throw new GrpcError(GrpcStatus.UNKNOWN, 'EOF')
  const second = decode(answer)
  if (second.getPayloadCase() !== PayloadCase.SIGNATURE) {
    throw new GrpcError(GrpcStatus.INVALID_ARGUMENT, 'Signature is required')
  }
  const signature = second.getSignature_asU8()
  if (!(await verifySignature({ publicKey: user.raw, message: challenge, signature }))) {
    throw new GrpcError(GrpcStatus.UNKNOWN, 'bad signature')
  }
  // go-threads NewToken: iat is the hub's current second, not backdated.
  const now = options.now()
  const token = await mintThreadToken({
    issuer: options.hostKey,
    subject: user.text,
    now,
    iat: Math.floor(now.getTime() / 1000),
  })
  const reply = new GetTokenReply()
  reply.setToken(token)
  call.send(reply.serializeBinary())
}
