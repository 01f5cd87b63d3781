// The README's start command, as a new user runs it: fresh env file, emulator + netlify dev,
// "ready" only once the page's script is served (a fresh clone has no site/build), one full login
// over HTTP accepted by the real @textile/hub client, nothing reachable from the network, then
// Ctrl-C and nothing left. A port in use is one line naming the flag that moves it.
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@textile/hub'
import WebSocket from 'isomorphic-ws'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { fetchTransport, login, signerOf } from '../helpers/login.ts'
import { parseEnvText } from '../../src/cli/env-file.ts'
import { ROOT, freePort } from '../helpers/netlify-dev.ts'
import { identity } from '../helpers/identity.ts'

const listening = (port: number, host = '127.0.0.1') =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, host)
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })

/** This machine's addresses other than loopback (and link-local, which needs a scope). */
const networkAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry && !entry.internal && !entry.address.startsWith('fe80:'))
    .map((entry) => entry!.address)

/** `pid` and every process below it (Linux /proc). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>()
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      // The state follows the parenthesised command name, which may hold spaces.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)])
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = [pid]
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []))
  return tree
}

/**
 * The local addresses of the TCP sockets those processes listen on, as /proc/net/tcp{,6} spell
 * them: IPv4 as dotted quads, IPv6 as 32 hex digits in network order.
 */
function listeningAddresses(pids: number[]): string[] {
  const inodes = new Set<string>()
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
        if (match) inodes.add(match[1]!)
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  const addresses: string[] = []
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      if (fields[3] !== '0A' || !inodes.has(fields[9]!)) continue // 0A: LISTEN
      const [hex, port] = fields[1]!.split(':')
      // Each 32-bit word is in host (little-endian) order.
      const bytes = hex!.match(/.{8}/g)!.flatMap((word) => word.match(/../g)!.reverse())
      const address =
        bytes.length === 4 ? bytes.map((byte) => parseInt(byte, 16)).join('.') : bytes.join('')
      addresses.push(`${address} port ${parseInt(port!, 16)}`)
    }
  }
  return addresses
}

/**
 * Runs `command` in the repository as CI does (`CI=true`): the child, all it has printed so far
 * (stdout and stderr), and its exit code once it exits.
 */
function spawnInRepo(command: string, args: string[], options: { detached?: boolean } = {}) {
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
    ...options,
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { child, output: () => output, exited }
}

const LOOPBACK = [/^127\./, /^0{31}1 /, /^0{20}ffff7f/]

describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ttp-start-'))
  const envFile = join(dir, '.env')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('writes .env, serves a login the hub accepts, and stops everything on Ctrl-C', async () => {
    const port = await freePort()
    const emulatorPort = await freePort()
    // As on a fresh clone: no page script yet (issue 23: "ready" came before it was built).
    rmSync(join(ROOT, 'site', 'build'), { recursive: true, force: true })
    const { child, output, exited } = spawnInRepo(
      'npm',
      [
        'start',
        '--',
        '--port',
        String(port),
        '--emulator-port',
        String(emulatorPort),
        '--dotenv',
        envFile,
      ],
      { detached: true },
    )
    try {
      const deadline = Date.now() + 80_000
      while (!output().includes('textile-token-provider is ready')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(output())
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      // At "ready" the page's script and its config are served, built before the line was printed.
      const served = await fetch(`http://localhost:${port}/build/app.js`)
      expect([served.status, served.headers.get('content-type')]).toEqual([
        200,
        expect.stringMatching(/javascript/),
      ])
      const config = await fetch(`http://localhost:${port}/build/config.json`)
      await expect(config.json()).resolves.toMatchObject({
        hubUrl: `http://127.0.0.1:${emulatorPort}`,
      })
      expect(output().indexOf('build-site: config.json')).toBeGreaterThan(-1)
      expect(output().indexOf('build-site: config.json')).toBeLessThan(
        output().indexOf('textile-token-provider is ready'),
      )
      expect(output()).toContain(`Wrote ${envFile}`)
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
        signer: signerOf(identity()),
      })
      expect(redeemed?.status).toBe(200)
      const auth = await redeemed!.json()
      expect(auth.token).toEqual(expect.any(String))

      globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket
      const client = Client.withUserAuth(async () => auth, `http://127.0.0.1:${emulatorPort}`)
      await expect(client.newDB()).resolves.toBeDefined()
      // A clean start: the edge functions load offline too, and no line reads like a failure.
      const lines = output().split('\n')
      expect(lines.filter((line) => /error|fail/i.test(line))).toEqual([])
      // Secrets never reach the console.
      for (const name of ['USER_API_SECRET', 'CHALLENGE_SECRET', 'HUB_ISSUER_KEY']) {
        expect(output()).not.toContain(env[name])
      }
      // Nothing listens beyond this machine: not the site, not the emulator, not any port of
      // netlify dev (its functions server, the Deno edge server).
      for (const address of networkAddresses()) {
        expect([address, await listening(port, address)]).toEqual([address, false])
        expect([address, await listening(emulatorPort, address)]).toEqual([address, false])
      }
      if (existsSync('/proc/net/tcp')) {
        const addresses = listeningAddresses(processTree(child.pid!))
        expect(addresses).toContainEqual(`127.0.0.1 port ${port}`)
        expect(addresses.filter((entry) => !LOOPBACK.some((re) => re.test(entry)))).toEqual([])
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

  /** Runs scripts/start.ts (what `npm start` runs) until it exits; its output, npm's lines aside. */
  async function startUntilExit(args: string[]): Promise<{ code: number | null; lines: string[] }> {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx')
    const { output, exited } = spawnInRepo(tsx, ['scripts/start.ts', ...args])
    const code = await exited
    return {
      code,
      lines: output()
        .split('\n')
        .filter((line) => line.trim() !== ''),
    }
  }

  async function occupy(port: number): Promise<Server> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    return server
  }

  // Issue 23: a busy port was an EADDRINUSE stack (the emulator's) or netlify dev's own error.
  it.each([
    ['--port', 'the site'],
    ['--emulator-port', 'the emulator'],
  ])(
    'says in one line which flag moves %s when %s port is in use',
    async (flag) => {
      const [port, emulatorPort] = [await freePort(), await freePort()]
      const busy = flag === '--port' ? port : emulatorPort
      const server = await occupy(busy)
      onTestFinished(async () => {
        server.close()
      })
      const dotenv = join(dir, `busy${flag}.env`)
      const args = ['--port', `${port}`, '--emulator-port', `${emulatorPort}`, '--dotenv', dotenv]
      const { code, lines } = await startUntilExit(args)
      expect(code).toBe(1)
      expect(lines.filter((line) => !line.startsWith('Wrote '))).toEqual([
        `npm start: port ${busy} is already in use: stop what listens there, or pick another port with ${flag} <port>`,
      ])
    },
    60_000,
  )
})
