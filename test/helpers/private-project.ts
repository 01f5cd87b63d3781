// A private copy of the project for `netlify dev` runs that need their own `.env`: netlify dev gives
// edge functions only variables from `.env` files and the Netlify UI, never from process env or
// netlify.toml, so an edge test cannot configure them the way serverless tests do.
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, startNetlifyDev, type NetlifyDev } from './netlify-dev.ts'

/** Netlify's own Deno bootstrap from npm, so edge functions run offline (netlify-offline.md). */
export const EDGE_BOOTSTRAP = `file://${ROOT}node_modules/@netlify/edge-functions-dev/dist/deno/bootstrap.mjs`

/**
 * A temporary copy of the project (functions, edge functions, src, netlify.toml, tsconfig.json
 * (its `paths` resolve the demo's package-name imports), the demo when `site` is set; node_modules
 * linked), so netlify runs never share `.netlify/` or
 * `site/build` with other suites. `realPackages` (and their dependencies) are copied rather than
 * linked: nft leaves out files behind a symlink that leads out of the project, so a function zip
 * carries an npm package only when it is really there, as after `npm install` on Netlify.
 */
export async function copyProject(
  options: { site?: boolean; realPackages?: readonly string[] } = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ttp-netlify-'))
  try {
    for (const name of [
      'functions',
      'netlify',
      'scripts',
      'src',
      'package.json',
      'netlify.toml',
      'tsconfig.json',
    ]) {
      await cp(join(ROOT, name), join(dir, name), { recursive: true })
    }
    if (options.realPackages?.length) {
      await mirrorNodeModules(join(dir, 'node_modules'), options.realPackages)
    } else {
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
    }
    if (options.site) {
      await cp(join(ROOT, 'site'), join(dir, 'site'), {
        recursive: true,
        filter: (source) => !source.startsWith(join(ROOT, 'site', 'build')),
      })
    } else {
      await mkdir(join(dir, 'site'))
    }
    return dir
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

/**
 * A node_modules of links to the project's packages, except `packages` and everything they depend
 * on (flat layout, as npm installs it), which are copied.
 */
async function mirrorNodeModules(target: string, packages: readonly string[]): Promise<void> {
  const source = await realpath(join(ROOT, 'node_modules'))
  const copied = new Set<string>()
  const queue = [...packages]
  while (queue.length > 0) {
    const name = queue.shift()!
    if (copied.has(name) || !existsSync(join(source, name, 'package.json'))) continue
    copied.add(name)
    const manifest = JSON.parse(readFileSync(join(source, name, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>
      optionalDependencies?: Record<string, string>
    }
    queue.push(...Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }))
  }
  const entries = async (scope: string) =>
    (await readdir(join(source, scope))).filter((name) => !name.startsWith('.'))
  for (const entry of await entries('')) {
    const names = entry.startsWith('@')
      ? (await entries(entry)).map((name) => `${entry}/${name}`)
      : [entry]
    for (const name of names) {
      await mkdir(join(target, name, '..'), { recursive: true })
      if (copied.has(name)) await cp(join(source, name), join(target, name), { recursive: true })
      else await symlink(join(source, name), join(target, name))
    }
  }
}

/**
 * Starts `netlify dev --offline` on a {@link copyProject} copy whose `.env` holds `env`. Stopping
 * removes the copy.
 */
export async function startPrivateNetlifyDev(env: Record<string, string>): Promise<NetlifyDev> {
  const dir = await copyProject()
  try {
    const lines = Object.entries(env).map(([name, value]) => `${name}=${value}`)
    await writeFile(join(dir, '.env'), lines.join('\n') + '\n')
    const dev = await startNetlifyDev({
      cwd: dir,
      env: { ...env, NETLIFY_EDGE_BOOTSTRAP: EDGE_BOOTSTRAP },
    })
    return {
      ...dev,
      stop: async () => {
        await dev.stop()
        // Netlify's children may still flush .netlify/ for a moment after the group is stopped.
        await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
      },
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}
