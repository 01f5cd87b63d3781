// The package's own name resolves to the same modules in this repository as in an installed copy:
// tsconfig.json's `paths` (read by tsc, esbuild, tsx and vitest) name, for each entry of
// package.json's `exports`, the source file that compiles to its target (dist/x.js ← src/x.ts).
// The demo (site/src), the identity test page and the docs' snippets import the SDK by name.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers/netlify-dev.ts'

interface PackageJson {
  name: string
  exports: Record<string, string | { types: string; default: string }>
}

/** `textile-token-provider/<subpath>` → the source behind its `exports` entry. */
function sourcesOfExports(pkg: PackageJson): Record<string, string[]> {
  const paths: Record<string, string[]> = {}
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue // ./package.json
    const source = target.default.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts')
    paths[pkg.name + subpath.slice(1)] = [source]
  }
  return paths
}

describe('tsconfig.json paths', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson
  const { config, error } = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile)
  const paths = (config as { compilerOptions: { paths?: Record<string, string[]> } })
    .compilerOptions.paths

  it('map every entry of exports, and nothing else, to the source it is built from', () => {
    expect(error).toBeUndefined()
    expect(paths).toEqual(sourcesOfExports(pkg))
  })

  it('name files that exist', () => {
    for (const [name, [source]] of Object.entries(paths ?? {})) {
      expect(existsSync(join(ROOT, source!)), `${name} → ${source}`).toBe(true)
    }
  })
})
