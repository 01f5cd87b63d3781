// `init` reads every valid netlify.toml, as Netlify does: a corpus of real-world shapes
// (fixtures/netlify-toml/), each run through `runInit` on a throwaway site, then the parser on
// its own (CRLF, a BOM, errors).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runInit } from '../../src/cli/init.ts'
import { parseNetlifyToml } from '../../src/cli/netlify-config.ts'
import { esmSite } from '../helpers/temp-folder.ts'

const FIXTURES = join(import.meta.dirname, 'fixtures/netlify-toml')
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8')

/** A site folder with the given files (path → text) and an ESM TypeScript package.json. */
const site = (files: Record<string, string> = {}) => esmSite(files, 'ttp-toml-')

const taken = (by: string) => [`/api/challenge (${by})`, `/api/token (${by})`]

describe('runInit() on real-world netlify.toml shapes', () => {
  it.each([
    // [fixture, functions folder, publish folder, taken routes under /api]
    ['dotted-keys.toml', 'fns', 'dist', []],
    ['inline-tables.toml', 'fns', 'dist', []],
    ['multi-line-basic.toml', 'fns', 'dist', []],
    ['literal-strings.toml', 'fns', 'dist', []],
    ['comments-everywhere.toml', 'fns # not a comment', 'dist', []],
    ['base.toml', 'apps/web/netlify/functions', 'apps/web/dist', []],
    ['base-leading-slash.toml', 'apps/web/fns', 'apps/web/dist', []],
    ['per-function.toml', 'fns', undefined, []],
    ['contexts.toml', 'fns', 'dist', []],
    ['full-sample.toml', 'site/functions', 'site/public', []],
    [
      'redirects.toml',
      'netlify/functions',
      'dist',
      taken('redirected by /api/* in netlify.toml [[redirects]]'),
    ],
    [
      'forced-catch-all.toml',
      'netlify/functions',
      undefined,
      taken('redirected by /* in netlify.toml [[redirects]]'),
    ],
    [
      'edge-functions.toml',
      'netlify/functions',
      undefined,
      taken('taken by edge function auth at /api/* in netlify.toml [[edge_functions]]'),
    ],
  ] as const)('%s: functions in %s', (name, functions, publish, conflicts) => {
    // Each publish folder holds a _redirects rule for /api/challenge: it is read only there.
    const rule = '/api/challenge  /.netlify/functions/legacy  200!\n'
    const dir = site({
      'netlify.toml': fixture(name),
      ...(publish && { [`${publish}/_redirects`]: rule }),
    })
    const result = runInit({ dir, dryRun: true })
    expect(result.conflicts).toEqual([
      ...conflicts,
      ...(publish
        ? [`/api/challenge (redirected by /api/challenge in ${publish}/_redirects)`]
        : []),
    ])
    const written = runInit({ dir, base: '/elsewhere', dryRun: true })
    expect(written.functionsDir).toBe(join(dir, functions))
    expect(written.conflicts).toEqual(
      name === 'forced-catch-all.toml'
        ? [
            '/elsewhere/challenge (redirected by /* in netlify.toml [[redirects]])',
            '/elsewhere/token (redirected by /* in netlify.toml [[redirects]])',
          ]
        : [],
    )
  })

  it.each([
    ['a _redirects SPA fallback', '/*  /index.html  200\n', []],
    [
      'a forced _redirects catch-all',
      '/*  /index.html  200!\n',
      taken('redirected by /* in _redirects'),
    ],
    [
      'a _redirects proxy for /api',
      '/api/*  https://x.example/:splat  200\n',
      taken('redirected by /api/* in _redirects'),
    ],
    ['a comment', '# /api/* https://x.example/:splat 200!\n', []],
  ])('%s: taken routes are %j', (_name, rules, conflicts) => {
    const dir = site({ _redirects: rules })
    expect(runInit({ dir, dryRun: true }).conflicts).toEqual(conflicts)
  })

  it('refuses netlify.toml that is not TOML, naming the file, line and column', () => {
    const dir = site({
      'netlify.toml': '[build]\n  publish = "dist"\n\n[functions]\n  directory = "fns\n',
    })
    // Ours up to the column; the reason is the parser's (smol-toml), on the same line.
    expect(() => runInit({ dir })).toThrow(
      /^netlify\.toml is not valid TOML: line 5, column 19: [^\n]+ in strings$/,
    )
  })

  it.each([
    ['[functions]\n  directory = 5\n', 'netlify.toml [functions] directory must be a string'],
    ['[build]\n  publish = ["a"]\n', 'netlify.toml [build] publish must be a string'],
    ['build = "dist"\n', 'netlify.toml [build] must be a table'],
    ['[[redirects]]\n  to = "/x"\n', 'netlify.toml [[redirects]] number 1 has no from'],
    [
      '[[redirects]]\n  from = "/x"\n  force = "yes"\n',
      'netlify.toml [[redirects]] number 1 force must be a boolean',
    ],
  ])('refuses %j: %s', (toml, message) => {
    expect(() => runInit({ dir: site({ 'netlify.toml': toml }) })).toThrow(message)
  })
})

describe('parseNetlifyToml()', () => {
  it('reads CRLF line endings and a byte order mark', () => {
    const text =
      '\uFEFF# crlf\r\n[build]\r\n  publish = "dist" # c\r\n[functions]\r\n  directory = "fns"\r\n'
    expect(parseNetlifyToml(text)).toEqual({
      publish: 'dist',
      functions: { name: '[functions] directory', value: 'fns' },
      redirects: [],
      edgeFunctions: [],
    })
  })

  it('prefers [functions] directory to [build] functions, as Netlify does', () => {
    const both = '[build]\n  functions = "old"\n[functions]\n  directory = "new"\n'
    expect(parseNetlifyToml(both).functions).toEqual({
      name: '[functions] directory',
      value: 'new',
    })
    expect(parseNetlifyToml('build.functions = "old"').functions).toEqual({
      name: '[build] functions',
      value: 'old',
    })
  })

  it('reads [[redirects]] with to, status and force, and [[edge_functions]] paths', () => {
    const config = parseNetlifyToml(fixture('redirects.toml') + fixture('edge-functions.toml'))
    expect(config.redirects).toEqual([
      { from: '/*', to: '/index.html', status: 200 },
      { from: '/api/*', to: 'https://backend.example/:splat', status: 200, force: false },
    ])
    expect(config.edgeFunctions).toEqual([
      { function: 'geolocation', path: ['/*'] },
      { function: 'auth', path: ['/api/*'] },
    ])
  })

  it('keeps a site-chosen file name in the error, not a stack', () => {
    expect(() => parseNetlifyToml('x = ', 'apps/web/netlify.toml')).toThrow(
      /^apps\/web\/netlify\.toml is not valid TOML: line 1, column 5: /,
    )
  })
})
