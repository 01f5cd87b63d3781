// The command in a hostile site, as a child process under a time and memory bound: a link to /,
// `/dev/zero` behind package.json, netlify.toml and _redirects, FIFOs where files should be, and
// error messages carrying the site's text. Before the fix each of these walked the disk, blocked
// on a FIFO for ever or read /dev/zero until memory ran out; now each ends at once, with a clear
// line. The command is bundled once with esbuild and run on plain Node, watched for its resident
// memory (Linux /proc): `ulimit -v` bounded it once, but Node 22 reserves address space for
// WebAssembly (its bundled undici) and dies under any cap small enough to matter.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/netlify-dev.ts'

// Inside node_modules, so the bundle's own imports (smol-toml, dotenv) resolve.
const work = mkdtempSync(join(ROOT, 'node_modules/.cache-ttp-cli-'))
const bin = join(work, 'bin.mjs')
const dirs: string[] = [work]

beforeAll(async () => {
  await build({
    entryPoints: [join(ROOT, 'src/cli/bin.ts')],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    outfile: bin,
    logLevel: 'error',
  })
})
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Most resident memory the command may reach before it is killed (a correct run needs ~60 MB). */
const MAX_RSS_BYTES = 1024 * 1024 * 1024

/** Resident memory of a process, from /proc; 0 once it is gone. */
function residentBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/**
 * Runs the command in `cwd` for at most 20 s and {@link MAX_RSS_BYTES} of resident memory; a run
 * over either is killed, so its exit code is null and every assertion on its output fails.
 */
function cli(
  cwd: string,
  ...args: string[]
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const watch = setInterval(() => {
      if (child.pid !== undefined && residentBytes(child.pid) > MAX_RSS_BYTES) {
        stderr += `\n[killed: over ${MAX_RSS_BYTES} bytes resident]`
        child.kill('SIGKILL')
      }
    }, 20)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      clearInterval(watch)
      resolve({ code, stdout, stderr })
    })
  })
}

/** A site folder with the given files (path → text). */
function site(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(work, 'site-'))
  for (const [path, text] of Object.entries({ 'package.json': '{"type":"module"}', ...files })) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

const fifo = (path: string) => {
  mkdirSync(join(path, '..'), { recursive: true })
  execFileSync('mkfifo', [path])
}

describe('textile-token-provider init in a hostile site', () => {
  it('lists a functions folder holding a link to / without walking the disk', async () => {
    const dir = site()
    mkdirSync(join(dir, 'netlify/functions'), { recursive: true })
    symlinkSync('/', join(dir, 'netlify/functions/root'))
    const { code, stdout } = await cli(dir, 'init', '--dry-run')
    expect(code).toBe(0)
    expect(stdout).toContain('not checked for these routes:\n  netlify/functions/root')
  }, 30_000)

  it.each(['package.json', 'netlify.toml', '_redirects'])(
    'refuses a %s that links to /dev/zero, reading nothing',
    async (name) => {
      const dir = site()
      rmSync(join(dir, name), { force: true })
      symlinkSync('/dev/zero', join(dir, name))
      const { code, stderr } = await cli(dir, 'init', '--dry-run')
      expect(stderr).toBe(
        `textile-token-provider init: ${name} is a symbolic link that leads outside the site; init reads nothing there\n`,
      )
      expect(code).toBe(2)
    },
    30_000,
  )

  it.each(['package.json', 'netlify.toml', '_redirects', 'dist/_redirects'])(
    'refuses a %s that is a FIFO, without blocking on it',
    async (name) => {
      const dir = site({ 'netlify.toml': '[build]\n  publish = "dist"\n' })
      rmSync(join(dir, name), { force: true })
      fifo(join(dir, name))
      const { code, stderr } = await cli(dir, 'init', '--dry-run')
      expect(stderr).toBe(
        `textile-token-provider init: ${name} is not a regular file; init reads only regular files of at most 1 MiB inside the site\n`,
      )
      expect(code).toBe(2)
    },
    30_000,
  )

  it('skips a function file that is a FIFO, and a .gitignore that is one', async () => {
    const dir = site()
    fifo(join(dir, 'netlify/functions/waits.ts'))
    fifo(join(dir, '.gitignore'))
    const { code, stdout } = await cli(dir, 'init')
    expect(stdout).toContain('not checked for these routes:\n  netlify/functions/waits.ts')
    expect(stdout).toMatch(/kept +\.gitignore  not a regular file/)
    expect(code).toBe(0)
  }, 30_000)

  it('with --gate, skips an edge function that is a FIFO or a link to /, and names both', async () => {
    const dir = site()
    fifo(join(dir, 'netlify/edge-functions/waits.ts'))
    symlinkSync('/', join(dir, 'netlify/edge-functions/root'))
    const { code, stdout } = await cli(dir, 'init', '--gate', '--dry-run')
    expect(stdout).toContain(
      'not checked for these routes:\n  netlify/edge-functions/root, netlify/edge-functions/waits.ts',
    )
    expect(stdout).toMatch(/would be created netlify\/edge-functions\/textile-gate\.ts/)
    expect(code).toBe(0)
  }, 30_000)

  it('prints a netlify.toml that is not TOML as one line naming the file and line, no stack', async () => {
    const dir = site({ 'netlify.toml': '[functions]\n  directory = fns\n' })
    const { code, stderr, stdout } = await cli(dir, 'init')
    expect(stderr).toMatch(
      /^textile-token-provider init: netlify\.toml is not valid TOML: line 2, column \d+: [^\n]+\n$/,
    )
    expect(stdout).toBe('')
    expect(code).toBe(2)
  }, 30_000)

  it('escapes control and bidi characters of the site in an error line', async () => {
    const dir = site({
      'netlify.toml': '[functions]\n  directory = "../\\u202e\\u0085\\u001b[2Kfns"\n',
    })
    const { code, stderr } = await cli(dir, 'init')
    expect(stderr).toContain('\\u202e\\x85\\u001b[2Kfns')
    expect(stderr).not.toMatch(
      /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
    )
    expect(code).toBe(2)
  }, 30_000)
})

describe('textile-token-provider emulator with a hostile env file', () => {
  it.each([
    ['a FIFO', (path: string) => fifo(path)],
    ['a link to /dev/zero', (path: string) => symlinkSync('/dev/zero', path)],
  ])(
    'refuses an env file that is %s',
    async (_name, make) => {
      const dir = site()
      make(join(dir, '.env'))
      const { code, stderr } = await cli(dir, 'emulator', '--port', '0')
      expect(stderr).toBe(
        'textile-token-provider emulator: .env is not a regular file; an env file is a regular file of at most 1 MiB\n',
      )
      expect(code).toBe(2)
    },
    30_000,
  )
})
