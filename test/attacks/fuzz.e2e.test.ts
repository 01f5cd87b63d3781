// Fuzzing both functions in-process with fast-check: random requests and near-valid ones (real
// envelopes and signatures, then damaged). Properties: no 5xx, every error is problem+json with a
// contract code whose status matches the table, every request logs one line with its id and code,
// and no secret ever leaves (body, headers, log lines).
//
// Default: FUZZ_RUNS=1000 requests when run alone, 10000 in `npm test` and CI. A long run:
//   FUZZ_RUNS=1000000 npx vitest run --config test/vitest.config.ts test/attacks/fuzz.e2e.test.ts
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeBase32 } from '../../src/core/encoding.ts'
import { isErrorCode } from '../../src/core/errors.ts'
import { STATUS } from '../../src/http/problem.ts'
import { textileConfig } from '../../src/http/textile-config.ts'
import { NOW } from '../helpers/clock.ts'
import { SECRETS, SITE, deployment, type Deployment } from '../helpers/deployment.ts'
import { textileSigner, type Signer } from './interpret.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000)
/** The three main properties share the runs; the misconfiguration property gets an extra 5 %. */
const SHARE = Math.ceil(RUNS / 3)
const TIMEOUT = Math.max(60_000, RUNS * 10)
const SECRET_VALUES = Object.values(SECRETS).filter((value) => value !== SECRETS.USER_API_KEY)
const SECRET_VARIABLES = new Set<string>(['USER_API_SECRET', 'CHALLENGE_SECRET', 'HUB_ISSUER_KEY'])
const APP = 'https://app.example'
const PREVIEW = 'https://deploy-preview-4--site.netlify.app'
const ENV = { ALLOWED_ORIGINS: `${APP},https://deploy-preview-*--site.netlify.app` }

const d = deployment(ENV)
let sent = 0
/** `status code` → count, printed at the end so a run shows what it exercised. */
const outcomes = new Map<string, number>()

/** A fuzzed request, as plain data so fast-check can print and shrink it. */
interface Sample {
  endpoint: 'challenge' | 'token'
  method: string
  headers: [string, string][]
  body?: string | Uint8Array
  /** Seconds after NOW when the request arrives (envelopes live 60 s, plus 5 s of skew). */
  at?: number
}

async function send(target: Deployment, sample: Sample): Promise<Response> {
  const init: RequestInit = { method: sample.method, headers: sample.headers }
  if (sample.body !== undefined && sample.method !== 'GET' && sample.method !== 'HEAD') {
    init.body = typeof sample.body === 'string' ? sample.body : new Uint8Array(sample.body)
  }
  sent++
  target.clock.now = new Date(NOW.getTime() + (sample.at ?? 0) * 1000)
  return target[sample.endpoint](new Request(`${SITE}/api/${sample.endpoint}`, init))
}

/**
 * Checks the properties every answer must have and returns its status. `allow5xx` names the one
 * 500 a test may provoke; `secrets` adds values that must not leave either.
 */
async function check(
  target: Deployment,
  sample: Sample,
  allow5xx?: 'server_misconfigured',
  secrets: readonly string[] = SECRET_VALUES,
): Promise<number> {
  target.logs.length = 0
  const response = await send(target, sample)
  const text = await response.text()
  const headers = JSON.stringify([...response.headers])
  const log = target.logs.map((line) => JSON.stringify(line)).join('\n')
  for (const secret of secrets) {
    if (text.includes(secret) || headers.includes(secret) || log.includes(secret)) {
      throw new Error(`a secret left the function: ${secret.slice(0, 4)}…`)
    }
  }
  expect(target.logs).toHaveLength(1)
  const line = target.logs[0]!
  const outcome = `${response.status} ${line.code ?? ''}`.trim()
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
  expect(line.requestId).toMatch(/^[\w-]{1,64}$/)
  expect(line.status).toBe(response.status)
  if (response.status === 200 || response.status === 204) {
    expect(line.code).toBeUndefined()
    expect(response.headers.get('cache-control')).toBe('no-store')
    return response.status
  }
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const body = JSON.parse(text) as { code: unknown; status: unknown; type: unknown }
  expect(isErrorCode(body.code)).toBe(true)
  const code = body.code as keyof typeof STATUS
  expect(STATUS[code]).toBe(response.status)
  expect(body.status).toBe(response.status)
  expect(body.type).toBe(`urn:textile-token-provider:error:${code}`)
  expect(line.code).toBe(code)
  if (response.status >= 500) expect(code).toBe(allow5xx)
  return response.status
}

