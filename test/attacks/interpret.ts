// Turns a recipe (recipe.ts) into real requests against in-process handlers and returns the
// response that is judged, with everything the deployment logged. Shared by the catalogue and the
// fuzzer, so a generated recipe means exactly what a hand-written one does.
import { PrivateKey } from '@textile/hub'
import { decodeBase32, encodeBase32, encodeBase64Url, utf8 } from '../../src/core/encoding.ts'
import { formatPublicKey } from '../../src/core/keys.ts'
import type { LogRecord } from '../../src/index.ts'
import { NOW } from '../helpers/clock.ts'
import { SECRETS, SITE, deployment, type Deployment } from '../helpers/deployment.ts'
import type {
  BodySpec,
  EnvelopeMutation,
  KeySpec,
  LoginRecipe,
  Recipe,
  RequestRecipe,
  Setup,
  SignatureSpec,
} from './recipe.ts'
import { identity } from '../helpers/identity.ts'

/** What a recipe produced. */
export interface Outcome {
  response: Response
  /** Which request was judged: a login whose challenge is refused is judged on the challenge. */
  stage: 'challenge' | 'token'
  logs: LogRecord[]
}

/** Something that signs bytes with Ed25519 and has a Textile public key string. */
export interface Signer {
  pubkey: string
  sign(bytes: Uint8Array): Promise<Uint8Array> | Uint8Array
}

/** Interpreter options: where identities come from (the fuzzer passes a pre-made pool). */
export interface InterpretOptions {
  identity?: () => Signer
  stranger?: () => Signer
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n
const issuerKey = PrivateKey.fromString(SECRETS.HUB_ISSUER_KEY)

/** A fresh @textile/hub identity as a {@link Signer}. */
export function textileSigner(id = identity()): Signer {
  return { pubkey: id.public.toString(), sign: (bytes) => id.sign(bytes) }
}

/**
 * Runs one recipe against a fresh deployment.
 *
 * @example
 * const { response } = await interpret({ kind: 'request', method: 'GET' }, 'challenge')
 */
export async function interpret(
  recipe: Recipe,
  endpoint: 'challenge' | 'token',
  options: InterpretOptions = {},
): Promise<Outcome> {
  const me = (options.identity ?? textileSigner)()
  const d = setUp(recipe, me)
  const outcome =
    recipe.kind === 'request'
      ? { response: await d[endpoint](buildRequest(recipe, endpoint, me)), stage: endpoint }
      : await runLogin(recipe, d, me, options)
  return { ...outcome, logs: d.logs }
}

function setUp(setup: Setup, me: Signer): Deployment {
  const env = { ...setup.env }
  if (setup.allowIdentity) env.ALLOWED_PUBKEYS = me.pubkey
  if (setup.denyListIdentity) {
    const spec = setup.denyListIdentity === true ? 'identity' : { identity: setup.denyListIdentity }
    env.DENIED_PUBKEYS = resolveKey(spec, me)
  }
  return deployment(env, setup.denyIdentity ? { policy: ({ pubkey }) => pubkey !== me.pubkey } : {})
}

function buildRequest(recipe: RequestRecipe, endpoint: string, me: Signer): Request {
  const pubkey = resolveKey(recipe.pubkey ?? 'identity', me)
  const headers = new Headers()
  for (const [name, value] of Object.entries({
    'content-type': 'application/json',
    ...recipe.headers,
  })) {
    if (value !== null) headers.set(name, value)
  }
  for (const [name, value] of recipe.appendHeaders ?? []) headers.append(name, value)
  const body = buildBody(recipe.body ?? { text: '{"pubkey":"{{pubkey}}"}' }, { pubkey })
  const method = recipe.method ?? 'POST'
  const init: RequestInit & { duplex?: 'half' } = { method, headers }
  if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
    init.body = body
    if (body instanceof ReadableStream) init.duplex = 'half'
  }
  return new Request(`${SITE}/api/${endpoint}`, init)
}

function buildBody(
  spec: BodySpec,
  values: Record<string, string>,
): string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | undefined {
  // Values land inside JSON string literals of the template: escape them as JSON does.
  const fill = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
      JSON.stringify(values[name] ?? '').slice(1, -1),
    )
  if ('none' in spec) return undefined
  if ('text' in spec) return fill(spec.text)
  if ('hex' in spec) return new Uint8Array(Buffer.from(spec.hex, 'hex'))
  if ('repeat' in spec) {
    return fill((spec.prefix ?? '') + spec.repeat.repeat(spec.times) + (spec.suffix ?? ''))
  }
  const { chunkBytes, chunks, text, abort } = spec.stream
  let sent = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent < chunks) {
        sent++
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x20))
      } else if (abort) {
        // What a client that disconnects mid-upload looks like to the function.
        controller.error(new TypeError('terminated'))
      } else {
        if (text) for (const byte of utf8(fill(text))) controller.enqueue(new Uint8Array([byte]))
        controller.close()
      }
    },
  })
}

