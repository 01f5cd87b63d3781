// What init reads of a site it does not trust (a cloned repository chooses its links, its folder
// sizes and its netlify.toml): the functions folder by hand, one level and Netlify's function
// folders, never through a link and never past a bound; files only inside the site, at most
// 1 MiB. The cases that would hang (a link to /, FIFOs, /dev/zero) run in child processes:
// init-hostile.e2e.test.ts.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runInit } from '../../src/cli/init.ts'
import { MAX_FOLDER_ENTRIES } from '../../src/cli/site-paths.ts'
import { ESM_TS, tempFolder } from '../helpers/temp-folder.ts'
import { init } from '../helpers/run-init.ts'

/** A folder with the given files (path → text), removed after the test. */
const folder = (files: Record<string, string> = {}, prefix = 'ttp-site-') =>
  tempFolder(files, prefix)
const DECLARES = "export const config = { path: '/api/token' }\n"

describe('runInit() reads the functions folder by hand', () => {
  it('never follows a link to a folder outside the site, nor names what is there', () => {
    const out = folder({ 'secret/declares-token.ts': DECLARES }, 'ttp-outside-')
    const dir = folder(ESM_TS)
    mkdirSync(join(dir, 'netlify/functions'), { recursive: true })
    symlinkSync(join(out, 'secret'), join(dir, 'netlify/functions/linked'))
    const result = runInit({ dir, dryRun: true })
    expect(result.conflicts).toEqual([])
    expect(result.unread).toEqual(['netlify/functions/linked'])
    const { code, output } = init(dir, '--dry-run')
    expect(code).toBe(0)
    expect(output).not.toContain('declares-token')
    expect(output).not.toContain(out)
    expect(output).toContain('netlify/functions/linked')
  })

  it('never enters a link to a big folder (1000 files, a declaring one deep inside)', () => {
    const files: Record<string, string> = { 'a/b/c/d/e/deep.ts': DECLARES }
    for (let i = 0; i < 1000; i++) files[`f${i}.js`] = `// ${i}\n`
    const big = folder(files, 'ttp-big-')
    const dir = folder(ESM_TS)
    mkdirSync(join(dir, 'netlify/functions'), { recursive: true })
    symlinkSync(big, join(dir, 'netlify/functions/big'))
    const result = runInit({ dir, dryRun: true })
    expect(result.conflicts).toEqual([])
    expect(result.unread).toEqual(['netlify/functions/big'])
  })

  it('reads no function file through a link to a file outside the site', () => {
    const out = folder({ 'elsewhere.ts': DECLARES }, 'ttp-outside-')
    const dir = folder(ESM_TS)
    mkdirSync(join(dir, 'netlify/functions'), { recursive: true })
    symlinkSync(join(out, 'elsewhere.ts'), join(dir, 'netlify/functions/fn.ts'))
    expect(runInit({ dir, dryRun: true })).toMatchObject({
      conflicts: [],
      unread: ['netlify/functions/fn.ts'],
    })
    expect(init(dir, '--dry-run').output).not.toContain('elsewhere')
  })

  it('reads functions where Netlify finds them: <name>.<ext>, <name>/<name>.<ext>, <name>/index.<ext>', () => {
    const dir = folder({
      ...ESM_TS,
      'netlify/functions/a.mjs': DECLARES,
      'netlify/functions/b/b.ts': DECLARES,
      'netlify/functions/c/index.js': DECLARES,
      // Not functions: helpers below a function folder, node_modules.
      'netlify/functions/d/lib/helper.ts': DECLARES,
      'netlify/functions/lib/deep/er/x.ts': DECLARES,
      'netlify/functions/node_modules/pkg/index.js': DECLARES,
    })
    expect(runInit({ dir, dryRun: true }).conflicts).toEqual([
      '/api/token (declared by netlify/functions/a.mjs)',
      '/api/token (declared by netlify/functions/b/b.ts)',
      '/api/token (declared by netlify/functions/c/index.js)',
    ])
  })

  it(`stops with an error past ${MAX_FOLDER_ENTRIES} entries in the functions folder`, () => {
    const dir = folder(ESM_TS)
    const fns = join(dir, 'netlify/functions')
    mkdirSync(fns, { recursive: true })
    for (let i = 0; i <= MAX_FOLDER_ENTRIES; i++) writeFileSync(join(fns, `f${i}.txt`), '')
    expect(() => runInit({ dir, dryRun: true })).toThrow(
      `netlify/functions holds more than ${MAX_FOLDER_ENTRIES} entries; init checks each function for its routes and stops here (use --functions-dir)`,
    )
  })

  it('reads no function file over 1 MiB, and says which it did not check', () => {
    const big = `${DECLARES}//${'x'.repeat(1024 * 1024)}\n`
    const dir = folder({ ...ESM_TS, 'netlify/functions/huge.js': big })
    expect(runInit({ dir, dryRun: true })).toMatchObject({
      conflicts: [],
      unread: ['netlify/functions/huge.js'],
    })
    expect(init(dir, '--dry-run').output).toContain(
      'Not read (a link, a special file or over 1 MiB), so not checked for these routes:\n  netlify/functions/huge.js',
    )
  })
})

describe('runInit() reads only inside the site', () => {
  it('refuses a [build] publish outside the site, and reads no _redirects there', () => {
    const parent = folder({ 'outside/_redirects': '/api/*  https://x.example/:splat  200\n' })
    const dir = join(parent, 'site')
    mkdirSync(dir)
    writeFileSync(join(dir, 'netlify.toml'), '[build]\n  publish = "../outside"\n')
    expect(() => runInit({ dir, dryRun: true })).toThrow(
      'netlify.toml [build] publish "../outside" leads outside the site; init reads and writes only inside it',
    )
  })

  it('refuses a [build] publish that a link leads outside the site', () => {
    const out = folder({ _redirects: '/api/*  https://x.example/:splat  200\n' }, 'ttp-outside-')
    const dir = folder({ ...ESM_TS, 'netlify.toml': '[build]\n  publish = "dist"\n' })
    symlinkSync(out, join(dir, 'dist'))
    expect(() => runInit({ dir, dryRun: true })).toThrow(/publish "dist" leads outside the site/)
  })

  it('refuses a [build] base outside the site', () => {
    const dir = folder({ 'netlify.toml': '[build]\n  base = "../.."\n' })
    expect(() => runInit({ dir, dryRun: true })).toThrow(/\[build\] base "..\/.." leads outside/)
  })

  it.each(['package.json', 'netlify.toml', '_redirects'])(
    'refuses a %s that links to a file outside the site',
    (name) => {
      const out = folder({ [name]: name === 'package.json' ? '{}' : '' }, 'ttp-outside-')
      const dir = folder()
      symlinkSync(join(out, name), join(dir, name))
      expect(() => runInit({ dir, dryRun: true })).toThrow(
        `${name} is a symbolic link that leads outside the site; init reads nothing there`,
      )
    },
  )

  it('follows a link to a file inside the site', () => {
    const dir = folder({ 'config/netlify.toml': '[functions]\n  directory = "fns"\n' })
    symlinkSync(join(dir, 'config/netlify.toml'), join(dir, 'netlify.toml'))
    expect(runInit({ dir, dryRun: true }).functionsDir).toBe(join(dir, 'fns'))
  })

  it('refuses a netlify.toml over 1 MiB', () => {
    const dir = folder({ 'netlify.toml': `# ${'x'.repeat(1024 * 1024)}\n` })
    expect(() => runInit({ dir, dryRun: true })).toThrow(
      'netlify.toml is larger than 1 MiB; init reads only regular files of at most 1 MiB inside the site',
    )
  })
})