// ── Generators ───────────────────────────────────────────────────────────────────────────────
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK'])
const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant('POST') },
  { weight: 2, arbitrary: fc.constantFrom('GET', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'HEAD') },
  {
    weight: 1,
    arbitrary: fc.stringMatching(/^[A-Za-z]{1,8}$/).filter((m) => !FORBIDDEN_METHODS.has(m)),
  },
)
const headerValue = fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}$/)
/** A header's value: `usual` (weight `w[0]`), one of `known` (`w[1]`) or any printable one (`w[2]`). */
function headerOf<T>(usual: T, known: string[], w: [number, number, number]) {
  return fc.oneof(
    { weight: w[0], arbitrary: fc.constant(usual) },
    { weight: w[1], arbitrary: fc.constantFrom(...known) },
    { weight: w[2], arbitrary: headerValue },
  )
}
const contentType = headerOf(
  'application/json',
  [
    'Application/JSON; charset=utf-8',
    'text/plain',
    'application/json-seq',
    'application/json, text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  ],
  [8, 3, 1],
)
const origin = headerOf(
  undefined,
  [
    SITE,
    APP,
    PREVIEW,
    'null',
    'https://evil.example',
    'http://site.example',
    'https://site.example.evil.example',
    'https://deploy-preview-1--evil--site.netlify.app',
  ],
  [4, 4, 1],
)
const extraHeaders = fc.array(
  fc.tuple(
    fc.constantFrom('content-length', 'x-nf-request-id', 'x-forwarded-for', 'accept', 'x-junk'),
    headerValue,
  ),
  { maxLength: 2 },
)
const anyBody = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }),
  fc
    .dictionary(
      fc.constantFrom('pubkey', 'envelope', 'signature', '__proto__', 'constructor', 'x'),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map((value) => JSON.stringify(value)),
  fc.nat({ max: 20_000 }).map((size) => `{"pubkey":"${'b'.repeat(size)}"}`),
  fc.constant(undefined),
)

function headersOf(type: string | undefined, from: string | undefined, extra: [string, string][]) {
  const headers: [string, string][] = []
  if (type !== undefined) headers.push(['content-type', type])
  if (from !== undefined) headers.push(['origin', from])
  return [...headers, ...extra]
}

const randomSample: fc.Arbitrary<Sample> = fc
  .record({
    endpoint: fc.constantFrom('challenge' as const, 'token' as const),
    method,
    type: fc.option(contentType, { nil: undefined, freq: 10 }),
    origin,
    extra: extraHeaders,
    body: anyBody,
  })
  .map(({ endpoint, method, type, origin, extra, body }) => ({
    endpoint,
    method,
    headers: headersOf(type, origin, extra),
    body,
  }))

/**
 * A string edit: replace, insert or delete one character, truncate, change case or double; or
 * the text left whole (weight `keep` against 1 for each edit).
 */
function damage(text: string, keep = 1): fc.Arbitrary<string> {
  const at = fc.nat({ max: Math.max(0, text.length - 1) })
  const char = fc.oneof(
    fc.constantFrom('a', 'A', '-', '_', '.', '=', '+', '/', ' ', '\n', '\u0000', '\ud800', 'é'),
    fc.string({ minLength: 1, maxLength: 1 }),
  )
  return fc.oneof(
    { weight: keep, arbitrary: fc.constant(text) },
    fc.tuple(at, char).map(([i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
    fc.tuple(at, char).map(([i, c]) => text.slice(0, i) + c + text.slice(i)),
    at.map((i) => text.slice(0, i) + text.slice(i + 1)),
    at.map((i) => text.slice(0, i)),
    fc.constant(text.toUpperCase()),
    fc.constant(text + text),
  )
}

interface Login {
  signer: Signer
  origin: string | undefined
  envelope: string
  signature: string
}

/** Real envelopes and signatures for a pool of identities, for three audiences. */
async function makeLogins(count: number): Promise<Login[]> {
  const logins: Login[] = []
  for (let i = 0; i < count; i++) {
    const signer = textileSigner()
    const from = [undefined, SITE, APP][i % 3]
    const response = await d.challenge(
      new Request(`${SITE}/api/challenge`, {
        method: 'POST',
        headers: headersOf('application/json', from, []),
        body: JSON.stringify({ pubkey: signer.pubkey }),
      }),
    )
    const { envelope } = (await response.json()) as { envelope: string }
    const signature = Buffer.from(await signer.sign(new TextEncoder().encode(envelope)))
    logins.push({ signer, origin: from, envelope, signature: signature.toString('base64url') })
  }
  return logins
}

const logins = await makeLogins(30)

const nearValidChallenge: fc.Arbitrary<Sample> = fc
  .record({
    login: fc.constantFrom(...logins),
    origin,
    extraFields: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
      maxKeys: 2,
    }),
  })
  .chain(({ login, origin, extraFields }) =>
    fc
      .oneof(
        { weight: 9, arbitrary: damage(login.signer.pubkey) },
        // libp2p keys of other types (RSA, Secp256k1, ECDSA): 08 <type> 12 21 <33 bytes>.
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom(0, 2, 3), fc.uint8Array({ minLength: 33, maxLength: 33 }))
            .map(([type, key]) => 'b' + encodeBase32(new Uint8Array([8, type, 0x12, 33, ...key]))),
        },
      )
      .map((pubkey): Sample => ({
        endpoint: 'challenge',
        method: 'POST',
        headers: headersOf('application/json', origin, []),
        body: JSON.stringify({ ...extraFields, pubkey }),
      })),
  )

