// The npm package as adopters get it: the packed tarball (what `npm publish` ships), checked by
// publint and arethetypeswrong, typechecked by a consumer, and installed into two sites that are
// not this repository (an ESM TypeScript site and a CommonJS JavaScript one). In each:
// `npx textile-token-provider init` (one login function) and `init --split` under another base
// path (the two-function layout), `netlify build --offline` (routes and rate limits in the
// manifest, the zips run on their own with the run-time environment), then the documented offline
// workflow (`textile-token-provider emulator --write-env` + `netlify dev`) and a login with
// `textile-token-provider/client` and the real @textile/hub client, and last `init --gate` (the
// members-only gate in the edge functions folder, routed by `netlify build --offline`).
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest'
import { FUNCTIONS } from '../../src/cli/function-files.ts'
import { gateFileText } from '../../src/netlify/gate-file.ts'
import { LOGIN_RATE_LIMIT, RATE_LIMIT } from '../../src/netlify/rate-limit.ts'
import { expectValidUserAuth } from '../helpers/expect-user-auth.ts'
import { identity } from '../helpers/identity.ts'
import { login, signerOf } from '../helpers/login.ts'
import { freePort, ROOT, startNetlifyDev, type NetlifyDev } from '../helpers/netlify-dev.ts'
import {
  callShipped,
  netlifyBuild,
  openShipped,
  run,
  shippedTransport,
  unpackFunction,
  type FunctionManifest,
} from '../helpers/shipped.ts'
import { createFixtureSite } from '../helpers/fixture-site.ts'

const tarball = inject('tarball')
const bin = (site: string) => join(site, 'node_modules/.bin/textile-token-provider')

