// The development `.env`: written once with credentials for the local hub emulator, never
// overwritten. Values are generated here, on this machine; none is a shared default.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { parse } from 'dotenv'
import { importSigningKey } from '../core/ed25519.ts'
import { encodeBase32, encodeBase64Url } from '../core/encoding.ts'
import { formatPrivateKey } from '../core/keys.ts'

/** What `npm start` needs from the environment file. */
export interface DevEnv {
  values: Record<string, string>
  created: boolean
}

/** Default port of the local hub emulator. */
export const EMULATOR_PORT = 6007

/**
 * Reads the env file, creating it with fresh emulator credentials when it does not exist.
 *
 * @example
 * const { values, created } = await ensureDevEnv('.env')
 */
export async function ensureDevEnv(path: string): Promise<DevEnv> {
  if (existsSync(path)) return { values: parse(readFileSync(path)), created: false }
  const seed = new Uint8Array(randomBytes(32))
  const host = await importSigningKey(seed)
  const hostKey = formatPrivateKey(seed, host.publicKey)
  const values = {
    USER_API_KEY: 'b' + encodeBase32(randomBytes(16)),
    USER_API_SECRET: 'b' + encodeBase32(randomBytes(24)),
    CHALLENGE_SECRET: encodeBase64Url(randomBytes(32)),
    HUB_ISSUER_KEY: hostKey,
    EMULATOR_HOST_KEY: hostKey,
    HUB_URL: `http://127.0.0.1:${EMULATOR_PORT}`,
  }
  const text = [
    '# Written by `npm start` for the local hub emulator. Never commit this file.',
    '# These credentials only work against the emulator on this machine.',
    '# Hub-challenge mode: delete HUB_ISSUER_KEY (keep EMULATOR_HOST_KEY) and restart.',
    ...Object.entries(values).map(([name, value]) => `${name}=${value}`),
    '',
  ].join('\n')
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
  return { values, created: true }
}
