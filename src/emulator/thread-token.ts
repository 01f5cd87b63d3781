// The hub's two looks at a thread token (docs/protocol.md §4):
// 1. hubd's auth interceptor parses it unverified (golang-jwt v3 ParseUnverified): three
//    base64url segments, JSON header and claims, a registered `alg`. Failure: 7 "Bad authorization".
// 2. go-threads Token.Validate checks it against the host key: alg must be go-threads' own
//    "Ed25519" (any other registered alg fails on the key type), claims valid at the verifier's
//    second (iat ≤ now, exp/nbf when present, no skew), Ed25519 signature. Failure: plain Go error
//    "invalid thread token", so gRPC 2 Unknown. Threat model: anyone can send a token; only one
//    signed by the host key passes, and `iss` is never trusted.
import { Buffer } from 'node:buffer'
import { verifySignature } from '../core/ed25519.ts'
import { utf8 } from '../core/encoding.ts'
import { GrpcError, GrpcStatus } from './grpc-error.ts'

/** `alg` values golang-jwt v3.2.2 registers, plus go-threads' "Ed25519". */
const REGISTERED_ALGS = new Set([
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'none',
  'Ed25519',
])
const SEGMENT = /^[A-Za-z0-9_-]*$/

/** The parts of a token that parsed. */
export interface ParsedThreadToken {
  alg: string
  claims: { sub: string; iat: number; exp: number; nbf: number }
  signingInput: string
  signature: Uint8Array
}

/** base64url without padding, as jwt.DecodeSegment (RawURLEncoding) reads it. */
function decodeSegment(segment: string): Uint8Array | undefined {
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) return undefined
  return new Uint8Array(Buffer.from(segment, 'base64url'))
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return undefined
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A StandardClaims int64 field: absent is 0, anything but an integer fails to decode. */
function intClaim(claims: Record<string, unknown>, name: string): number | undefined {
  const value = claims[name]
  if (value === undefined || value === null) return 0
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined
}

/** A StandardClaims string field. */
function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name]
  if (value === undefined || value === null) return ''
  return typeof value === 'string' ? value : undefined
}

/**
 * Parses a token without verifying it, as hubd's interceptor does; undefined when golang-jwt's
 * ParseUnverified would fail.
 *
 * @example
 * if (!parseThreadToken(token)) throw new GrpcError(GrpcStatus.PERMISSION_DENIED, 'Bad authorization')
 */
export function parseThreadToken(token: string): ParsedThreadToken | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const header = parseJson(decodeSegment(parts[0]!) ?? new Uint8Array([0xff]))
  const claimBytes = decodeSegment(parts[1]!)
  const signature = decodeSegment(parts[2]!) ?? new Uint8Array(0)
  if (!isObject(header) || !claimBytes) return undefined
  const claims = parseJson(claimBytes)
  if (claims !== null && !isObject(claims)) return undefined
  const fields = claims ?? {}
  const sub = stringClaim(fields, 'sub')
  const iat = intClaim(fields, 'iat')
  const exp = intClaim(fields, 'exp')
  const nbf = intClaim(fields, 'nbf')
  const others = ['iss', 'jti', 'aud'].every((name) => stringClaim(fields, name) !== undefined)
  if (sub === undefined || iat === undefined || exp === undefined || nbf === undefined || !others)
    return undefined
  const alg = header.alg
  if (typeof alg !== 'string' || !REGISTERED_ALGS.has(alg)) return undefined
  return {
    alg,
    claims: { sub, iat, exp, nbf },
    signingInput: `${parts[0]}.${parts[1]}`,
    signature,
  }
}

/** Options of {@link validateThreadToken}. */
export interface ValidateThreadTokenOptions {
  token: ParsedThreadToken
  /** The raw 32-byte Ed25519 host public key. */
  hostPublicKey: Uint8Array
  now: Date
}

/**
 * Validates a parsed token against the host key, as go-threads `Token.Validate` does.
 *
 * @throws GrpcError 2 "invalid thread token" for a wrong alg, bad claims timing or a bad signature.
 * @example
 * await validateThreadToken({ token: parsed, hostPublicKey, now: new Date() })
 */
export async function validateThreadToken(options: ValidateThreadTokenOptions): Promise<void> {
  const { token, hostPublicKey } = options
  const now = Math.floor(options.now.getTime() / 1000)
  const { iat, exp, nbf } = token.claims
  const timely = (exp === 0 || now <= exp) && (iat === 0 || now >= iat) && (nbf === 0 || now >= nbf)
  const verified =
    token.alg === 'Ed25519' &&
    (await verifySignature({
      publicKey: hostPublicKey,
      message: utf8(token.signingInput),
      signature: token.signature,
    }))
  if (!timely || !verified) throw new GrpcError(GrpcStatus.UNKNOWN, 'invalid thread token')
}