describe('the packed tarball', () => {
  const files = () =>
    execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((file) => file.replace(/^package\//, ''))

  it('ships compiled JavaScript and declarations, no sources, tests, CI or site build', () => {
    const list = files()
    expect(list).toContain('dist/index.js')
    expect(list).toContain('dist/index.d.ts')
    expect(list).toContain('dist/client/index.js')
    expect(list).toContain('dist/cli/bin.js')
    expect(list.filter((file) => /\.(ts|mts|cts)$/.test(file) && !file.endsWith('.d.ts'))).toEqual(
      [],
    )
    expect(
      list.filter((file) => /^(src|test|site|\.ci|\.github|functions|netlify)\//.test(file)),
    ).toEqual([])
  })

  it('passes publint --strict', async () => {
    const result = await run(join(ROOT, 'node_modules/.bin/publint'), ['--strict', tarball], {
      cwd: ROOT,
    })
    expect(result.output).toContain('All good')
    expect(result.code).toBe(0)
  })

  it('passes arethetypeswrong (ESM-only profile: node16 from ESM and bundlers)', async () => {
    const result = await run(
      join(ROOT, 'node_modules/.bin/attw'),
      [tarball, '--profile', 'esm-only', '--format', 'table-flipped', '--no-color'],
      { cwd: ROOT },
    )
    // Node10 and require() of an ESM-only package are out of scope (ignored by the profile); every
    // entry point must be green for Node's ESM resolution and for bundlers.
    const rows = result.output
      .split('\n')
      .filter((line) => line.includes('"textile-token-provider'))
    expect(rows.length).toBeGreaterThanOrEqual(10)
    for (const row of rows) expect(row).toMatch(/"[^"]+"[^│]*│[^│]*🟢[^│]*│[^│]*🟢/)
    expect(rows.some((row) => row.includes('"textile-token-provider/netlify/login"'))).toBe(true)
    expect(result.code).toBe(0)
    // attw resolves every entry point four ways: ~13 s here on a busy 2-core machine.
  }, 60_000)
})

describe.each([
  ['esm', 'ts', 'issuer'],
  ['cjs', 'mjs', 'hub-challenge'],
] as const)('a %s site with the package installed', (flavour, ext, mode) => {
  let site: string
  let manifest: FunctionManifest
  let dev: NetlifyDev | undefined
  let stopEmulator: (() => Promise<void>) | undefined

  beforeAll(async () => {
    site = await createFixtureSite({ tarball, flavour })
  }, 300_000)
  afterAll(async () => {
    await dev?.stop()
    await stopEmulator?.()
    if (site) await rm(site, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
  })

  if (flavour === 'esm') {
    it.each(['nodenext', 'bundler'])(
      "typechecks imports of '.', './client' and './identity' (moduleResolution %s, skipLibCheck false)",
      (resolution) => {
        writeFileSync(join(site, 'consumer.ts'), CONSUMER_SOURCE)
        const module = resolution === 'bundler' ? 'esnext' : 'nodenext'
        const tsconfig = {
          compilerOptions: {
            module,
            moduleResolution: resolution,
            target: 'es2022',
            lib: ['es2022', 'dom'],
            types: [],
            strict: true,
            skipLibCheck: false,
            noEmit: true,
          },
          files: ['consumer.ts'],
        }
        writeFileSync(join(site, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig))
        const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
        expect(() =>
          execFileSync(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], {
            cwd: site,
            encoding: 'utf8',
          }),
        ).not.toThrow()
      },
    )
  }

  it(`init writes one .${ext} login function with a literal config, and a second run changes nothing`, async () => {
    const first = await run(bin(site), ['init'], { cwd: site })
    expect(first.code).toBe(0)
    expect(first.output).toContain('netlify env:set USER_API_SECRET')
    const file = join(site, `netlify/functions/textile-login.${ext}`)
    const text = readFileSync(file, 'utf8')
    expect(text).toContain("export { default } from 'textile-token-provider/netlify/login'")
    expect(text).toContain("path: ['/api/challenge', '/api/token'],")
    // From the tarball, with its dependencies (smol-toml, dotenv) as npm installed them.
    expect(readFileSync(join(site, '.gitignore'), 'utf8')).toBe('.env\n')
    const second = await run(bin(site), ['init'], { cwd: site })
    expect(second.code).toBe(0)
    expect(second.output).toContain('Everything is in place already.')
  })

  it(`init --split writes .${ext} challenge and token functions (here under /split)`, async () => {
    const split = await run(bin(site), ['init', '--split', '--base', '/split'], { cwd: site })
    expect(split.code, split.output).toBe(0)
    for (const name of ['challenge', 'token']) {
      const file = join(site, `netlify/functions/textile-${name}.${ext}`)
      expect(readFileSync(file, 'utf8')).toContain(
        `export { default } from 'textile-token-provider/netlify/${name}'`,
      )
    }
  })

  it('netlify build --offline lists both routes for one login function with its rate limit', async () => {
    manifest = await netlifyBuild(site)
    const byRoute = new Map(
      manifest.functions.flatMap((fn) => (fn.routes ?? []).map((route) => [route.literal, fn])),
    )
    const login = byRoute.get('/api/challenge')
    expect(login?.name).toBe('textile-login')
    expect(byRoute.get('/api/token')).toBe(login)
    expect(login!.routes!.map((route) => route.literal)).toEqual(['/api/challenge', '/api/token'])
    // Netlify counts per function: one window for both routes (two requests per login).
    expect(login!.trafficRules?.action.config.rateLimitConfig).toMatchObject({
      windowLimit: LOGIN_RATE_LIMIT.windowLimit,
      windowSize: LOGIN_RATE_LIMIT.windowSize,
    })
    for (const path of ['/split/challenge', '/split/token']) {
      const fn = byRoute.get(path)
      expect(fn, `${path} is routed`).toBeDefined()
      expect(fn!.name).toBe(`textile-${path.split('/')[2]}`)
      expect(fn!.trafficRules?.action.config.rateLimitConfig).toMatchObject({
        windowLimit: RATE_LIMIT.windowLimit,
        windowSize: RATE_LIMIT.windowSize,
      })
    }
    // The JWT minter, its JWKS and the clean-up are opt-in (`init --jwt`, `--single-use`).
    expect(manifest.functions.map((fn) => fn.name).sort()).toEqual([
      'textile-challenge',
      'textile-login',
      'textile-token',
    ])
    for (const spec of FUNCTIONS.filter(
      (fn) => !['login', 'challenge', 'token'].includes(fn.name),
    )) {
      expect(manifest.functions.map((fn) => fn.name)).not.toContain(`textile-${spec.name}`)
    }
  }, 120_000)

  const env = {
    URL: 'https://fixture.netlify.app',
    SITE_ID: 'fixture',
    SITE_NAME: 'fixture',
    USER_API_KEY: 'bk44oyfuzqnvd6mlhbhyyjvq5qai',
    USER_API_SECRET: 'baibaeaqcaibaeaqcaibaeaqcaibaeaqcaibaeaq',
  }
  const zip = (name: string) =>
    unpackFunction(manifest.functions.find((fn) => fn.name === `textile-${name}`)!.path)

  it('the login zip serves a whole login in one process, with only the run-time environment', async () => {
    const loginZip = zip('login')
    // The package arrives compiled and pre-bundled: nft traced one dist file of it, nothing else.
    const packaged = loginZip.files.filter((file) => file.includes('textile-token-provider/'))
    expect(packaged.filter((file) => file.endsWith('.js'))).toEqual([
      expect.stringMatching(/node_modules\/textile-token-provider\/dist\/netlify\/login\.js$/),
    ])
    const running = openShipped(loginZip, { env, deployContext: 'production' })
    onTestFinished(async () => {
      await running.close()
      await rm(loginZip.dir, { recursive: true, force: true })
    })
    const transport = shippedTransport(env.URL, (call) => running.call(call))
    const { challenge, redeemed } = await login({ transport, signer: signerOf(identity()) })
    expect(challenge.status).toBe(200)
    expect(redeemed!.status).toBe(200)
    await expectValidUserAuth(await redeemed!.json(), { token: false, secrets: env })
  }, 60_000)

  it('each shipped zip of the split layout runs on its own with only the run-time environment', async () => {
    const challenge = zip('challenge')
    const token = zip('token')
    // The package arrives compiled: nft traced its dist files, nothing else.
    const packaged = token.files.filter((file) => file.includes('textile-token-provider/'))
    expect(packaged.some((file) => file.endsWith('dist/netlify/token.js'))).toBe(true)
    expect(packaged.filter((file) => /\/(emulator|client|ws|cli)\//.test(file))).toEqual([])
    const transport = shippedTransport(env.URL, async (call) => {
      const fn = call.url.endsWith('/challenge') ? challenge : token
      const [answer] = await callShipped(fn, { env, deployContext: 'production', calls: [call] })
      return answer!
    })
    const { challenge: issued, redeemed } = await login({
      transport: (path, init) => transport(path.replace('/api/', '/split/'), init),
      signer: signerOf(identity()),
    })
    expect(issued.status).toBe(200)
    expect(redeemed!.status).toBe(200)
    await expectValidUserAuth(await redeemed!.json(), { token: false, secrets: env })
    await rm(challenge.dir, { recursive: true, force: true })
    await rm(token.dir, { recursive: true, force: true })
  }, 60_000)

  it(`logs in under netlify dev with the package's emulator, client SDK and @textile/hub (${mode} mode)`, async () => {
    const hubPort = await freePort()
    const child = spawn(bin(site), ['emulator', '--port', String(hubPort), '--write-env'], {
      cwd: site,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    stopEmulator = async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
    const deadline = Date.now() + 20_000
    while (!output.includes('Ctrl-C stops it')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(output)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(output).toContain('Wrote .env with fresh credentials')
    expect(existsSync(join(site, '.env'))).toBe(true)
    if (mode === 'hub-challenge') {
      const env = readFileSync(join(site, '.env'), 'utf8')
      writeFileSync(join(site, '.env'), env.replace(/^HUB_ISSUER_KEY=.*\n/m, ''))
    }
    dev = await startNetlifyDev({ cwd: site })
    writeFileSync(join(site, 'login.mjs'), LOGIN_SCRIPT)
    const hubUrl = `http://127.0.0.1:${hubPort}`
    const result = await run(process.execPath, ['login.mjs', `${dev.url}/api`, hubUrl], {
      cwd: site,
      timeoutMs: 60_000,
    })
    expect(result.code, result.output).toBe(0)
    const report = JSON.parse(result.output.trim().split('\n').at(-1)!) as Record<string, unknown>
    expect(report).toMatchObject({ threads: 1, token: true, events: ['login'] })
  }, 120_000)

  it('init --gate writes the gate edge function; netlify build --offline routes it', async () => {
    await dev?.stop()
    dev = undefined
    // Beside the split layout under /split: the JWT minter comes with the gate, under that base.
    const gated = await run(bin(site), ['init', '--split', '--base', '/split', '--gate'], {
      cwd: site,
    })
    expect(gated.code, gated.output).toBe(0)
    expect(gated.output).toMatch(
      /created\s+netlify\/edge-functions\/textile-gate\.ts\s+members only/,
    )
    expect(readFileSync(join(site, 'netlify/edge-functions/textile-gate.ts'), 'utf8')).toBe(
      gateFileText({ from: 'textile-token-provider/netlify/gate' }),
    )
    // Offline only: Netlify's edge config extraction imports a types module from
    // edge.netlify.com; this repository's import map stands in for it (docs/netlify-platform.md
    // §3). Online builds need nothing of the kind.
    for (const file of ['deno-import-map.json', 'edge-globals-types.ts']) {
      writeFileSync(join(site, 'netlify', file), readFileSync(join(ROOT, 'netlify', file)))
    }
    const toml = readFileSync(join(site, 'netlify.toml'), 'utf8')
    writeFileSync(
      join(site, 'netlify.toml'),
      `${toml}\n[functions]\n  deno_import_map = "netlify/deno-import-map.json"\n`,
    )
    const built = await netlifyBuild(site)
    const edge = JSON.parse(
      readFileSync(join(site, '.netlify/edge-functions-dist/manifest.json'), 'utf8'),
    ) as { routes: Array<{ function: string; path?: string; pattern: string }> }
    const gateRoutes = edge.routes.filter((route) => route.function === 'textile-gate')
    expect(gateRoutes.map((route) => route.path).sort()).toEqual(['/members', '/members/*'])
    const jwt = built.functions.find((fn) => fn.name === 'textile-jwt')
    expect(jwt?.routes?.map((route) => route.literal)).toEqual(['/split/jwt', '/split/logout'])
  }, 240_000)
})

/** A consumer's server and browser code against the public API (typechecked above). */
const CONSUMER_SOURCE = `
import {
  createChallengeHandler,
  createTokenHandler,
  TokenProviderError,
  type HandlerOptions,
  type PubkeyPolicy,
  type RequestHandler,
} from 'textile-token-provider'
import { createUserAuthProvider, UserAuthError, type UserAuth } from 'textile-token-provider/client'
import { browserIdentity, IdentityError } from 'textile-token-provider/identity'

const policy: PubkeyPolicy = async ({ pubkey, stage }) => stage === 'token' || pubkey.length > 0
const options: HandlerOptions = { policy, now: () => new Date() }
export const challenge: RequestHandler = createChallengeHandler(options)
export const token: RequestHandler = createTokenHandler(options)
export const coded = (error: unknown): string | undefined =>
  error instanceof TokenProviderError || error instanceof UserAuthError || error instanceof IdentityError
    ? error.code
    : undefined

declare const identity: { public: { toString(): string }; sign(bytes: Uint8Array): Promise<Uint8Array> }
const provider = createUserAuthProvider({ endpoint: '/api', identity, hubUrl: 'https://hub.example' })
export const auth: Promise<UserAuth> = provider()
export const kept = browserIdentity().then((own) => createUserAuthProvider({ endpoint: '/api', identity: own }))
`

/** An app's login in Node: the installed SDK, the real @textile/hub client, a hub call. */
const LOGIN_SCRIPT = `
import WebSocket from 'ws'
import { Client, PrivateKey } from '@textile/hub'
import { createUserAuthProvider } from 'textile-token-provider/client'

globalThis.WebSocket ??= WebSocket
const [endpoint, hubUrl] = process.argv.slice(2)
const events = []
const identity = PrivateKey.fromRandom()
const provider = createUserAuthProvider({
  endpoint,
  identity,
  hubUrl,
  onChange: (event) => events.push(event.type),
})
const client = Client.withUserAuth(provider, hubUrl)
await client.newDB()
const threads = await client.listThreads()
const auth = await provider()
console.log(JSON.stringify({ threads: threads.length, token: typeof auth.token === 'string', events }))
process.exit(0)
`
