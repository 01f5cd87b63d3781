// Packs the npm tarball once for the package suites, as `npm publish` would (prepack builds
// dist/), into a temporary folder outside the repository.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { ROOT } from '../helpers/netlify-dev.ts'
import { run } from '../helpers/shipped.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Absolute path of the packed textile-token-provider tarball. */
    tarball: string
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'ttp-pack-'))
  const packed = await run('npm', ['pack', '--pack-destination', dir], {
    cwd: ROOT,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  })
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`)
  const [name] = (await readdir(dir)).filter((file) => file.endsWith('.tgz'))
  if (!name) throw new Error(`npm pack wrote no tarball:\n${packed.output}`)
  project.provide('tarball', join(dir, name))
  return () => rm(dir, { recursive: true, force: true })
}
