// `textile-token-provider init` on throwaway sites: where it writes, what it writes, what it
// refuses, and that it never loses a user's change.
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import {
  FUNCTIONS,
  functionFileText,
  selectFunctions,
  type FunctionSpec,
} from '../../src/cli/function-files.ts'
import { runInitCommand } from '../../src/cli/init-command.ts'
import { runInit } from '../../src/cli/init.ts'
import { parseNetlifyToml, redirectCovers } from '../../src/cli/netlify-config.ts'
import { LOGIN_RATE_LIMIT, RATE_LIMIT } from '../../src/netlify/rate-limit.ts'
import { ESM_TS, tempFolder } from '../helpers/temp-folder.ts'
import { init } from '../helpers/run-init.ts'

/** A site folder with the given files (path → text), removed after the test. */
const site = (files: Record<string, string> = {}) => tempFolder(files, 'ttp-init-')
const esmSite = () => site(ESM_TS)

describe('runInit()', () => {
  it('writes one login function for both routes into netlify/functions, with a literal config', () => {
    const dir = site(ESM_TS)
    const result = runInit({ dir })
    expect(result.layout).toBe('combined')
    expect(result.files.map((file) => [file.status, file.routes])).toEqual([
      ['created', ['POST /api/challenge', 'POST /api/token']],
    ])
    const text = readFileSync(join(dir, 'netlify/functions/textile-login.ts'), 'utf8')
    expect(text).toContain("export { default } from 'textile-token-provider/netlify/login'")
    expect(text).toContain("path: ['/api/challenge', '/api/token'],")
    // Netlify counts per function: both routes share one window, which is also each route's
    // budget alone, so it is no larger than one split function's (test/netlify/rate-limit.e2e.test.ts).
    expect(LOGIN_RATE_LIMIT.windowLimit).toBe(RATE_LIMIT.windowLimit)
    expect(text).toContain(
      `rateLimit: { windowLimit: ${LOGIN_RATE_LIMIT.windowLimit}, windowSize: ${LOGIN_RATE_LIMIT.windowSize}, aggregateBy: ['ip', 'domain'] }`,
    )
    expect(text).toBe(
      functionFileText(spec('login'), { from: 'textile-token-provider/netlify/login' }),
    )
  })

  it('writes challenge and token into netlify/functions with a literal config with --split', () => {
    const dir = site(ESM_TS)
    const result = runInit({ dir, split: true })
    expect(result.layout).toBe('split')
    expect(result.files.map((file) => file.status)).toEqual(['created', 'created'])
    expect(readdirSync(join(dir, 'netlify/functions')).sort()).toEqual([
      'textile-challenge.ts',
      'textile-token.ts',
    ])
    const text = readFileSync(join(dir, 'netlify/functions/textile-token.ts'), 'utf8')
    expect(text).toContain("export { default } from 'textile-token-provider/netlify/token'")
    expect(text).toContain("path: '/api/token'")
    const { windowLimit, windowSize } = RATE_LIMIT
    expect(text).toContain(
      `rateLimit: { windowLimit: ${windowLimit}, windowSize: ${windowSize}, aggregateBy: ['ip', 'domain'] }`,
    )
  })

  it.each([
    ['an ESM TypeScript site', ESM_TS, 'ts'],
    ['a CommonJS TypeScript site', { 'package.json': '{}', 'tsconfig.json': '{}' }, 'mts'],
    ['an ESM JavaScript site', { 'package.json': '{"type":"module"}' }, 'js'],
    ['a CommonJS JavaScript site', { 'package.json': '{}' }, 'mjs'],
  ])('picks .%s for %s', (_name, files, ext) => {
    const dir = site(files)
    expect(runInit({ dir }).files[0]!.path).toBe(
      join(dir, `netlify/functions/textile-login.${ext}`),
    )
    const split = site(files)
    expect(runInit({ dir: split, split: true }).files[0]!.path).toBe(
      join(split, `netlify/functions/textile-challenge.${ext}`),
    )
  })

  it("writes into netlify.toml's [functions] directory", () => {
    const dir = site({
      ...ESM_TS,
      'netlify.toml':
        '[build]\n  publish = "dist"\n\n[functions]\n  directory = "api-fns" # ours\n',
    })
    expect(runInit({ dir }).functionsDir).toBe(join(dir, 'api-fns'))
  })

  it('changes nothing on a second run, in either layout', () => {
    const dir = site(ESM_TS)
    runInit({ dir })
    expect(runInit({ dir }).files.map((file) => file.status)).toEqual(['unchanged'])
    const split = site(ESM_TS)
    runInit({ dir: split, split: true })
    expect(runInit({ dir: split }).files.map((file) => file.status)).toEqual([
      'unchanged',
      'unchanged',
    ])
  })

  it('keeps a file the user changed, and overwrites it only with force', () => {
    const dir = site(ESM_TS)
    runInit({ dir, split: true })
    const path = join(dir, 'netlify/functions/textile-token.ts')
    writeFileSync(path, '// mine\n')
    expect(runInit({ dir }).files[1]!.status).toBe('kept')
    expect(readFileSync(path, 'utf8')).toBe('// mine\n')
    expect(runInit({ dir, force: true }).files[1]!.status).toBe('overwritten')
    expect(readFileSync(path, 'utf8')).toContain('textile-token-provider/netlify/token')
    const login = join(dir, 'netlify/functions/textile-login.ts')
    expect(() => readFileSync(login)).toThrow()
  })

  it('writes nothing on a dry run', () => {
    const dir = site(ESM_TS)
    expect(runInit({ dir, dryRun: true }).files[0]!.status).toBe('created')
    expect(() => readFileSync(join(dir, 'netlify/functions/textile-login.ts'))).toThrow()
  })

  it('keeps the two-function layout of an earlier init and writes no login function beside it', () => {
    const dir = site(ESM_TS)
    runInit({ dir, split: true })
    const result = runInit({ dir })
    expect(result.layout).toBe('split')
    expect(result.splitFound).toEqual([
      join(dir, 'netlify/functions/textile-challenge.ts'),
      join(dir, 'netlify/functions/textile-token.ts'),
    ])
    expect(result.conflicts).toEqual([])
    expect(readdirSync(join(dir, 'netlify/functions')).sort()).toEqual([
      'textile-challenge.ts',
      'textile-token.ts',
    ])
    // Even one of the two (another extension) keeps the layout: the routes would clash.
    const one = site({
      ...ESM_TS,
      'netlify/functions/textile-token.mjs': '// from the two-function layout\n',
    })
    expect(runInit({ dir: one, dryRun: true }).layout).toBe('split')
  })

  it('moves to the login function once the two files are deleted', () => {
    const dir = esmSite()
    init(dir, '--split')
    const kept = init(dir)
    expect(kept.output).toContain(
      'Kept the two-function layout of netlify/functions/textile-challenge.ts and netlify/functions/textile-token.ts',
    )
    expect(kept.output).toContain('delete those files, then run init again')
    for (const name of ['textile-challenge.ts', 'textile-token.ts']) {
      rmSync(join(dir, 'netlify/functions', name))
    }
    const moved = init(dir)
    expect(moved.output).toMatch(
      /created +netlify\/functions\/textile-login\.ts  POST \/api\/challenge, POST \/api\/token/,
    )
    expect(moved.output).not.toContain('Kept the two-function layout')
    expect(written(dir)).toEqual(['textile-login.ts'])
  })

  it('refuses --split next to the login function (its routes are taken), writing nothing', () => {
    const dir = esmSite()
    init(dir)
    const result = runInit({ dir, split: true })
    expect(result.conflicts).toEqual([
      '/api/challenge (declared by netlify/functions/textile-login.ts)',
      '/api/token (declared by netlify/functions/textile-login.ts)',
    ])
    expect(written(dir)).toEqual(['textile-login.ts'])
  })

  it('adds the JWT minter and its JWKS with --jwt, under the base path', () => {
    const dir = site(ESM_TS)
    const result = runInit({ dir, jwt: true, base: '/auth/' })
    expect(result.files.flatMap((file) => file.routes)).toEqual([
      'POST /auth/challenge',
      'POST /auth/token',
      'POST /auth/jwt',
      'POST /auth/logout',
      'GET /auth/jwks',
      'GET /.well-known/jwks.json',
    ])
  })

  it.each([
    [
      'another function declares the path',
      { 'netlify/functions/mine.ts': "export const config = { path: '/api/token' }\n" },
      '/api/token (declared by netlify/functions/mine.ts)',
    ],
    [
      'a netlify.toml redirect covers /api/*',
      {
        'netlify.toml':
          '[[redirects]]\n  from = "/api/*"\n  to = "https://backend.example/:splat"\n',
      },
      '/api/challenge (redirected by /api/* in netlify.toml [[redirects]])',
    ],
    [
      'a _redirects rule in the publish folder names the path',
      {
        'netlify.toml': '[build]\n  publish = "public"\n',
        'public/_redirects': '/api/challenge  /.netlify/functions/legacy  200\n',
      },
      '/api/challenge (redirected by /api/challenge in public/_redirects)',
    ],
  ])('writes nothing when %s', (_name, files, conflict) => {
    const dir = site({ ...ESM_TS, ...files })
    const result = runInit({ dir })
    expect(result.conflicts).toContain(conflict)
    expect(result.files).toEqual([])
    // The same site takes the functions under another base path.
    expect(runInit({ dir, base: '/auth' }).conflicts).toEqual([])
  })

  it('refuses a base path that is not a path', () => {
    expect(() => runInit({ dir: site(ESM_TS), base: 'api' })).toThrow(/--base/)
    expect(() => runInit({ dir: site(ESM_TS), base: '/a b' })).toThrow(/--base/)
  })
})

