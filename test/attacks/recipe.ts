// The declarative language of the attack catalogue and the fuzzer: a case says what to send, never
// how; `interpret.ts` turns a recipe into real requests against in-process handlers. Keeping cases
// as data lets the fuzzer generate the same recipes the catalogue writes by hand.
import type { ErrorCode } from '../../src/core/errors.ts'

/** The endpoint a case attacks (for `login`, the endpoint whose answer is judged). */
export type Endpoint = 'challenge' | 'token'

/** A Textile public key string for the case; `identity` is the case's own fresh key. */
export type KeySpec =
  | 'identity'
  | { literal: string }
  /** 32 raw Ed25519 bytes (hex), encoded as a well-formed Textile key string. */
  | { raw: string }
  /** A whole libp2p key protobuf (hex), multibase base32. */
  | { proto: string }
  /** The case identity's key, altered. */
  | { identity: KeyTransform }

/** Ways to alter a valid key string (allowlist and canonical-encoding attacks). */
export type KeyTransform =
  | 'uppercase'
  | 'leading-space'
  | 'trailing-newline'
  | 'append-a'
  | 'append-aa'
  | 'zero-width-suffix'
  | 'multibase-B'
  | 'overlong-type-varint'
  | 'overlong-length-varint'
  | 'tail-bits'

/** A request body. `{{pubkey}}`, `{{envelope}}` and `{{signature}}` in text are substituted. */
export type BodySpec =
  | { text: string }
  /** Raw bytes, hex. */
  | { hex: string }
  /** `prefix + unit × times + suffix`, for big and deeply nested bodies. */
  | { repeat: string; times: number; prefix?: string; suffix?: string }
  /** A streamed body without Content-Length: `chunks` chunks of `chunkBytes` spaces, then `text`. */
  | { stream: { chunkBytes: number; chunks: number; text?: string; abort?: boolean } }
  | { none: true }

/** Deployment knobs for a case. */
export interface Setup {
  /** Environment overrides of the target deployment (test/helpers/deployment.ts). */
  env?: Record<string, string | undefined>
  /** `ALLOWED_PUBKEYS` = the case identity's key. */
  allowIdentity?: boolean
  /** A policy hook that refuses the case identity's canonical key string (a denylist). */
  denyIdentity?: boolean
  /** `DENIED_PUBKEYS` = the case identity's key (`true`), or that key altered. */
  denyListIdentity?: true | KeyTransform
}

/** One HTTP request to the endpoint, with the case identity available as `{{pubkey}}`. */
export interface RequestRecipe extends Setup {
  kind: 'request'
  method?: string
  /** Merged over `content-type: application/json`; `null` removes a header. */
  headers?: Record<string, string | null>
  /** Repeated header values (appended, as a client sending the header twice). */
  appendHeaders?: [string, string][]
  /** Default `{"pubkey":"{{pubkey}}"}`. */
  body?: BodySpec
  pubkey?: KeySpec
}

/** Envelope alterations, applied after signing. */
export type EnvelopeMutation =
  /** Replace one dot-separated segment (0 version, 1 key id, 2 payload, 3 MAC). */
  | { segment: 0 | 1 | 2 | 3; to: string }
  /** Rotate the character at `at` (negative from the end) within the base64url alphabet. */
  | { flip: number }
  /** Change a claim and re-encode the payload, keeping the old MAC. */
  | { claim: 'sub' | 'aud' | 'iat' | 'exp' | 'nonce'; value: unknown }
  | { slice: readonly [number, number?] }
  | { append: string }
  | { prepend: string }
  | { literal: string }
  | { transform: 'uppercase' | 'double' | 'drop-mac' | 'extra-segment' | 'to-json-string' }

/** The signature sent. Default: a valid base64url signature by the signer. */
export type SignatureSpec =
  | { malleate: 'add-L' | 'add-2L' | 'set-top-bit' | 'swap-r-s' | 'flip-r' | 'flip-s' }
  | { fill: number; length: number }
  /** Keep the first N bytes, or add zero bytes when `pad` is given. */
  | { truncate: number }
  | { pad: number }
  /** Fixed signature bytes, hex. */
  | { hex: string }
  | {
      encoding:
        | 'base64-std'
        | 'base64-std-padded'
        | 'hex'
        | 'with-spaces'
        | 'with-newline'
        | 'mixed-alphabets'
        | 'trailing-bits'
        | 'inner-padding'
    }
  | { literal: string }

/** A full login: a real challenge, a signature, then the token request (both judged in order). */
export interface LoginRecipe extends Setup {
  kind: 'login'
  /** The key the challenge is asked for (default the identity). */
  pubkey?: KeySpec
  /** Origin sent with both requests unless `tokenOrigin` differs; absent = no Origin header. */
  origin?: string
  /** Origin of the token request only; `null` sends none. */
  tokenOrigin?: string | null
  /** Another deployment issues the challenge (its env overrides). */
  issuedBy?: Record<string, string | undefined>
  /** Clock of the issuing deployment, seconds after NOW. */
  issueAt?: number
  /** Clock of the token request, seconds after NOW. */
  redeemAt?: number
  /** Who signs (default the identity): a stranger, or the hub issuer key. */
  signer?: 'identity' | 'stranger' | 'issuer'
  /** What is signed (default the envelope's UTF-8 bytes). */
  signed?: 'envelope' | 'payload' | 'utf16' | 'envelope-newline' | 'empty'
  envelope?: EnvelopeMutation
  signature?: SignatureSpec
  /** Token body template, default `{"envelope":"{{envelope}}","signature":"{{signature}}"}`. */
  body?: string
  /** Extra headers of the token request (merged over the JSON content type). */
  headers?: Record<string, string | null>
  method?: string
}

export type Recipe = RequestRecipe | LoginRecipe

/** The outcome a case must produce: the status, and the code when it is an error. */
export interface Expectation {
  status: number
  code?: ErrorCode
}

/** One named attack. */
export interface AttackCase {
  name: string
  endpoint: Endpoint
  build: Recipe
  expect: Expectation
}
