// Throwaway folders for the tests that write files (init, the env file, netlify.toml), removed
// when the test that made them finishes, whatever it did.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, onTestFinished } from 'vitest'

/** The files of an ESM TypeScript site: what `init` reads to choose `.ts`. */
export const ESM_TS = { 'package.json': '{"type":"module"}', 'tsconfig.json': '{}' } as const

/**
 * A fresh folder holding `files` (path → text, folders made as needed), removed when the calling
 * test finishes (or, made while a describe is collected, after that describe's tests).
 *
 * @example
 * const site = tempFolder({ ...ESM_TS, 'netlify.toml': '[build]\n' }, 'ttp-init-')
 */
export function tempFolder(
  files: Record<string, string> = {},
  prefix = 'ttp-',
  parent: string = tmpdir(),
): string {
  const dir = mkdtempSync(join(parent, prefix))
  const remove = () => rmSync(dir, { recursive: true, force: true })
  try {
    onTestFinished(remove)
  } catch {
    afterAll(remove)
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

/** A fresh ESM TypeScript site folder (ESM_TS) with `files` beside, as {@link tempFolder} makes it. */
export const esmSite = (files: Record<string, string> = {}, prefix = 'ttp-site-'): string =>
  tempFolder({ ...ESM_TS, ...files }, prefix)
