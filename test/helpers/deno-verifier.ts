// Run by Deno, not by vitest (test/verify/deno.e2e.test.ts starts it): the verify entry, from
// source, verifying the tokens the Node side minted with the real handlers, against a JWKS served
// by the real /api/jwks over loopback. Prints one JSON object: each step's outcome (`ok …` or the
// error code).
import { createJwtVerifier, type JwtVerifier } from '../../src/verify/index.ts'

declare const Deno: { args: string[]; version: { deno: string } }

/** What the Node side hands over (JSON in the first argument). */
export interface DenoInput {
  jwksUrl: string
  issuer: string
  audience: string
  secret: string
  /** Milliseconds since the epoch: the minting time. */
  now: number
  ttl: number
  tokens: Record<string, string>
}

/** What the script prints. */
export interface DenoOutput {
  deno: string
  results: Record<string, string>
}

const input = JSON.parse(Deno.args[0]!) as DenoInput
let clock = input.now
const common = { issuer: input.issuer, audience: input.audience, now: () => new Date(clock) }
const remote = createJwtVerifier({ ...common, jwksUrl: input.jwksUrl })
const shared = createJwtVerifier({ ...common, secret: input.secret })
const results: Record<string, string> = {}

async function outcome(verifier: JwtVerifier, token: string | Request): Promise<string> {
  try {
    const { account, device, linked, header } = await verifier.verify(token)
    return `ok ${header.alg} ${linked ? `${account}<${device}` : account}`
  } catch (error) {
    return (error as { code?: string }).code ?? `uncoded ${String(error)}`
  }
}

// 100 verifications, half of them at once: one JWKS fetch (the server counts).
const first = input.tokens.first!
const many = await Promise.all(Array.from({ length: 50 }, () => outcome(remote, first)))
for (let i = 0; i < 50; i++) many.push(await outcome(remote, first))
results.hundred = [...new Set(many)].join(' | ')
// A minute later the minter has rotated: the new kid costs one refetch.
clock = input.now + 60_000
results.rotated = await outcome(remote, input.tokens.rotated!)
results.rotatedAgain = await outcome(remote, input.tokens.rotated!)
for (const name of ['es256', 'ed25519Name', 'linked', 'tampered', 'audience', 'issuer', 'none']) {
  results[name] = await outcome(remote, input.tokens[name]!)
}
results.hs256WithPublicKey = await outcome(remote, input.tokens.hs256WithPublicKey!)
results.hs256 = await outcome(shared, input.tokens.hs256!)
results.cookieGet = await outcome(
  remote,
  new Request('https://site.example/members/', {
    headers: { cookie: `__Host-ttp-session=${first}` },
  }),
)
results.cookieCrossSitePost = await outcome(
  remote,
  new Request('https://site.example/members/', {
    method: 'POST',
    headers: { cookie: `__Host-ttp-session=${first}`, origin: 'https://evil.example' },
  }),
)
clock = input.now + (input.ttl + 29) * 1000
results.skewWithin = await outcome(remote, first)
clock = input.now + (input.ttl + 31) * 1000
results.skewBeyond = await outcome(remote, first)

const output: DenoOutput = { deno: Deno.version.deno, results }
console.log(JSON.stringify(output))