describe('runInit() in a hostile site (a cloned repository chooses netlify.toml and links)', () => {
  /** A folder beside the site, where nothing may be written. */
  const outside = () => tempFolder({}, 'ttp-outside-')

  it.each([
    ['[functions] directory', (out: string) => `[functions]\n  directory = "${out}/fns"\n`],
    ['[build] functions', (out: string) => `[build]\n  functions = "${out}/fns"\n`],
  ])(
    'reads an absolute %s as Netlify does, inside the site, and writes nothing outside',
    (_name, toml) => {
      // Netlify resolves a leading / from the base (@netlify/config resolvePath): "/tmp/x/fns" is
      // <site>/tmp/x/fns, never /tmp/x/fns.
      const out = outside()
      const dir = site({ ...ESM_TS, 'netlify.toml': toml(out) })
      expect(runInit({ dir }).functionsDir).toBe(join(dir, out, 'fns'))
      expect(existsSync(join(out, 'fns'))).toBe(false)
    },
  )

  it.each([
    ['[functions] directory', '[functions]\n  directory = "../outside/fns"\n'],
    ['[build] functions', '[build]\n  functions = "/../outside/fns"\n'],
  ])('refuses a %s that climbs out of the site, naming --functions-dir', (_name, toml) => {
    const parent = outside()
    const dir = join(parent, 'site')
    mkdirSync(dir)
    writeFileSync(join(dir, 'netlify.toml'), toml)
    expect(() => runInit({ dir })).toThrow(/outside the site.*--functions-dir/)
    expect(existsSync(join(parent, 'outside'))).toBe(false)
  })

  it('refuses [functions] directory = "../outside/fns" and writes nothing', () => {
    const parent = outside()
    const dir = join(parent, 'site')
    mkdirSync(dir)
    writeFileSync(join(dir, 'netlify.toml'), '[functions]\n  directory = "../outside/fns"\n')
    expect(() => runInit({ dir })).toThrow(/outside the site/)
    expect(existsSync(join(parent, 'outside'))).toBe(false)
  })

  it('refuses a functions folder that a symbolic link leads outside the site', () => {
    const out = outside()
    const dir = site(ESM_TS)
    symlinkSync(out, join(dir, 'netlify'))
    expect(() => runInit({ dir })).toThrow(/outside the site/)
    expect(readdirSync(out)).toEqual([])
  })

  it('writes outside the site when --functions-dir says so explicitly', () => {
    const out = outside()
    const result = runInit({ dir: site(ESM_TS), functionsDir: join(out, 'fns') })
    expect(result.files.map((file) => file.status)).toEqual(['created'])
    expect(readdirSync(join(out, 'fns'))).toEqual(['textile-login.ts'])
  })

  it.each([
    ['at the login function file', 'textile-login.ts'],
    ['where it would write', 'textile-token.ts'],
  ])('refuses a dangling symbolic link %s, and creates nothing at its target', (_where, file) => {
    const out = outside()
    const dir = site(ESM_TS)
    mkdirSync(join(dir, 'netlify/functions'), { recursive: true })
    symlinkSync(join(out, 'planted.ts'), join(dir, 'netlify/functions', file))
    expect(() => runInit({ dir })).toThrow(`${file} is a symbolic link`)
    expect(() => runInit({ dir, force: true })).toThrow(/symbolic link/)
    expect(readdirSync(out)).toEqual([])
    // Nothing else was written either: the check runs before any write.
    expect(readdirSync(join(dir, 'netlify/functions'))).toEqual([file])
  })

  it('never overwrites the target of a symbolic link, even with --force', () => {
    const out = outside()
    const dir = site(ESM_TS)
    writeFileSync(join(out, 'precious'), 'keep me\n')
    mkdirSync(join(dir, 'netlify/functions'), { recursive: true })
    symlinkSync(join(out, 'precious'), join(dir, 'netlify/functions/textile-token.ts'))
    expect(() => runInit({ dir, force: true })).toThrow(/symbolic link/)
    expect(readFileSync(join(out, 'precious'), 'utf8')).toBe('keep me\n')
  })

  it('replaces a hard-linked file with --force without writing through the link', () => {
    const out = outside()
    const dir = site(ESM_TS)
    writeFileSync(join(out, 'precious'), 'keep me\n')
    mkdirSync(join(dir, 'netlify/functions'), { recursive: true })
    const path = join(dir, 'netlify/functions/textile-token.ts')
    linkSync(join(out, 'precious'), path)
    expect(runInit({ dir, force: true }).files[1]!.status).toBe('overwritten')
    expect(readFileSync(join(out, 'precious'), 'utf8')).toBe('keep me\n')
    expect(readFileSync(path, 'utf8')).toContain('textile-token-provider/netlify/token')
    expect(lstatSync(path).nlink).toBe(1)
  })

  it.each(['/../..', '/api/..', '/./api', '/api/./x', '/.'])(
    'refuses the base path %s (dot segments)',
    (base) => {
      expect(() => runInit({ dir: site(ESM_TS), base })).toThrow(/--base/)
    },
  )
})

