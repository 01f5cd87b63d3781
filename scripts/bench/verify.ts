// `npx tsx scripts/bench/verify.ts [--json]`: the figures of the verify entry (docs/jwt.md,
// "Performance"), each beside a baseline in the same run. Numbers only; nothing here is a test.
// - JWKS fetches per 100 verifications of one token: the entry (module-scope cache), jose's
//   createRemoteJWKSet made once per module, and the same made per request (what a handler that
//   builds its key set inside the request does: a fetch every time).
// - Verify latency, median of many, of the entry's verify() beside jose's raw jwtVerify with a
//   local key set (or the secret) for the same token: what the entry adds on top of jose.
// - The entry's bundle as a service ships it (esbuild minified, gzip -9), beside jose's
//   jwtVerify + createLocalJWKSet alone.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { createLocalJWKSet, createRemoteJWKSet, customFetch, jwtVerify } from 'jose'
import { createJwtVerifier, type JwtVerifier } from '../../src/verify/index.ts'
import { NOW } from '../../test/helpers/clock.ts'
import { SITE } from '../../test/helpers/deployment.ts'
import {
  EDDSA_KEY,
  ES256_D,
  HS256_SECRET,
  jwtDeployment,
  mint,
  type JwtDeployment,
} from '../../test/helpers/jwt-deployment.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const json = process.argv.includes('--json')
const RUNS = 3000
const AUDIENCE = 'https://api.example'

/** A deployment's JWKS over a counting fetch at a URL of its own. */
function counted(t: JwtDeployment) {
  const state = { calls: 0 }
  const url = `${SITE}/.well-known/jwks.json?bench=${crypto.randomUUID()}`
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    state.calls++
    return t.jwks(new Request(input, init))
  }
  return { url, fetch: fetch as typeof globalThis.fetch, state }
}

async function fetchesPer100(): Promise<Record<string, number>> {
  const t = jwtDeployment({ JWT_EDDSA_KEY: EDDSA_KEY, JWT_AUDIENCE: AUDIENCE })
  const token = await mint(t)
  const options = { issuer: SITE, audience: AUDIENCE, currentDate: NOW }
  const result: Record<string, number> = {}

  const entry = counted(t)
  const verifier = createJwtVerifier({
    jwksUrl: entry.url,
    fetch: entry.fetch,
    issuer: SITE,
    audience: AUDIENCE,
    now: () => NOW,
  })
  await Promise.all(Array.from({ length: 50 }, () => verifier.verify(token)))
  for (let i = 0; i < 50; i++) await verifier.verify(token)
  result.entry = entry.state.calls

  const once = counted(t)
  const moduleSet = createRemoteJWKSet(new URL(once.url), { [customFetch]: once.fetch })
  await Promise.all(Array.from({ length: 50 }, () => jwtVerify(token, moduleSet, options)))
  for (let i = 0; i < 50; i++) await jwtVerify(token, moduleSet, options)
  result.joseRemoteSetPerModule = once.state.calls

  const each = counted(t)
  for (let i = 0; i < 100; i++) {
    const perRequest = createRemoteJWKSet(new URL(each.url), { [customFetch]: each.fetch })
    await jwtVerify(token, perRequest, options)
  }
  result.joseRemoteSetPerRequest = each.state.calls
  return result
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Median microseconds of `run`, after a warm-up; the two contenders alternate to share the noise. */
async function pair(a: () => Promise<unknown>, b: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) {
    await a()
    await b()
  }
  const times: [number[], number[]] = [[], []]
  for (let i = 0; i < RUNS; i++) {
    for (const [index, run] of [a, b].entries()) {
      const started = performance.now()
      await run()
      times[index]!.push((performance.now() - started) * 1000)
    }
  }
  return { entryUs: median(times[0]), joseUs: median(times[1]) }
}

async function latency(): Promise<Record<string, { entryUs: number; joseUs: number }>> {
  const result: Record<string, { entryUs: number; joseUs: number }> = {}
  const cases: [string, Record<string, string>][] = [
    ['EdDSA', { JWT_EDDSA_KEY: EDDSA_KEY }],
    ['ES256', { JWT_ES256_KEY: ES256_D }],
    ['HS256', { JWT_HS256_SECRET: HS256_SECRET }],
  ]
  for (const [alg, env] of cases) {
    const t = jwtDeployment({ ...env, JWT_AUDIENCE: AUDIENCE })
    const token = await mint(t)
    const common = { issuer: SITE, audience: AUDIENCE, now: () => NOW }
    let verifier: JwtVerifier
    let key: Parameters<typeof jwtVerify>[1]
    if (alg === 'HS256') {
      verifier = createJwtVerifier({ ...common, secret: HS256_SECRET })
      key = new TextEncoder().encode(HS256_SECRET)
    } else {
      const source = counted(t)
      verifier = createJwtVerifier({ ...common, jwksUrl: source.url, fetch: source.fetch })
      key = createLocalJWKSet(await (await t.jwks(new Request(SITE + '/api/jwks'))).json())
    }
    const options = { issuer: SITE, audience: AUDIENCE, currentDate: NOW, algorithms: [alg] }
    result[alg] = await pair(
      () => verifier.verify(token),
      () => jwtVerify(token, key as Uint8Array, options),
    )
  }
  return result
}

async function bundleSize(): Promise<Record<string, { bytes: number; gzipBytes: number }>> {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-bench-verify-'))
  try {
    const baseline = join(dir, 'jose-only.ts')
    writeFileSync(baseline, "export { createLocalJWKSet, jwtVerify } from 'jose'\n")
    const result: Record<string, { bytes: number; gzipBytes: number }> = {}
    for (const [name, entry] of [
      ['entry', join(root, 'src/verify/index.ts')],
      ['joseVerifyOnly', baseline],
    ] as const) {
      const outfile = join(dir, `${name}.js`)
      await build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'neutral',
        target: 'es2022',
        outfile,
        nodePaths: [join(root, 'node_modules')],
        logLevel: 'error',
      })
      const code = readFileSync(outfile)
      result[name] = { bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length }
    }
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const report = {
  node: process.version,
  fetchesPer100: await fetchesPer100(),
  latency: await latency(),
  bundle: await bundleSize(),
}

if (json) {
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
} else {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
  const lines = [
    `verify entry, Node ${report.node}`,
    '',
    'JWKS fetches per 100 verifications (50 at once, then 50 one by one):',
    `  textile-token-provider/verify         ${report.fetchesPer100.entry}`,
    `  jose createRemoteJWKSet per module    ${report.fetchesPer100.joseRemoteSetPerModule}`,
    `  jose createRemoteJWKSet per request   ${report.fetchesPer100.joseRemoteSetPerRequest}`,
    '',
    `verify latency, median of ${RUNS} (µs): entry verify() | jose jwtVerify, local keys`,
    ...Object.entries(report.latency).map(
      ([alg, { entryUs, joseUs }]) =>
        `  ${alg.padEnd(6)} ${entryUs.toFixed(1).padStart(7)} | ${joseUs.toFixed(1).padStart(7)}`,
    ),
    '',
    'bundle (esbuild --minify, platform neutral; gzip -9):',
    `  textile-token-provider/verify         ${kb(report.bundle.entry!.bytes)} (${kb(report.bundle.entry!.gzipBytes)} gzip)`,
    `  jose jwtVerify + createLocalJWKSet    ${kb(report.bundle.joseVerifyOnly!.bytes)} (${kb(report.bundle.joseVerifyOnly!.gzipBytes)} gzip)`,
    '',
  ]
  process.stdout.write(lines.join('\n'))
}
