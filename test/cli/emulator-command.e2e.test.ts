// `textile-token-provider emulator` with secrets in its environment: it runs on them, and its
// output names them without printing them (a terminal is logged, screen-shared, pasted).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { runEmulatorCommand } from '../../src/cli/emulator-command.ts'
import { freshDevCredentials, readEnvFile } from '../../src/cli/env-file.ts'
import { formatPublicKey, parsePrivateKey } from '../../src/core/keys.ts'
import { importSigningKey } from '../../src/core/ed25519.ts'
import { tempFolder } from '../helpers/temp-folder.ts'

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

async function publicKeyOf(privateKey: string): Promise<string> {
  const { seed } = parsePrivateKey(privateKey)!
  return formatPublicKey((await importSigningKey(seed)).publicKey)
}

/** Runs the command on port 0 with `env` set, and returns what it printed. */
async function run(env: Record<string, string>, envFileText?: string, extra: string[] = []) {
  const dir = tempFolder({}, 'ttp-emulator-')
  const envFile = join(dir, '.env')
  if (envFileText !== undefined) writeFileSync(envFile, envFileText)
  for (const name of ['USER_API_KEY', 'USER_API_SECRET', 'HUB_ISSUER_KEY', 'EMULATOR_HOST_KEY']) {
    vi.stubEnv(name, env[name] ?? '')
  }
  const lines: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(String(line)))
  const hub = await runEmulatorCommand(['--port', '0', '--dotenv', envFile, ...extra])
  onTestFinished(() => hub.close())
  return { hub, envFile, output: lines.join('\n') }
}

describe('textile-token-provider emulator', () => {
  it('never prints USER_API_SECRET or HUB_ISSUER_KEY from the environment, and says it adopted the issuer key', async () => {
    const values = await freshDevCredentials()
    const env = {
      USER_API_KEY: values.USER_API_KEY!,
      USER_API_SECRET: values.USER_API_SECRET!,
      HUB_ISSUER_KEY: values.HUB_ISSUER_KEY!,
    }
    const { hub, output } = await run(env)
    expect(output).not.toContain(env.USER_API_SECRET)
    expect(output).not.toContain(env.HUB_ISSUER_KEY)
    // It does run on them: the issuer key is its host key.
    expect(hub.hostKey).toBe(env.HUB_ISSUER_KEY)
    expect(output).toContain(`host public key: ${await publicKeyOf(env.HUB_ISSUER_KEY)}`)
    expect(output).toMatch(/host key: HUB_ISSUER_KEY from the environment \(adopted/)
    expect(output).toContain('# USER_API_SECRET: USER_API_SECRET from the environment (not shown)')
    expect(output).toContain('# HUB_ISSUER_KEY: HUB_ISSUER_KEY from the environment (not shown)')
    expect(output).toContain(`HUB_URL=${hub.url}`)
  })

  it('never prints a host key taken from EMULATOR_HOST_KEY in the env file', async () => {
    const values = await freshDevCredentials()
    const { hub, output } = await run({}, `EMULATOR_HOST_KEY=${values.EMULATOR_HOST_KEY}\n`)
    expect(hub.hostKey).toBe(values.EMULATOR_HOST_KEY)
    expect(output).not.toContain(values.EMULATOR_HOST_KEY)
    expect(output).toMatch(/host key: EMULATOR_HOST_KEY from .*\.env$/m)
    // The API key it generated is printed in full: nobody else has it.
    const generated = /^USER_API_SECRET=(b[a-z2-7]+)$/m.exec(output)
    expect(generated).not.toBeNull()
  })

  it('prints everything it generated when nothing is set', async () => {
    const { hub, output } = await run({})
    expect(output).toContain(`HUB_ISSUER_KEY=${hub.hostKey}`)
    expect(output).toContain(`EMULATOR_HOST_KEY=${hub.hostKey}`)
    expect(output).toMatch(/^USER_API_KEY=b[a-z2-7]+$/m)
    expect(output).not.toContain('not shown')
  })

  it('--write-env runs on the env file it wrote, and on one that was there', async () => {
    const first = await run({}, undefined, ['--write-env'])
    const written = readEnvFile(first.envFile)!
    expect(first.hub.hostKey).toBe(written.EMULATOR_HOST_KEY)
    expect(first.output).toContain('with fresh credentials for this emulator')
    expect(first.output).toContain('Using the keys in')
    const values = await freshDevCredentials()
    const second = await run({}, `EMULATOR_HOST_KEY=${values.EMULATOR_HOST_KEY}\n`, ['--write-env'])
    expect(second.hub.hostKey).toBe(values.EMULATOR_HOST_KEY)
    expect(second.output).not.toContain('with fresh credentials')
  })

  it.each([
    ['a comment right after the value', (key: string) => `EMULATOR_HOST_KEY=${key}#mine\n`],
    ['a quoted value and a comment', (key: string) => `EMULATOR_HOST_KEY="${key}" # mine\n`],
    ['export and CRLF', (key: string) => `export EMULATOR_HOST_KEY=${key}\r\nX=1\r\n`],
  ])('reads the env file as netlify dev does: %s', async (_name, line) => {
    const values = await freshDevCredentials()
    const { hub } = await run({}, line(values.EMULATOR_HOST_KEY!))
    expect(hub.hostKey).toBe(values.EMULATOR_HOST_KEY)
  })
})
