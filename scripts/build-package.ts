// `npm run build` (and `prepack`): the npm package in dist/: compiled ESM JavaScript and
// declarations (src/tsconfig.build.json), with the relative `.ts` specifiers that tsc keeps in
// declaration files rewritten to `.js`, so consumers' tsc resolves them without flags.
import { spawnSync } from 'node:child_process'
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DIST = join(ROOT, 'dist')

rmSync(DIST, { recursive: true, force: true })
const tsc = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'src/tsconfig.build.json'],
  { cwd: ROOT, stdio: 'inherit' },
)
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

const RELATIVE_TS = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g
let rewritten = 0
for (const name of readdirSync(DIST, { recursive: true }) as string[]) {
  if (!name.endsWith('.d.ts')) continue
  const path = join(DIST, name)
  const text = readFileSync(path, 'utf8')
  const fixed = text.replace(RELATIVE_TS, '$1$2.js$3')
  if (fixed !== text) {
    writeFileSync(path, fixed)
    rewritten++
  }
}
chmodSync(join(DIST, 'cli/bin.js'), 0o755)
console.log(`build: dist/ written (${rewritten} declaration files had .ts specifiers)`)
