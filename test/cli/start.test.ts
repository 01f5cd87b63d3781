// The README's start command, as a new user runs it: fresh env file, emulator + netlify dev,
// one full login over HTTP accepted by the real @textile/hub client, then Ctrl-C and nothing left.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, PrivateKey } from '@textile/hub'
import WebSocket from 'isomorphic-ws'
import { afterAll, describe, expect, it } from 'vitest'
import { fetchTransport, login, signerOf } from '../helpers/login.ts'
import { parseEnvText } from '../../src/cli/env-file.ts'
import { ROOT, freePort } from '../helpers/netlify-dev.ts'

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-start-'))
  const envFile = join(dir, '.env')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes .env, serves a login the hub accepts, and stops everything on Ctrl-C', async () => {
    const port = await freePort()
    const emulatorPort = await freePort()
    const child = spawn(
      'npm',
      [
        'start',
        '--',
        '--port',
        String(port),
        '--emulator-port',
        String(emulatorPort),
        '--env-file',
        envFile,
      ],
      {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CI: 'true' },
      },
    )
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const deadline = Date.now() + 80_000
      while (!output.includes('textile-token-provider is ready')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(output)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(output).toContain(`Wrote ${envFile}`)
      const env = parseEnvText(readFileSync(envFile, 'utf8'))
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining([
          'USER_API_KEY',
          'USER_API_SECRET',
          'CHALLENGE_SECRET',
          'HUB_ISSUER_KEY',
        ]),
      )

      const { redeemed } = await login({
        transport: fetchTransport(`http://localhost:${port}`),
        signer: signerOf(PrivateKey.fromRandom()),
      })
      expect(redeemed?.status).toBe(200)
      const auth = await redeemed!.json()
      expect(auth.token).toEqual(expect.any(String))

      globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket
      const client = Client.withUserAuth(async () => auth, `http://127.0.0.1:${emulatorPort}`)
      await expect(client.newDB()).resolves.toBeDefined()
      // A clean start: the edge functions load offline too, and no line reads like a failure.
      const lines = output.split('\n')
      expect(lines.filter((line) => /error|fail/i.test(line))).toEqual([])
      // Secrets never reach the console.
      for (const name of ['USER_API_SECRET', 'CHALLENGE_SECRET', 'HUB_ISSUER_KEY']) {
        expect(output).not.toContain(env[name])
      }
    } finally {
      process.kill(-child.pid!, 'SIGINT')
      await exited
    }
    // Nothing left: both ports closed and no process of either group.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await listening(port)).toBe(false)
    expect(await listening(emulatorPort)).toBe(false)
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    expect(processes).not.toContain(envFile)
    expect(processes).not.toContain(`--port ${port}`)
  }, 120_000)
})
