// `.env` files for local development: read (KEY=VALUE lines, as netlify dev and dotenv read them)
// and created once with fresh credentials for the local hub emulator. Values are generated here,
// on this machine; none is a shared default. An existing file is never overwritten.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { importSigningKey } from '../core/ed25519.ts'
import { encodeBase32, encodeBase64Url } from '../core/encoding.ts'
import { formatPrivateKey } from '../core/keys.ts'

/** Default port of the local hub emulator. */
export const EMULATOR_PORT = 6007

/**
 * Parses `.env` text: `KEY=VALUE` lines, `#` comments, optional `export `, single or double quotes.
 *
 * @example
 * parseEnvText('USER_API_KEY=bk44…\n') // { USER_API_KEY: 'bk44…' }
 */
export function parseEnvText(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match) continue
    let value = match[2]!
    const quoted = /^(['"])(.*)\1$/.exec(value)
    if (quoted) value = quoted[2]!
    else value = value.replace(/\s+#.*$/, '')
    values[match[1]!] = value
  }
  return values
}

/** The file's values, or undefined when it does not exist. */
export function readEnvFile(path: string): Record<string, string> | undefined {
  return existsSync(path) ? parseEnvText(readFileSync(path, 'utf8')) : undefined
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
    ...Object.entries(values).map(([name, value]) => `${name}=${value}`),
    '',
  ].join('\n')
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
  return { values, created: true }
}
