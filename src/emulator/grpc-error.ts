// gRPC status codes (grpc/doc/statuscodes.md) and the error the emulator's handlers throw.
// Messages are the hub's own texts, fixed strings that never echo a secret.

/** The gRPC status codes the emulator answers with. */
export const GrpcStatus = {
  OK: 0,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAUTHENTICATED: 16,
} as const

/** One of {@link GrpcStatus}. */
export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus]

/**
 * A gRPC error status: what a handler throws to end its call with `grpc-status` / `grpc-message`.
 *
 * @example
 * throw new GrpcError(GrpcStatus.UNAUTHENTICATED, 'Token required')
 */
export class GrpcError extends Error {
  override name = 'GrpcError'
  readonly code: GrpcStatusCode

  constructor(code: GrpcStatusCode, message: string) {
    super(message)
    this.code = code
  }

  /** Anything thrown that is not a GrpcError becomes 13 Internal with a fixed message. */
  static from(error: unknown): GrpcError {
    if (error instanceof GrpcError) return error
    return new GrpcError(GrpcStatus.INTERNAL, 'internal emulator error')
  }
}