const nearValidToken: fc.Arbitrary<Sample> = fc
  .record({
    login: fc.constantFrom(...logins),
    other: fc.constantFrom(...logins),
    swap: fc.constantFrom('none', 'none', 'none', 'envelope', 'signature'),
    sigEncoding: fc.constantFrom('base64url', 'base64url', 'base64', 'hex'),
    shape: fc.constantFrom('object', 'object', 'object', 'envelope-number', 'array', 'nested'),
    origin: fc.oneof(
      { weight: 3, arbitrary: fc.constant('same' as const) },
      { weight: 1, arbitrary: origin },
    ),
    at: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: -10, max: 90 })),
  })
  .chain(({ login, other, swap, sigEncoding, shape, origin, at }) => {
    const envelope = swap === 'envelope' ? other.envelope : login.envelope
    let signature = swap === 'signature' ? other.signature : login.signature
    if (sigEncoding !== 'base64url') {
      signature = Buffer.from(signature, 'base64url').toString(sigEncoding)
    }
    // Each field is whole half the time: otherwise about 1 sample in 300 is an undamaged login,
    // and at FUZZ_RUNS=1000 a third of the runs minted nothing (the property below went vacuous).
    return fc.tuple(damage(envelope, 6), damage(signature, 6)).map(([env, sig]): Sample => {
      const body =
        shape === 'object'
          ? { envelope: env, signature: sig }
          : shape === 'envelope-number'
            ? { envelope: env.length, signature: sig }
            : shape === 'array'
              ? [env, sig]
              : { data: { envelope: env, signature: sig } }
      return {
        endpoint: 'token',
        method: 'POST',
        headers: headersOf('application/json', origin === 'same' ? login.origin : origin, []),
        body: JSON.stringify(body),
        at,
      }
    })
  })

// ── Properties ───────────────────────────────────────────────────────────────────────────────
describe('fuzzing both endpoints', () => {
  afterAll(() => {
    const seen = [...outcomes].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${key}: ${n}`)
    console.info(`fuzz: ${sent} requests (FUZZ_RUNS=${RUNS}); ${seen.join(', ')}`)
  })

  const property = (arbitrary: fc.Arbitrary<Sample>) =>
    fc.assert(
      fc.asyncProperty(arbitrary, async (sample) => {
        await check(d, sample)
      }),
      { numRuns: SHARE },
    )

  it('never answers 5xx or off-contract to random requests', { timeout: TIMEOUT }, async () => {
    await property(randomSample)
  })

  it('never answers 5xx or off-contract to damaged challenges', { timeout: TIMEOUT }, async () => {
    await property(nearValidChallenge)
  })

  it(
    'never answers 5xx or off-contract to damaged logins, and mints only for undamaged ones',
    { timeout: TIMEOUT },
    async () => {
      let minted = 0
      await fc.assert(
        fc.asyncProperty(nearValidToken, async (sample) => {
          if ((await check(d, sample)) !== 200) return
          minted++
          const { envelope, signature } = JSON.parse(sample.body as string)
          const login = logins.find((entry) => entry.envelope === envelope)
          // A 200 needs a real envelope, its own signer's signature (in any accepted encoding)
          // and the origin it was issued to.
          expect(login).toBeDefined()
          expect(Buffer.from(signature, 'base64')).toEqual(
            Buffer.from(login!.signature, 'base64url'),
          )
          expect(sample.headers.find(([name]) => name === 'origin')?.[1]).toBe(login!.origin)
          // …and a time within its life: issued at NOW, 60 s long, 5 s of skew either way.
          expect(Math.abs((sample.at ?? 0) - 30)).toBeLessThanOrEqual(35)
        }),
        { numRuns: SHARE },
      )
      expect(minted).toBeGreaterThan(0)
    },
  )

  it('has sent the requested number of requests', () => {
    expect(sent).toBeGreaterThanOrEqual(RUNS)
  })
})

describe('fuzzing the configuration (deliberately broken)', () => {
  it(
    'answers only server_misconfigured as a 5xx and never echoes a secret value',
    { timeout: TIMEOUT },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...textileConfig.variables),
          fc.oneof(fc.constant(undefined), fc.string({ maxLength: 80 }), headerValue),
          randomSample,
          async (variable, value, sample) => {
            const broken = deployment({ ...ENV, [variable]: value })
            const secret = SECRET_VARIABLES.has(variable) && value && value.trim().length >= 8
            await check(
              broken,
              sample,
              'server_misconfigured',
              secret ? [...SECRET_VALUES, value.trim()] : SECRET_VALUES,
            )
          },
        ),
        { numRuns: Math.ceil(RUNS / 20) },
      )
    },
  )
})
