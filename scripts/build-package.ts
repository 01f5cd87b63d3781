// `npm run build` (and `prepack`): the npm package in dist/: compiled ESM JavaScript and
// declarations (src/tsconfig.build.json), with the relative `.ts` specifiers that tsc keeps in
// declaration files rewritten to `.js`, so consumers' tsc resolves them without flags. Then each
// ready-made Netlify function entry (dist/netlify/<name>.js) is replaced by one pre-bundled module:
// Netlify ships npm packages file by file and Node loads them one by one on a cold start, so one
// module instead of ~27 is what a cold start imports (docs/performance.md).
import { spawnSync } from 'node:child_process'
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { FUNCTIONS } from '../src/cli/function-files.ts'

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

// Dependencies stay external (the lazy `import('@netlify/blobs')` of single use stays a dynamic
// import of the optional peer); not minified, so stack traces stay readable. The declarations
// stay tsc's: dist/netlify/<name>.d.ts types the default export from dist/http/*.d.ts.
const entries = FUNCTIONS.map((spec) => join(DIST, 'netlify', `${spec.name}.js`))
for (const entry of entries) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: false,
    write: false,
    outfile: entry,
    logLevel: 'error',
    banner: {
      js: '// One pre-bundled module of textile-token-provider (scripts/build-package.ts); sources: src/.',
    },
  })
  writeFileSync(entry, result.outputFiles[0]!.contents)
}
console.log(
  `build: dist/ written (${rewritten} declaration files had .ts specifiers; ${entries.length} function entries bundled)`,
)