describe('redirectCovers()', () => {
  // Everything but * and :name is literal.
  it.each([
    ['/**', '/api/token', true],
    ['/*', '/api/token', true],
    ['/api/*', '/api', true],
    ['/api/*', '/api/token', true],
    ['/api/:fn', '/api/token', true],
    ['/:splat/token', '/api/token', true],
    ['/:a/:b', '/api/token', true],
    ['/api/token/', '/api/token', true],
    ['/API/Token', '/api/token', true],
    ['/*/token', '/api/token', true],
    ['/a*n', '/api/token', true],
    ['/a.i/token', '/api/token', false],
    ['/api/to.en', '/api/token', false],
    ['/api/(token)', '/api/token', false],
    ['/api/[t]oken', '/api/token', false],
    ['/api/token+', '/api/token', false],
    ['/api/token?', '/api/tokens', false],
    ['/api/t{1}oken', '/api/token', false],
    ['/api\\/token', '/api/token', false],
    ['/api/:fn', '/api/token/x', false],
    ['/:a', '/api/token', false],
    ['/api/tok', '/api/token', false],
    ['/api/token/*', '/api/tokenx', false],
    ['^/api/token$', '/api/token', false],
  ] as const)('%s covers %s: %s', (from, path, covered) => {
    expect(redirectCovers(from, path)).toBe(covered)
  })

  it('matches a hostile pattern without blowing up', () => {
    expect(redirectCovers(`/${'*a'.repeat(2000)}b`, `/${'a'.repeat(60)}`)).toBe(false)
    expect(redirectCovers(`/${'(a+)+'.repeat(100)}`, '/api/token')).toBe(false)
  })

  it('lets init report a from = "/**" redirect as a conflict instead of crashing', () => {
    // Forced: a rule that is not forced is a fallback behind the functions (namesPlace()).
    const toml = '[[redirects]]\n  from = "/**"\n  to = "/"\n  force = true\n'
    const dir = site({ ...ESM_TS, 'netlify.toml': toml })
    expect(runInit({ dir }).conflicts).toContain(
      '/api/challenge (redirected by /** in netlify.toml [[redirects]])',
    )
  })
})

