// Packs the npm tarball once for the package and adopter suites, as `npm publish` would (prepack
// builds dist/), into a temporary folder outside the repository. Both projects list this setup;
// the first one packs, the other waits for the same tarball, the last teardown removes it.
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

interface Packed {
  dir: string
  tarball: string
}

// On globalThis: each project may load this module on its own, all in the one main process.
const shared = globalThis as { ttpPacked?: { packed: Promise<Packed>; users: number } }

async function pack(): Promise<Packed> {
  const dir = await mkdtemp(join(tmpdir(), 'ttp-pack-'))
  const packed = await run('npm', ['pack', '--pack-destination', dir], {
    cwd: ROOT,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  })
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.output}`)
  const [name] = (await readdir(dir)).filter((file) => file.endsWith('.tgz'))
  if (!name) throw new Error(`npm pack wrote no tarball:\n${packed.output}`)
  return { dir, tarball: join(dir, name) }
}

export default async function setup(project: TestProject) {
  const state = (shared.ttpPacked ??= { packed: pack(), users: 0 })
  state.users++
  const { dir, tarball } = await state.packed
  project.provide('tarball', tarball)
  return async () => {
    if (--state.users > 0) return
    delete shared.ttpPacked
    await rm(dir, { recursive: true, force: true })
  }
}
