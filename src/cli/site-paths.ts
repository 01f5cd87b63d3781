// Where init may read and write in a site it does not trust: a cloned repository chooses its
// netlify.toml, its symbolic links and its special files. Folders from netlify.toml must lead
// inside the site (links resolved); a file init reads is a regular file inside the site of at
// most 1 MiB, opened without blocking (a FIFO or /dev/zero is refused, never read); the functions
// folder is listed by hand, one level and Netlify's `<name>/<name>.<ext>` or `<name>/index.<ext>`
// entries, never through a link and never past a bound; a file init would write must be absent or
// a regular file, never a link.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  opendirSync,
  readSync,
  realpathSync,
  type Stats,
} from 'node:fs'
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'

/** Where functions go when netlify.toml names no folder (Netlify's default, below the base). */
export const DEFAULT_FUNCTIONS_DIR = 'netlify/functions'
/** Where edge functions go when netlify.toml names no folder (Netlify's default, below the base). */
export const DEFAULT_EDGE_FUNCTIONS_DIR = 'netlify/edge-functions'
/** The most init reads of any one file. */
const MAX_FILE_BYTES = 1024 * 1024
/** The most entries init lists in the functions folder before it stops with an error. */
export const MAX_FOLDER_ENTRIES = 5_000

// Not on Windows: there, 0 (no flag) keeps the same calls working.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0
const O_NONBLOCK = constants.O_NONBLOCK ?? 0

/**
 * A folder that netlify.toml names, resolved as Netlify resolves it: relative to `from` (the
 * base), a leading `/` meaning that folder too (@netlify/config `resolvePath`). It must lead
 * inside the site, links resolved; `what` names it in the error, `advice` ends it.
 *
 * @throws `Error` naming the setting when the folder leads outside the site.
 */
export function folderInside(
  site: string,
  from: string,
  value: string,
  what: string,
  advice = 'init reads and writes only inside it',
): string {
  const folder = resolve(from, value.replace(/^\/+/, ''))
  const real = realPathOf(folder)
  if (real === undefined || !isInside(realpathSync(site), real)) {
    throw new Error(`${what} leads outside the site; ${advice}`)
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

/** Whether `child` is `parent` or below it (paths as given: resolve links first where they matter). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child)
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..')
}

/** The link's own stats at `path` (never followed), undefined when nothing is there. */
export function lstat(path: string): Stats | undefined {
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

/** Why a file was not read. */
export type Unread = 'a symbolic link' | 'not a regular file' | 'larger than 1 MiB'

/**
 * The text of the regular file at `path` (through a link at its last step only with `follow`),
 * at most 1 MiB; undefined when nothing is there, else why it was not read. A FIFO or a device
 * is opened without blocking and refused before any byte is read.
 */
export function readRegularFile(
  path: string,
  { follow = false }: { follow?: boolean } = {},
): { text: string } | { unread: Unread } | undefined {
  const limit = MAX_FILE_BYTES
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    if (code === 'ELOOP') return { unread: 'a symbolic link' }
    throw error
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) return { unread: 'not a regular file' }
    if (stat.size > limit) return { unread: 'larger than 1 MiB' }
    // The size can change under us: read at most one byte past the limit, whatever fstat said.
    const buffer = Buffer.alloc(Math.min(stat.size, limit) + 1)
    let total = 0
    for (let n = -1; n !== 0 && total < buffer.length; total += n) {
      n = readSync(fd, buffer, total, buffer.length - total, null)
    }
    if (total > limit) return { unread: 'larger than 1 MiB' }
    return { text: buffer.toString('utf8', 0, total) }
  } finally {
    closeSync(fd)
  }
}

/**
 * The text of a file the site names (package.json, netlify.toml, _redirects, .gitignore):
 * undefined when absent. A link is followed only to a regular file inside the site.
 *
 * @throws `Error` with a one-line message for a link that leads outside the site or nowhere, a
 *   FIFO, a device or a file larger than 1 MiB.
 */
export function readSiteFile(path: string, site: string): string | undefined {
  const name = relative(site, path)
  let target = path
  if (lstat(path)?.isSymbolicLink()) {
    let real: string
    try {
      real = realpathSync(path)
    } catch {
      throw new Error(`${name} is a symbolic link that leads nowhere; init reads no such file`)
    }
    if (!isInside(realpathSync(site), real)) {
      throw new Error(
        `${name} is a symbolic link that leads outside the site; init reads nothing there`,
      )
    }
    target = real
  }
  const read = readRegularFile(target)
  if (read === undefined || 'text' in read) return read?.text
  throw new Error(
    `${name} is ${read.unread}; init reads only regular files of at most 1 MiB inside the site`,
  )
}

/** A JSON file the site names, undefined when absent or not JSON (see {@link readSiteFile}). */
export function readSiteJson(path: string, site: string): Record<string, unknown> | undefined {
  const text = readSiteFile(path, site)
  try {
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>)
  } catch {
    return undefined
  }
}