describe('runInitCommand()', () => {
  it('prints the files, the variables to set and the SDK snippet; exit 0', () => {
    const dir = site(ESM_TS)
    const lines: string[] = []
    expect(runInitCommand(['--dir', dir], (line) => lines.push(line))).toBe(0)
    const text = lines.join('\n')
    expect(text).toMatch(/created +netlify\/functions\/textile-login\.ts/)
    expect(text).toContain(
      'netlify env:set USER_API_SECRET <its secret> --secret --scope functions',
    )
    expect(text).toContain(`netlify env:set CHALLENGE_SECRET "$(node -e '`)
    expect(text).toContain("createUserAuthProvider({ endpoint: '/api'")
  })

  it("prints no secret: CHALLENGE_SECRET is generated in the user's shell, never echoed", () => {
    const { output } = init(site(ESM_TS))
    // Nothing secret-shaped (32+ base64/base64url/hex characters in a row) anywhere.
    expect(output).not.toMatch(/[A-Za-z0-9_+=-]{32,}/)
    // The generator inside "$(…)" makes 32 random bytes, base64url (43 characters), on stdout.
    const code = /CHALLENGE_SECRET "\$\(node -e '([^']+)'\)"/.exec(output)?.[1]
    expect(code).toBeDefined()
    const values = [0, 1].map(() => {
      let written = ''
      const stdout = { write: (text: string) => void (written += text) }
      runInNewContext(code!, { require: createRequire(import.meta.url), process: { stdout } })
      return written
    })
    expect(values[0]).toMatch(/^[\w-]{43}$/)
    expect(values[1]).not.toBe(values[0])
  })

  it('keeps the thread token out of localStorage in the SDK snippet, and says why', () => {
    const { output } = init(site(ESM_TS))
    expect(output).not.toContain('storage: localStorage')
    expect(output).toMatch(/XSS/)
    // The identity: a non-extractable key, not a PrivateKey string someone could copy.
    expect(output).toContain("import { browserIdentity } from 'textile-token-provider/identity'")
    expect(output).toContain('const identity = await browserIdentity()')
  })

  it('exits 1 and names the taken routes when /api is taken', () => {
    const dir = site({ ...ESM_TS, _redirects: '/api/*  https://backend.example/:splat  200\n' })
    const lines: string[] = []
    expect(runInitCommand(['--dir', dir], (line) => lines.push(line))).toBe(1)
    expect(lines.join('\n')).toContain('init --base /auth')
  })
})

