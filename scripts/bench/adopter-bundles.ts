// `npx tsx scripts/bench/adopter-bundles.ts [--tarball <path>] [--json]`: what the fixture apps ship,
// built as adopters build them (test/helpers/adopter-apps.ts), with each bundler's default
// resolution (the baseline) and with the setting docs/adopting.md documents (`resolve.mainFields`
// without 'module': @textile/hub's CommonJS builds), in one run. Packs the repository unless
// given a tarball. Numbers only (bytes, minified and gzip -9); nothing here is a test, and the
// adopter tier runs both Vite builds in Chromium.
import { writeFileSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../../test/helpers/netlify-dev.ts'
import { run } from '../../test/helpers/shipped.ts'
import {
  buildApp,
  installApps,
  npx,
  summariseBuild,
  type BuildSummary,
  type Size,
} from '../../test/helpers/adopter-apps.ts'

const json = process.argv.includes('--json')
const given = process.argv[process.argv.indexOf('--tarball') + 1]
const log = (line: string) => process.stderr.write(line + '\n')

async function packed(): Promise<{ tarball: string; cleanup: () => Promise<void> }> {
  if (process.argv.includes('--tarball') && given) {
    return { tarball: given, cleanup: async () => {} }
  }
  const dir = await mkdtemp(join(tmpdir(), 'ttp-pack-'))
  log('npm pack …')
  const result = await run('npm', ['pack', '--pack-destination', dir], { cwd: ROOT })
  if (result.code !== 0) throw new Error(`npm pack failed:\n${result.output}`)
  const [name] = (await readdir(dir)).filter((file) => file.endsWith('.tgz'))
  return { tarball: join(dir, name!), cleanup: () => rm(dir, { recursive: true, force: true }) }
}

const { tarball, cleanup } = await packed()
log('npm install (the fixture apps) …')
const apps = await installApps(tarball)
const hubUrl = 'http://127.0.0.1:6007'
const vite = apps.dir['vite-app']
const webpack = apps.dir['webpack-app']
const results: Array<{ build: string; summary: BuildSummary }> = []
try {
  // Default builds first: each empties dist/, the CommonJS variants write dist/cjs.
  log('vite build …')
  writeFileSync(join(vite, '.env'), `VITE_HUB_URL=${hubUrl}\n`)
  await buildApp(vite)
  await npxOrThrow(vite, ['vite', 'build', '--config', 'vite.cjs.config.ts'])
  results.push({
    build: 'Vite, default',
    summary: await summariseBuild(join(vite, 'dist'), ['cjs']),
  })
  results.push({
    build: "Vite, mainFields ['browser']",
    summary: await summariseBuild(join(vite, 'dist/cjs')),
  })
  log('webpack build (twice, about a minute each on 2 cores) …')
  await buildApp(webpack, { HUB_URL: hubUrl })
  const cjs = await npx(
    webpack,
    ['webpack', '--mode', 'production', '--config', 'webpack.cjs.config.js'],
    {
      HUB_URL: hubUrl,
    },
  )
  if (cjs.code !== 0) throw new Error(`webpack (CommonJS) failed:\n${cjs.output}`)
  results.push({
    build: 'webpack 5, default',
    summary: await summariseBuild(join(webpack, 'dist'), ['cjs']),
  })
  results.push({
    build: "webpack 5, mainFields ['browser', 'main']",
    summary: await summariseBuild(join(webpack, 'dist/cjs')),
  })
} finally {
  await rm(apps.root, { recursive: true, force: true })
  await cleanup()
}

if (json) {
  process.stdout.write(JSON.stringify(results, null, 2) + '\n')
} else {
  const kb = (size: Size) =>
    `${(size.bytes / 1000).toFixed(1)} kB (${(size.gzipBytes / 1000).toFixed(1)} kB gzip)`
  const table = (header: string[], rows: string[][]) => {
    const widths = header.map((title, i) =>
      Math.max(title.length, ...rows.map((row) => row[i]!.length)),
    )
    const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')
    return [line(header), ...rows.map(line)]
  }
  const lines = [
    'Fixture apps as adopters build them, minified (each bundler: default first, the baseline)',
    ...table(
      [
        'build',
        'index.html first load',
        'late.html first load',
        '@textile/hub chunk',
        'GetToken copies',
      ],
      results.map(({ build, summary }) => [
        build,
        kb(summary.pages['index.html']!),
        kb(summary.pages['late.html']!),
        kb(summary.hub),
        String(summary.getTokenClasses),
      ]),
    ),
  ]
  for (const { build, summary } of results) {
    const loadedBy = (file: string) =>
      Object.entries(summary.pages)
        .filter(([, page]) => page.files.includes(file))
        .map(([html]) => html)
        .join(' + ') || 'later (import())'
    lines.push(
      '',
      `${build}: chunks over 1 kB`,
      ...table(
        ['chunk', 'size', 'loaded by', 'holds'],
        summary.chunks
          .filter((chunk) => chunk.bytes > 1000)
          .map((chunk) => [
            chunk.file,
            kb(chunk),
            loadedBy(chunk.file),
            [
              chunk.file === summary.hub.file ? '@textile/hub' : '',
              chunk.getTokenClasses > 0 ? `${chunk.getTokenClasses} GetToken copy` : '',
            ]
              .filter(Boolean)
              .join(', '),
          ]),
      ).map((row) => `  ${row}`),
    )
  }
  process.stdout.write(lines.join('\n') + '\n')
}

async function npxOrThrow(cwd: string, args: string[]): Promise<void> {
  const result = await npx(cwd, args)
  if (result.code !== 0) throw new Error(`npx ${args.join(' ')} failed:\n${result.output}`)
}