// The function file extensions Netlify looks for, in the order it picks a folder's entry
// (zip-it-and-ship-it `runtimes/node/finder.js`; .zip is an archive: nothing to read).
const FUNCTION_EXTENSIONS = ['.js', '.ts', '.mjs', '.cjs', '.tsx', '.mts', '.cts']

/** What {@link listFunctionsFolder} found. */
export interface FunctionsFolder {
  /** Every name at the top of the folder, of any kind. */
  names: string[]
  /** The function entry files: regular files, Netlify's layout. */
  entries: string[]
  /** Entries not read: links (never followed) and anything but a regular file or folder. */
  unread: string[]
}

/**
 * The functions in a folder as Netlify finds them: `<name>.<ext>` at the top, or
 * `<name>/<name>.<ext>` / `<name>/index.<ext>` (node_modules skipped). It never follows a link,
 * goes no deeper than that, and stops with an error past {@link MAX_FOLDER_ENTRIES} entries.
 *
 * @throws `Error` when the folder holds too many entries or is not a folder.
 */
export function listFunctionsFolder(folder: string, site: string): FunctionsFolder {
  const found: FunctionsFolder = { names: [], entries: [], unread: [] }
  const stat = lstat(folder)
  if (stat === undefined) return found
  let dir
  try {
    dir = opendirSync(folder)
  } catch {
    throw new Error(`${relative(site, folder)} is not a folder; init writes functions into one`)
  }
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
      if (found.names.length === MAX_FOLDER_ENTRIES) {
        throw new Error(
          `${relative(site, folder)} holds more than ${MAX_FOLDER_ENTRIES} entries; init ` +
            'checks each function for its routes and stops here (use --functions-dir)',
        )
      }
      found.names.push(entry.name)
      const path = join(folder, entry.name)
      if (entry.name === 'node_modules') continue
      if (entry.isFile()) {
        if (FUNCTION_EXTENSIONS.includes(extname(entry.name))) found.entries.push(path)
      } else if (entry.isDirectory()) {
        const main = mainFile(path)
        if (main?.kind === 'file') found.entries.push(main.path)
        else if (main?.kind === 'unread') found.unread.push(main.path)
      } else {
        found.unread.push(path)
      }
    }
  } finally {
    dir.closeSync()
  }
  found.names.sort()
  found.entries.sort()
  found.unread.sort()
  return found
}

// A function folder's entry, in Netlify's order: `<name>.js`, `index.js`, `<name>.ts`, ….
function mainFile(folder: string): { kind: 'file' | 'unread'; path: string } | undefined {
  const name = basename(folder)
  for (const ext of FUNCTION_EXTENSIONS) {
    for (const candidate of [`${name}${ext}`, `index${ext}`]) {
      const path = join(folder, candidate)
      const stat = lstat(path)
      if (stat?.isFile()) return { kind: 'file', path }
      if (stat) return { kind: 'unread', path }
    }
  }
  return undefined
}