describe('parseNetlifyToml()', () => {
  it('reads a string key of a section, ignoring comments and other sections', () => {
    const toml = '[build]\n  publish = "site" # here\n[functions]\n  directory = \'fns\'\n'
    expect(parseNetlifyToml(toml).publish).toBe('site')
    expect(parseNetlifyToml(toml).functions?.value).toBe('fns')
    expect(parseNetlifyToml('[functions]\n  publish = "x"\n').publish).toBeUndefined()
  })
})

const spec = (name: string) => FUNCTIONS.find((entry) => entry.name === name)!
const written = (dir: string): string[] => readdirSync(join(dir, 'netlify/functions')).sort()

describe('init --single-use', () => {
  it('writes the login function only by default, and says nothing of single use', () => {
    const dir = esmSite()
    const { code, output } = init(dir)
    expect(code).toBe(0)
    expect(written(dir)).toEqual(['textile-login.ts'])
    expect(output).not.toContain('SINGLE_USE_ENVELOPES')
  })

  it('with --single-use also writes the @hourly clean-up and prints how to turn single use on', () => {
    const dir = esmSite()
    const { code, output } = init(dir, '--single-use', '--base', '/auth')
    expect(code).toBe(0)
    expect(written(dir)).toEqual(['textile-cleanup-envelopes.ts', 'textile-login.ts'])
    const text = readFileSync(join(dir, 'netlify/functions/textile-cleanup-envelopes.ts'), 'utf8')
    expect(text).toBe(
      functionFileText(spec('cleanup-envelopes'), {
        from: 'textile-token-provider/netlify/cleanup-envelopes',
      }),
    )
    expect(text).toContain(
      "export { default } from 'textile-token-provider/netlify/cleanup-envelopes'",
    )
    expect(text).toContain("export const config = {\n  schedule: '@hourly',\n}\n")
    expect(text).not.toMatch(/path:|rateLimit/)
    expect(output).toMatch(
      /created\s+netlify\/functions\/textile-cleanup-envelopes\.ts\s+scheduled @hourly/,
    )
    expect(output).toContain('netlify env:set SINGLE_USE_ENVELOPES true')
    expect(output).toContain('npm i @netlify/blobs')
    // Idempotent, like the route files.
    expect(init(dir, '--single-use', '--base', '/auth').output).toContain(
      'Everything is in place already.',
    )
  })

  it('adds the clean-up to a site set up before, leaving the other files alone', () => {
    const dir = esmSite()
    init(dir)
    const { output } = init(dir, '--single-use')
    expect(output).toMatch(/unchanged\s+netlify\/functions\/textile-login\.ts/)
    expect(output).toMatch(/created\s+netlify\/functions\/textile-cleanup-envelopes\.ts/)
  })
})

describe('selectFunctions', () => {
  it.each([
    [{}, ['login']],
    [{ layout: 'split' as const }, ['challenge', 'token']],
    [{ jwt: true }, ['login', 'jwt', 'jwks']],
    [{ singleUse: true }, ['login', 'cleanup-envelopes']],
    [
      { layout: 'split' as const, jwt: true, singleUse: true },
      ['challenge', 'token', 'jwt', 'jwks', 'cleanup-envelopes'],
    ],
  ])('%o: %o', (selection, names) => {
    expect(selectFunctions(selection).map((spec) => spec.name)).toEqual(names)
  })
})

describe('functionFileText', () => {
  it('refuses a spec with both routes and a schedule, or neither', () => {
    const both: FunctionSpec = { ...spec('token'), schedule: '@hourly' }
    const neither: FunctionSpec = { ...spec('token'), routes: [] }
    expect(() => functionFileText(both, { from: 'x' })).toThrow(/routes or a schedule/)
    expect(() => functionFileText(neither, { from: 'x' })).toThrow(/routes or a schedule/)
  })
})
