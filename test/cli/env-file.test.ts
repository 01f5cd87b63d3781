// `.env` read as the tools around it read it: the reader agrees with netlify dev's own loader
// (netlify-cli `utils/dot-env.js`) on every case, and what the package writes reads back exactly.
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
// netlify dev's own loader, as netlify-cli 27 ships it.
import { tryLoadDotEnvFiles } from 'netlify-cli/dist/utils/dot-env.js'
import { describe, expect, it } from 'vitest'
import {
  ensureDevEnv,
  formatEnvLine,
  freshDevCredentials,
  parseEnvText,
  readEnvFile,
} from '../../src/cli/env-file.ts'
import { tempFolder } from '../helpers/temp-folder.ts'

const folder = () => tempFolder({}, 'ttp-env-')

/** What netlify dev reads from `text` as the project's `.env`. */
async function netlifyDevReads(text: string): Promise<Record<string, string>> {
  const dir = folder()
  writeFileSync(join(dir, '.env'), text)
  const [loaded] = (await tryLoadDotEnvFiles({ projectDir: dir, dotenvFiles: ['.env'] })) as {
    env: Record<string, string>
  }[]
  return loaded!.env
}

const CASES: [string, string, Record<string, string>][] = [
  ['a # right after the value', 'D=a#b\n', { D: 'a' }],
  ['a # after a space', 'E=a #b\n', { E: 'a' }],
  ['a # inside double quotes', 'F="a#b"\n', { F: 'a#b' }],
  ['a comment after a quoted value', 'G="a" # the value\n', { G: 'a' }],
  ['an escaped newline in double quotes', 'H="a\\nb"\n', { H: 'a\nb' }],
  ['an escaped newline in single quotes (kept)', "I='a\\nb'\n", { I: 'a\\nb' }],
  ['a multi-line value', 'J="line 1\nline 2"\nK=k\n', { J: 'line 1\nline 2', K: 'k' }],
  ['the export prefix', 'export L=v\n', { L: 'v' }],
  ['CRLF line endings', 'M=v\r\nN="x y"\r\n', { M: 'v', N: 'x y' }],
  ['backquotes', 'O=`a#b`\n', { O: 'a#b' }],
  ['a comment line and an empty value', '# note\nP=\n', { P: '' }],
]

describe('parseEnvText()', () => {
  it.each(CASES)('reads %s as netlify dev does', async (_name, text, values) => {
    expect(parseEnvText(text)).toEqual(values)
    expect(await netlifyDevReads(text)).toEqual(values)
  })

  it('reads a whole file of these cases as netlify dev does', async () => {
    const text = CASES.map(([, line]) => line).join('')
    expect(parseEnvText(text)).toEqual(await netlifyDevReads(text))
  })
})

describe('formatEnvLine()', () => {
  it('writes every value it accepts so that netlify dev reads it back exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        let line: string
        try {
          line = formatEnvLine('VALUE', value)
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError)
          // Refused only what single quotes cannot hold exactly: a ', a CR, surrounding spaces.
          expect(/['\r]/.test(value) || value.trim() !== value, JSON.stringify(value)).toBe(true)
          return
        }
        expect(parseEnvText(`${line}\n`)).toEqual({ VALUE: value })
      }),
      { numRuns: 500 },
    )
  })

  it.each([
    ['a key', 'bk44oyfuzqnvd6mlhbhyyjvq5qai', 'X=bk44oyfuzqnvd6mlhbhyyjvq5qai'],
    ['a URL', 'http://127.0.0.1:6007', 'X=http://127.0.0.1:6007'],
    ['a # and spaces', 'a #b c', "X='a #b c'"],
    ['a newline', 'a\nb', "X='a\nb'"],
  ])('writes %s as %j', (_name, value, line) => {
    expect(formatEnvLine('X', value)).toBe(line)
  })

  it('refuses what no .env line holds exactly, and names that are not variable names', () => {
    expect(() => formatEnvLine('X', 'it\'s "quoted" `all`')).toThrow(TypeError)
    expect(() => formatEnvLine('X', 'a\rb')).toThrow(TypeError)
    expect(() => formatEnvLine('X=Y', 'v')).toThrow(TypeError)
  })
})

describe('ensureDevEnv()', () => {
  it('creates the file once, mode 0600, with values that read back exactly', async () => {
    const path = join(folder(), '.env')
    const { values, created } = await ensureDevEnv(path, 6123)
    expect(created).toBe(true)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readEnvFile(path)).toEqual(values)
    expect(await netlifyDevReads(readFileSync(path, 'utf8'))).toEqual(values)
    expect(values.HUB_URL).toBe('http://127.0.0.1:6123')
  })

  it('never overwrites an existing file', async () => {
    const path = join(folder(), '.env')
    writeFileSync(path, 'USER_API_KEY="mine" # my key\n')
    const { values, created } = await ensureDevEnv(path)
    expect(created).toBe(false)
    expect(values).toEqual({ USER_API_KEY: 'mine' })
    expect(readFileSync(path, 'utf8')).toBe('USER_API_KEY="mine" # my key\n')
  })

  it('writes fresh credentials in a form that needs no quotes', async () => {
    for (const [name, value] of Object.entries(await freshDevCredentials())) {
      expect(formatEnvLine(name, value)).toBe(`${name}=${value}`)
    }
  })
})
