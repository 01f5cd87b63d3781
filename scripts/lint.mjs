// Project lint: formatting (prettier), plus the rules the type checker cannot see. (No Node
// built-ins in the code that runs in browsers and Deno is the portable typecheck's:
// scripts/tsconfig.portable.json has no Node typings, so `node:*`, Buffer, process and require
// fail it.)
// - src/client and src/identity load no generated protobuf (google-protobuf, @textile/*-grpc, any
//   *_pb module): those classes register on a global `proto` that @textile/hub's browser builds
//   fill with their own copy, and the last one loaded breaks the other (docs/protocol.md §5).
// - Netlify deploys every file in functions/ as a function: only function modules live there.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const problems = []

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* files(path)
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield path
  }
}

const importPattern =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s*['"]([^'"]+)['"]/g
const protobufFree = new Set(['src/client', 'src/identity'])
/** True for an import of generated protobuf code or its runtime. */
const isProtobuf = (spec) =>
  spec === 'google-protobuf' ||
  spec.startsWith('google-protobuf/') ||
  /^@textile\/[^/]+-grpc(\/|$)/.test(spec) ||
  /_pb($|[._])/.test(spec.split('/').pop())
for (const dir of protobufFree) {
  for (const file of files(join(root, dir))) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(importPattern)) {
      const spec = match[1] ?? match[2] ?? match[3]
      if (isProtobuf(spec)) {
        problems.push(
          `${relative(root, file)}: imports ${spec} (no generated protobuf in the browser SDK: it shares a global with @textile/hub's copy)`,
        )
      }
    }
  }
}

for (const name of readdirSync(join(root, 'functions'))) {
  if (/\.(test|spec)\./.test(name) || !/\.(ts|mts|js|mjs)$/.test(name)) {
    problems.push(
      `functions/${name}: only function modules belong in functions/ (Netlify deploys each file)`,
    )
  }
}

const formatted = [
  'src',
  'functions',
  'netlify',
  'scripts',
  'site/src',
  'site/tools',
  'test',
].filter((dir) => {
  // One file is enough to know prettier has something to check: the walk stops there.
  try {
    return !files(join(root, dir)).next().done
  } catch {
    return false
  }
})
const prettier = spawnSync('npx', ['prettier', '--check', '--log-level', 'warn', ...formatted], {
  cwd: root,
  encoding: 'utf8',
})
if (prettier.status !== 0)
  problems.push(
    `prettier: not formatted (run npm run format):\n${prettier.stdout}${prettier.stderr}`,
  )

if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log('lint: ok')