/** Resolves a key spec to the string sent. */
export function resolveKey(spec: KeySpec, me: Signer): string {
  if (spec === 'identity') return me.pubkey
  if ('literal' in spec) return spec.literal
  if ('raw' in spec) return formatPublicKey(new Uint8Array(Buffer.from(spec.raw, 'hex')))
  if ('proto' in spec) return 'b' + encodeBase32(new Uint8Array(Buffer.from(spec.proto, 'hex')))
  const key = me.pubkey
  const raw = decodeBase32(key.slice(1))!.subarray(4)
  switch (spec.identity) {
    case 'uppercase':
      return key.toUpperCase()
    case 'leading-space':
      return ' ' + key
    case 'trailing-newline':
      return key + '\n'
    case 'append-a':
      return key + 'a'
    case 'append-aa':
      return key + 'aa'
    case 'zero-width-suffix':
      return key + '\u200b'
    case 'multibase-B':
      return 'B' + key.slice(1).toUpperCase()
    case 'overlong-type-varint':
      // 08 81 00 12 20 ‖ key: the same type 1, encoded in two bytes.
      return 'b' + encodeBase32(new Uint8Array([0x08, 0x81, 0x00, 0x12, 0x20, ...raw]))
    case 'overlong-length-varint':
      return 'b' + encodeBase32(new Uint8Array([0x08, 0x01, 0x12, 0xa0, 0x00, ...raw]))
    case 'tail-bits': {
      // The last base32 character carries 3 data bits and 2 padding bits: set a padding bit.
      const last = 'abcdefghijklmnopqrstuvwxyz234567'.indexOf(key.at(-1)!)
      return key.slice(0, -1) + 'abcdefghijklmnopqrstuvwxyz234567'[last | 1]
    }
  }
}

