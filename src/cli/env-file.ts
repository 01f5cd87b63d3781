// `.env` files for local development: read by dotenv's parser, the one netlify dev reads them with
// (netlify-cli `utils/dot-env.js`, dotenv 17), so the emulator and the functions see the same
// values; and created once with fresh credentials for the local hub emulator, in a form that
// parser reads back exactly. Values are generated here, on this machine; none is a shared default.
// An existing file is never overwritten.
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import dotenv from 'dotenv'
import { importSigningKey } from '../core/ed25519.ts'
import { encodeBase32, encodeBase64Url } from '../core/encoding.ts'
import { formatPrivateKey } from '../core/keys.ts'
import { readRegularFile } from './site-paths.ts'

/** Default port of the local hub emulator. */
export const EMULATOR_PORT = 6007

/**
 * Parses `.env` text as netlify dev does (dotenv): `#` starts a comment anywhere outside quotes,
 * double quotes expand `\n` and `\r`, quoted values may span lines, `export ` is allowed.
 *
 * @example
 * parseEnvText('USER_API_KEY=bk44…\n') // { USER_API_KEY: 'bk44…' }
 */
export function parseEnvText(text: string): Record<string, string> {
  return dotenv.parse(text)
}

/**
 * The file's values, or undefined when it does not exist.
 *
 * @throws `Error` for a file that is not a regular file or is larger than 1 MiB.
 */
export function readEnvFile(path: string): Record<string, string> | undefined {
  // A link is fine here (the developer's own file), a FIFO or a device is not.
  const read = readRegularFile(path, { follow: true })
  if (read === undefined) return undefined
  if ('text' in read) return parseEnvText(read.text)
  throw new Error(`${path} is ${read.unread}; an env file is a regular file of at most 1 MiB`)
}

/**
 * One `NAME=value` line that {@link parseEnvText} reads back as exactly `value`: bare when the
 * value has nothing dotenv treats specially, else in single quotes (dotenv keeps their content
 * as it is).
 *
 * @throws `TypeError` for a name that is not a variable name, or a value no dotenv line holds
 *   exactly as this function writes it (a `'`, a carriage return, surrounding spaces).
 * @example
 * formatEnvLine('HUB_URL', 'http://127.0.0.1:6007') // 'HUB_URL=http://127.0.0.1:6007'
 */
export function formatEnvLine(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`not a variable name: ${name}`)
  if (/^[A-Za-z0-9_./:@+=,-]*$/.test(value)) return `${name}=${value}`
  if (!value.includes("'") && !value.includes('\r') && value.trim() === value) {
    return `${name}='${value}'`
  }
  throw new TypeError(`${name}: this value cannot be written to a .env file exactly`)
}

/**
 * Fresh development credentials: a user-group key and secret, a challenge secret, and a hub host
 * key that both the emulator (EMULATOR_HOST_KEY) and the functions (HUB_ISSUER_KEY) use.
 *
 * @example
 * const values = await freshDevCredentials(6007)
 */
export async function freshDevCredentials(port = EMULATOR_PORT): Promise<Record<string, string>> {
  const seed = new Uint8Array(randomBytes(32))
  const host = await importSigningKey(seed)
  const hostKey = formatPrivateKey(seed, host.publicKey)
  seed.fill(0)
  return {
    USER_API_KEY: 'b' + encodeBase32(randomBytes(16)),
    USER_API_SECRET: 'b' + encodeBase32(randomBytes(24)),
    CHALLENGE_SECRET: encodeBase64Url(randomBytes(32)),
    HUB_ISSUER_KEY: hostKey,
    EMULATOR_HOST_KEY: hostKey,
    HUB_URL: `http://127.0.0.1:${port}`,
  }
}

/** The result of {@link ensureDevEnv}. */
export interface DevEnv {
  values: Record<string, string>
  created: boolean
}

/**
 * Reads the env file, creating it (mode 0600, never overwriting) with fresh emulator credentials
 * when it does not exist.
 *
 * @example
 * const { values, created } = await ensureDevEnv('.env')
 */
export async function ensureDevEnv(path: string, port = EMULATOR_PORT): Promise<DevEnv> {
  const existing = readEnvFile(path)
  if (existing) return { values: existing, created: false }
  const values = await freshDevCredentials(port)
  const text = [
    '# Written by textile-token-provider for the local hub emulator. Never commit this file.',
    '# These credentials only work against the emulator on this machine.',
    '# Hub-challenge mode: delete HUB_ISSUER_KEY (keep EMULATOR_HOST_KEY) and restart.',
    ...Object.entries(values).map(([name, value]) => formatEnvLine(name, value)),
    '',
  ].join('\n')
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
  return { values, created: true }
}
