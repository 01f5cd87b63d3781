// Every TypeScript snippet in the README runs as written: each ```ts block is typechecked as its
// own module, with `textile-token-provider` resolved to this repository's sources exactly as the
// package's `exports` map resolves it to dist/.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/netlify-dev.ts'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const snippets = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
  line: readme.slice(0, match.index).split('\n').length,
  code: match[1]!,
}))

/** `textile-token-provider/<subpath>` → the source file behind `exports` (dist/x.js ← src/x.ts). */
function sourcePaths(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string
    exports: Record<string, string | { default: string }>
  }
  const paths: Record<string, string[]> = {}
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue
    const source = target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')
    paths[pkg.name + subpath.slice(1)] = [join(ROOT, source)]
  }
  return paths
}

describe('README snippets', () => {
  it('has TypeScript snippets to check', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(6)
  })

  it('typechecks every ```ts block as written', () => {
    const dir = join(ROOT, 'node_modules/.cache/readme-snippets')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    for (const [i, snippet] of snippets.entries()) {
      // `export {}` keeps each snippet a module of its own (top-level await, no shared names).
      writeFileSync(join(dir, `line-${snippet.line}-${i}.ts`), snippet.code + '\nexport {}\n')
    }
    const tsconfig = {
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { noEmit: true, noUnusedLocals: false, paths: sourcePaths() },
      include: ['*.ts'],
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
    let output = ''
    try {
      execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' })
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error)
    }
    expect(output, 'README snippets (file names carry the README line)').toBe('')
  }, 60_000)
})
