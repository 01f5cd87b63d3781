// The emulator suites' `it`: the `emulator` fixture is the package's hub emulator on a clock of
// its own (at NOW) with one API key issued, started for the test that names it and closed after
// it; a suite sets its options with `it.override({ emulatorOptions })`.
import { test } from 'vitest'
import { startEmulator, type EmulatorOptions, type Emulator } from '../../src/emulator/index.ts'
import { clock, type Clock } from './clock.ts'

/** An emulator a test started, its clock, and the API key it issued. */
export interface KeyedEmulator {
  hub: Emulator
  time: Clock
  key: string
  secret: string
}

/**
 * `it` with the `emulator` fixture.
 *
 * @example
 * describe('GetToken', () => {
 *   it.override({ emulatorOptions: { challengeTimeoutMs: 200 } })
 *   it('answers', async ({ emulator: { hub, key, secret } }) => {})
 * })
 */
export const it = test.extend<{
  emulatorOptions: Omit<EmulatorOptions, 'now'>
  emulator: KeyedEmulator
}>({
  emulatorOptions: {},
  emulator: async ({ emulatorOptions }, use) => {
    const time = clock()
    const hub = await startEmulator({ now: time.now, ...emulatorOptions })
    await use({ hub, time, ...hub.addApiKey() })
    await hub.close()
  },
})
