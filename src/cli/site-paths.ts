// Where init may read and write in a site it does not trust: a cloned repository chooses its
// netlify.toml and its symbolic links. Folders from netlify.toml must lead inside the site (links
// resolved); a file init would write must be absent or a regular file, never a link.
import { lstatSync, readFileSync, realpathSync, type Stats } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'

/** Where functions go when netlify.toml names no folder (Netlify's default). */
export const DEFAULT_FUNCTIONS_DIR = 'netlify/functions'

/**
 * The folder to write into: --functions-dir as given (the user's explicit choice), else
 * netlify.toml's, else netlify/functions; those two must lead inside the site, links resolved.
 */
export function functionsFolder(
  dir: string,
  configured: { name: string; value: string } | undefined,
  flag: string | undefined,
): string {
  if (flag !== undefined) return resolve(dir, flag)
  const { name, value } = configured ?? { name: 'the default functions folder', value: undefined }
  const folder = resolve(dir, value ?? DEFAULT_FUNCTIONS_DIR)
  const real = realPathOf(folder)
  if (real === undefined || !isInside(realpathSync(dir), real)) {
    throw new Error(
      `${value === undefined ? name : `netlify.toml ${name} ${JSON.stringify(value)}`} leads ` +
        'outside the site; init writes there only when told with --functions-dir',
    )
  }
  return folder
}

/**
 * The real path of `path`: that of its deepest existing ancestor, plus the rest; undefined when a
 * link on the way leads nowhere.
 */
function realPathOf(path: string): string | undefined {
  let existing = path
  while (lstat(existing) === undefined && dirname(existing) !== existing) {
    existing = dirname(existing)
  }
  try {
    return join(realpathSync(existing), relative(existing, path))
  } catch {
    return undefined
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..')
}

function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}

/** Whether a regular file is at `path` (false: nothing); throws for a link or anything else. */
export function regularFile(path: string, site: string): boolean {
  const stat = lstat(path)
  if (!stat) return false
  if (stat.isFile()) return true
  const what = stat.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'
  throw new Error(
    `${relative(site, path)} is ${what}; init never writes through one: remove it and run init again`,
  )
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

export function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}
