// A site that is not this repository: its own package.json, a static page and a netlify.toml,
// in a temporary folder, with the packed tarball (and @textile/hub, as an app would have it)
// installed from the registry by npm, exactly as an adopter runs `npm i textile-token-provider`.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from './shipped.ts'

/** Options of {@link createFixtureSite}. */
export interface FixtureSiteOptions {
  tarball: string
  /** `esm`: `"type": "module"` and a tsconfig (TypeScript); `cjs`: neither (plain JavaScript). */
  flavour: 'esm' | 'cjs'
}

/**
 * Creates and installs the fixture site; returns its folder.
 *
 * @throws when npm install fails.
 */
export async function createFixtureSite(options: FixtureSiteOptions): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ttp-site-${options.flavour}-`))
  const pkg = {
    name: `fixture-spa-${options.flavour}`,
    private: true,
    version: '1.0.0',
    ...(options.flavour === 'esm' && { type: 'module' }),
  }
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
  if (options.flavour === 'esm') {
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true, noEmit: true } }),
    )
  }
  await mkdir(join(dir, 'public'))
  await writeFile(
    join(dir, 'public/index.html'),
    '<!doctype html><title>Fixture SPA</title><h1>An existing single-page app</h1>\n',
  )
  await writeFile(
    join(dir, 'netlify.toml'),
    ['[build]', '  publish = "public"', '', '[dev]', '  framework = "#static"', ''].join('\n'),
  )
  const installed = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      options.tarball,
      '@textile/hub@^6.3.4',
    ],
    { cwd: dir, timeoutMs: 300_000 },
  )
  if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.output}`)
  return dir
}
