// `init --gate`: the members-only gate written into the site's edge functions folder, with the JWT
// minter it needs, under the same rules as the function files (never overwrite a changed file,
// refuse taken paths and links, literal config, escaped output, --dry-run).
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { INIT_USAGE, JWT_EDDSA_KEY_GENERATOR, runInitCommand } from '../../src/cli/init-command.ts'
import { runInit } from '../../src/cli/init.ts'
import { webCryptoProvider } from '../../src/core/web-crypto.ts'
import { jwtConfig } from '../../src/http/jwt-config.ts'
import { GATE_DEFAULTS, gateFileText } from '../../src/netlify/gate-file.ts'
import { SITE } from '../helpers/deployment.ts'
import { esmSite, tempFolder } from '../helpers/temp-folder.ts'
import { init } from '../helpers/run-init.ts'

const site = (files: Record<string, string> = {}) => esmSite(files, 'ttp-init-gate-')

const FROM = 'textile-token-provider/netlify/gate'
const GATE = 'netlify/edge-functions/textile-gate.ts'
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8')
const functions = (dir: string) => readdirSync(join(dir, 'netlify/functions')).sort()

describe('init --gate', () => {
  it('writes the gate with the default paths and login page, and the JWT minter it needs', () => {
    const dir = site()
    const { code, output } = init(dir, '--gate')
    expect(code).toBe(0)
    expect(read(dir, GATE)).toBe(gateFileText({ from: FROM }))
    expect(read(dir, GATE)).toContain("path: ['/members', '/members/*'],")
    expect(read(dir, GATE)).toContain("export default createGate({ loginPath: '/' })")
    // --gate implies --jwt: the session cookie comes from /api/jwt, which also serves /logout.
    expect(functions(dir)).toEqual(['textile-jwks.ts', 'textile-jwt.ts', 'textile-login.ts'])
    expect(output).toMatch(
      /created\s+netlify\/edge-functions\/textile-gate\.ts\s+members only: \/members, \/members\/\* \(login page \/\)/,
    )
    expect(output).toMatch(
      /created\s+netlify\/functions\/textile-jwt\.ts\s+POST \/api\/jwt, POST \/api\/logout/,
    )
    expect(init(dir, '--gate').output).toContain('Everything is in place already.')
  })

  it('prints the variables the gate needs, the key made in the shell, never printed', () => {
    const { output } = init(site(), '--gate')
    expect(output).toContain('netlify env:set JWT_SESSION_COOKIE true --scope functions')
    const keyLine = output.split('\n').find((line) => line.includes('env:set JWT_EDDSA_KEY'))!
    expect(keyLine).toContain(`JWT_EDDSA_KEY "$(node -e '`)
    expect(keyLine).toContain('--secret --scope functions')
    // No value that looks like a key or a seed: the only base64url runs are option names.
    expect(output).not.toMatch(/[A-Za-z0-9_-]{40,}/)
    expect(output).toContain('netlify dev they read .env only, so for local development')
    expect(output).toContain(`echo JWT_EDDSA_KEY=${JWT_EDDSA_KEY_GENERATOR} >> .env`)
    expect(output).toContain('echo JWT_SESSION_COOKIE=true >> .env')
    expect(output).toContain('createJwtProvider')
    expect(output).toContain('follows ?next= only when that is a path on this site')
  })

  it('makes, in the shell, a JWT_EDDSA_KEY the minter accepts', async () => {
    // The program inside the printed `node -e '…'`, run as node would run it.
    const program = /node -e '([^']+)'/.exec(JWT_EDDSA_KEY_GENERATOR)![1]!
    let key = ''
    const stdout = { write: (text: string) => void (key += text) }
    new Function('require', 'process', program)(createRequire(import.meta.url), { stdout })
    const env = { JWT_EDDSA_KEY: key, URL: SITE }
    const config = await jwtConfig.parse({ env, crypto: webCryptoProvider, deploy: {} })
    expect(config.signer.alg).toBe('EdDSA')
    expect(config.jwks.keys).toHaveLength(1)
  })

  it('says in its help that --jwt adds the logout route too, and what --gate and --login do', () => {
    expect(INIT_USAGE).toContain('POST <base>/jwt,\nPOST <base>/logout and GET <base>/jwks')
    expect(INIT_USAGE).toMatch(/--gate \[paths\] +also add the members-only gate/)
    expect(INIT_USAGE).toMatch(/--login <path> +with --gate/)
  })

  it('says nothing of the gate or the JWT key without --gate or --jwt', () => {
    const { output } = init(site())
    expect(output).not.toContain('JWT_')
  })

  it.each([
    [['--gate', '/club,/club/*', '--login', '/signin'], ['/club', '/club/*'], '/signin'],
    [['--gate=/vip/*', '--dry-run'], ['/vip/*'], '/'],
    [['--gate', '--login', '/login/'], GATE_DEFAULTS.paths, '/login/'],
    [['--jwt', '--gate'], GATE_DEFAULTS.paths, '/'],
  ])('reads %j as the gate on %j with login page %s', (args, paths, loginPath) => {
    const dir = site()
    const result = runInitCommand(['--dir', dir, ...args], () => {})
    expect(result).toBe(0)
    const dryRun = args.includes('--dry-run')
    expect(existsSync(join(dir, GATE))).toBe(!dryRun)
    const planned = runInit({ dir, gate: { paths, loginPath }, dryRun: true })
    expect(planned.gate).toEqual({
      edgeFunctionsDir: join(dir, 'netlify/edge-functions'),
      paths,
      loginPath,
    })
    if (!dryRun) expect(read(dir, GATE)).toBe(gateFileText({ from: FROM, paths, loginPath }))
  })

  it("writes into netlify.toml's [build] edge_functions, below [build] base", () => {
    const dir = site({ 'netlify.toml': '[build]\n  base = "app"\n  edge_functions = "edge"\n' })
    expect(init(dir, '--gate').code).toBe(0)
    expect(read(dir, 'app/edge/textile-gate.ts')).toBe(gateFileText({ from: FROM }))
    expect(existsSync(join(dir, 'app/netlify/functions/textile-login.ts'))).toBe(true)
  })

  it('refuses an edge functions folder outside the site, writing nothing', () => {
    const dir = site({ 'netlify.toml': '[build]\n  edge_functions = "../outside"\n' })
    expect(() => init(dir, '--gate')).toThrow(
      'netlify.toml [build] edge_functions "../outside" leads outside the site; init reads and writes only inside it',
    )
    expect(existsSync(join(dir, 'netlify'))).toBe(false)
  })

  it('writes nothing on a dry run', () => {
    const dir = site()
    const { code, output } = init(dir, '--gate', '--dry-run')
    expect(code).toBe(0)
    expect(output).toMatch(/would be created\s+netlify\/edge-functions\/textile-gate\.ts/)
    expect(existsSync(join(dir, 'netlify'))).toBe(false)
  })

  it('keeps a gate file the user changed, and replaces it only with --force', () => {
    const dir = site()
    init(dir, '--gate')
    const mine = read(dir, GATE).replace("loginPath: '/'", "loginPath: '/mine'")
    writeFileSync(join(dir, GATE), mine)
    expect(init(dir, '--gate').output).toMatch(
      /kept\s+netlify\/edge-functions\/textile-gate\.ts .*--force overwrites it/,
    )
    expect(read(dir, GATE)).toBe(mine)
    expect(init(dir, '--gate', '--force').output).toMatch(/overwritten\s+netlify\/edge-functions/)
    expect(read(dir, GATE)).toBe(gateFileText({ from: FROM }))
  })

  it('refuses a symbolic link where the gate goes, and writes nothing at its target', () => {
    const out = tempFolder({}, 'ttp-outside-')
    const dir = site()
    mkdirSync(join(dir, 'netlify/edge-functions'), { recursive: true })
    symlinkSync(join(out, 'planted.ts'), join(dir, GATE))
    expect(() => init(dir, '--gate')).toThrow(
      `${GATE} is a symbolic link; init never writes through one: remove it and run init again`,
    )
    expect(readdirSync(out)).toEqual([])
    expect(existsSync(join(dir, 'netlify/functions'))).toBe(false)
  })

  it('refuses a gate path another edge function declares, writing nothing (exit 1)', () => {
    const dir = site({
      'netlify/edge-functions/club.ts': "export const config = { path: '/members/*' }\n",
    })
    const { code, output } = init(dir, '--gate')
    expect(code).toBe(1)
    expect(output).toContain(
      '/members/* (declared by edge function netlify/edge-functions/club.ts)',
    )
    expect(output).toContain('init --gate /club,/club/*')
    expect(existsSync(join(dir, GATE))).toBe(false)
    expect(existsSync(join(dir, 'netlify/functions'))).toBe(false)
  })

  it('refuses a gate path a netlify.toml [[edge_functions]] declaration takes, not a middleware on /*', () => {
    const toml = (path: string) => `[[edge_functions]]\n  function = "auth"\n  path = "${path}"\n`
    const taken = site({ 'netlify.toml': toml('/members/*') })
    const { code, output } = init(taken, '--gate', '/members/vip')
    expect(code).toBe(1)
    expect(output).toContain(
      '/members/vip (taken by edge function auth at /members/* in netlify.toml [[edge_functions]])',
    )
    expect(init(site({ 'netlify.toml': toml('/*') }), '--gate').code).toBe(0)
  })

  it('prints what another edge function is called escaped', () => {
    const name = 'auth\u001b[2K\u001b[1A'
    const dir = site({
      'netlify.toml': `[[edge_functions]]\n  function = "${name.replace(/\u001b/g, '\\u001b')}"\n  path = "/members"\n`,
    })
    const { code, output } = init(dir, '--gate')
    expect(code).toBe(1)
    expect(output).not.toContain('\u001b')
    expect(output).toContain('auth\\x1b[2K\\x1b[1A')
  })

  it.each([
    [
      ['--gate', '/api/*'],
      '--gate /api/* would gate /api/challenge: the login routes must stay open',
    ],
    [['--gate', '/*'], '--gate /* would gate /api/challenge'],
    [['--gate', '/auth/*', '--base', '/auth'], '--gate /auth/* would gate /auth/challenge'],
    [['--gate', "/a'b"], `--gate takes paths such as /members/* and /login`],
    [['--gate', '/a b'], '--gate takes paths such as'],
    [['--gate', 'members'], '--gate takes paths such as'],
    [['--gate', '//evil.example/*'], '--gate takes paths such as'],
    [['--gate', '/a\u001b[2K'], '--gate takes paths such as'],
    [['--gate', ','], '--gate needs at least one path'],
    [['--gate', '--login', '//evil.example'], '--login takes paths such as'],
    [['--gate', '--login', 'https://evil.example/'], '--login takes paths such as'],
    [['--gate', '--login', '/\\evil.example'], '--login takes paths such as'],
    [['--login', '/login'], "--login is the gate's login page: give it with --gate"],
  ])('refuses %j with a one-line error, writing nothing', (args, message) => {
    const dir = site()
    expect(() => init(dir, ...args)).toThrow(message)
    expect(existsSync(join(dir, 'netlify'))).toBe(false)
  })
})
