// `textile-token-provider init` in a throwaway site folder: which files it writes, with and without
// --single-use (the scheduled clean-up), and what it prints next. The packed package's own init run
// and netlify build of its files are in test/package/package.test.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FUNCTIONS, functionFileText, type FunctionSpec } from '../../src/cli/function-files.ts'
import { runInitCommand } from '../../src/cli/init.ts'

const sites: string[] = []
afterEach(() => {
  for (const site of sites.splice(0)) rmSync(site, { recursive: true, force: true })
})

/** An ESM TypeScript site, so init writes `.ts`. */
function site(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-init-'))
  sites.push(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
  writeFileSync(join(dir, 'tsconfig.json'), '{}')
  return dir
}

function init(dir: string, ...args: string[]) {
  const lines: string[] = []
  const code = runInitCommand(['--dir', dir, ...args], (line) => lines.push(line))
  return { code, output: lines.join('\n') }
}

const spec = (name: string) => FUNCTIONS.find((entry) => entry.name === name)!
const written = (dir: string) => readdirSync(join(dir, 'netlify/functions')).sort()

describe('init', () => {
  it('writes challenge and token only by default, and says nothing of single use', () => {
    const dir = site()
    const { code, output } = init(dir)
    expect(code).toBe(0)
    expect(written(dir)).toEqual(['textile-challenge.ts', 'textile-token.ts'])
    expect(output).not.toContain('SINGLE_USE_ENVELOPES')
  })

  it('with --single-use also writes the @hourly clean-up and prints how to turn single use on', () => {
    const dir = site()
    const { code, output } = init(dir, '--single-use', '--base', '/auth')
    expect(code).toBe(0)
    expect(written(dir)).toEqual([
      'textile-challenge.ts',
      'textile-cleanup-envelopes.ts',
      'textile-token.ts',
    ])
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
    const dir = site()
    init(dir)
    const { output } = init(dir, '--single-use')
    expect(output).toMatch(/unchanged\s+netlify\/functions\/textile-token\.ts/)
    expect(output).toMatch(/created\s+netlify\/functions\/textile-cleanup-envelopes\.ts/)
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
