// The SDK's hub leg beside `@textile/hub` as browsers load it (issue: the generated classes of
// GetToken live on one global `proto`, and `@textile/threads-client`'s ESM build inlines its own
// copy, so whichever loads last broke the other: "Key is required"). In a child process standing
// in for the page (test/helpers/esm-load-order.child.ts), in both load orders, against the hub emulator
// (which runs here, with the npm generated classes): the SDK touches no global, its logins work,
// the ESM build still serialises a GetTokenRequest with its key, and its own getToken works.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator } from '../../../src/emulator/index.ts'
import { SECRETS } from '../../helpers/deployment.ts'
import { startTestEmulator } from '../../helpers/emulator.ts'

const CHILD = fileURLToPath(new URL('../../helpers/esm-load-order.child.ts', import.meta.url))

let emulator: Awaited<ReturnType<typeof startEmulator>>
beforeAll(async () => {
  emulator = await startTestEmulator()
})
afterAll(() => emulator?.close())

function runPage(order: 'sdk-first' | 'esm-first'): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, order, emulator.url], {
      env: {
        ...process.env,
        USER_API_KEY: SECRETS.USER_API_KEY,
        USER_API_SECRET: SECRETS.USER_API_SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(line) as Record<string, unknown>)
      } catch {
        reject(new Error(`child exited ${code}: ${out}${err}`))
      }
    })
  })
}

describe("the SDK's hub leg beside @textile/threads-client's ESM build", () => {
  it('logs in, leaves the global proto alone, and the ESM build still works when the SDK loads first', async () => {
    const page = await runPage('sdk-first')
    expect(page).toMatchObject({
      firstLogin: 'ok',
      protoAfterSdk: 'undefined',
      getToken: 'ok',
      secondLogin: 'ok',
    })
    expect(page.requestBytes).toBeGreaterThanOrEqual(12)
  }, 60_000)

  it('logs in and the ESM build still works when the ESM build loads first', async () => {
    const page = await runPage('esm-first')
    expect(page).toMatchObject({ firstLogin: 'ok', getToken: 'ok', secondLogin: 'ok' })
    expect(page.requestBytes).toBeGreaterThanOrEqual(12)
  }, 60_000)
})