async function runLogin(
  recipe: LoginRecipe,
  d: Deployment,
  me: Signer,
  options: InterpretOptions,
): Promise<Omit<Outcome, 'logs'>> {
  const issuer = recipe.issuedBy ? deployment(recipe.issuedBy) : d
  issuer.clock.now = new Date(NOW.getTime() + (recipe.issueAt ?? 0) * 1000)
  const pubkey = resolveKey(recipe.pubkey ?? 'identity', me)
  const originHeader: Record<string, string> = recipe.origin ? { origin: recipe.origin } : {}
  const challenge = await issuer.challenge(
    new Request(`${SITE}/api/challenge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...originHeader },
      body: JSON.stringify({ pubkey }),
    }),
  )
  if (challenge.status !== 200) {
    if (issuer !== d) d.logs.push(...issuer.logs)
    return { response: challenge, stage: 'challenge' }
  }
  const issued = ((await challenge.json()) as { envelope: string }).envelope

  const signer =
    recipe.signer === 'stranger'
      ? (options.stranger ?? textileSigner)()
      : recipe.signer === 'issuer'
        ? textileSigner(issuerKey)
        : me
  const message = signedBytes(recipe.signed ?? 'envelope', issued)
  const rawSignature = new Uint8Array(await signer.sign(message))
  const envelope = recipe.envelope ? mutateEnvelope(issued, recipe.envelope) : issued
  const signature = encodeSignature(rawSignature, recipe.signature)

  d.clock.now = new Date(NOW.getTime() + (recipe.redeemAt ?? 0) * 1000)
  const headers = new Headers({ 'content-type': 'application/json' })
  const tokenOrigin = recipe.tokenOrigin === undefined ? recipe.origin : recipe.tokenOrigin
  if (tokenOrigin) headers.set('origin', tokenOrigin)
  for (const [name, value] of Object.entries(recipe.headers ?? {})) {
    if (value === null) headers.delete(name)
    else headers.set(name, value)
  }
  const template = recipe.body ?? '{"envelope":{{envelope}},"signature":{{signature}}}'
  const body = template
    .replace('{{envelope}}', JSON.stringify(envelope))
    .replace('{{signature}}', JSON.stringify(signature))
  const request = new Request(`${SITE}/api/token`, {
    method: recipe.method ?? 'POST',
    headers,
    body,
  })
  return { response: await d.token(request), stage: 'token' }
}

function signedBytes(what: NonNullable<LoginRecipe['signed']>, envelope: string): Uint8Array {
  switch (what) {
    case 'envelope':
      return utf8(envelope)
    case 'payload':
      return utf8(envelope.split('.')[2]!)
    case 'utf16':
      return new Uint8Array(Buffer.from(envelope, 'utf16le'))
    case 'envelope-newline':
      return utf8(envelope + '\n')
    case 'empty':
      return new Uint8Array(0)
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

function mutateEnvelope(envelope: string, mutation: EnvelopeMutation): string {
  const parts = envelope.split('.')
  if ('segment' in mutation) {
    parts[mutation.segment] = mutation.to
    return parts.join('.')
  }
  if ('flip' in mutation) {
    const at = mutation.flip < 0 ? envelope.length + mutation.flip : mutation.flip
    const next = B64[(B64.indexOf(envelope[at]!) + 1) % 64]
    return envelope.slice(0, at) + next + envelope.slice(at + 1)
  }
  if ('claim' in mutation) {
    const claims = JSON.parse(Buffer.from(parts[2]!, 'base64url').toString())
    claims[mutation.claim] = mutation.value
    parts[2] = encodeBase64Url(utf8(JSON.stringify(claims)))
    return parts.join('.')
  }
  if ('slice' in mutation) return envelope.slice(...mutation.slice)
  if ('append' in mutation) return envelope + mutation.append
  if ('prepend' in mutation) return mutation.prepend + envelope
  if ('literal' in mutation) return mutation.literal
  switch (mutation.transform) {
    case 'uppercase':
      return envelope.toUpperCase()
    case 'double':
      return envelope + envelope
    case 'drop-mac':
      return parts.slice(0, 3).join('.')
    case 'extra-segment':
      return envelope + '.' + parts[3]
    case 'to-json-string':
      return JSON.stringify(envelope)
  }
}

function encodeSignature(signature: Uint8Array, spec: SignatureSpec | undefined): string {
  if (!spec) return encodeBase64Url(signature)
  if ('literal' in spec) return spec.literal
  if ('hex' in spec) return encodeBase64Url(new Uint8Array(Buffer.from(spec.hex, 'hex')))
  if ('fill' in spec) return encodeBase64Url(new Uint8Array(spec.length).fill(spec.fill))
  if ('truncate' in spec) return encodeBase64Url(signature.subarray(0, spec.truncate))
  if ('pad' in spec) {
    const padded = new Uint8Array(signature.length + spec.pad)
    padded.set(signature)
    return encodeBase64Url(padded)
  }
  if ('malleate' in spec) return encodeBase64Url(malleate(signature, spec.malleate))
  const std = Buffer.from(signature).toString('base64')
  switch (spec.encoding) {
    case 'base64-std':
      return std.replace(/=+$/, '')
    case 'base64-std-padded':
      return std
    case 'hex':
      return Buffer.from(signature).toString('hex')
    case 'with-spaces':
      return encodeBase64Url(signature).replace(/(.{16})/g, '$1 ')
    case 'with-newline':
      return encodeBase64Url(signature) + '\n'
    case 'mixed-alphabets':
      // '+' is standard base64, '_' is base64url: one string may not use both.
      return '+_' + encodeBase64Url(signature).slice(2)
    case 'trailing-bits': {
      // 64 bytes → 86 characters; the last carries 4 padding bits: set one.
      const url = encodeBase64Url(signature)
      return url.slice(0, -1) + B64[B64.indexOf(url.at(-1)!) | 1]
    }
    case 'inner-padding':
      return std.slice(0, 40) + '=' + std.slice(40)
  }
}

function malleate(signature: Uint8Array, how: string): Uint8Array {
  const out = new Uint8Array(signature)
  const r = signature.subarray(0, 32)
  const s = signature.subarray(32)
  const scalar = () => {
    let value = 0n
    for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(s[i]!)
    return value
  }
  const setScalar = (value: bigint) => {
    for (let i = 0; i < 32; i++) out[32 + i] = Number((value >> BigInt(8 * i)) & 0xffn)
  }
  switch (how) {
    case 'add-L':
      setScalar(scalar() + L)
      break
    case 'add-2L':
      setScalar(scalar() + 2n * L)
      break
    case 'set-top-bit':
      out[63]! |= 0x80
      break
    case 'swap-r-s':
      out.set(s, 0)
      out.set(r, 32)
      break
    case 'flip-r':
      out[0]! ^= 1
      break
    case 'flip-s':
      out[32]! ^= 1
      break
  }
  return out
}
