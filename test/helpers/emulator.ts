// The hub emulator as the suites run it: on a free port, knowing the test deployment's API key.
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.ts'
import { SECRETS } from './deployment.ts'

/**
 * The emulator on a free port of 127.0.0.1, knowing the test deployment's API key (SECRETS).
 *
 * @example
 * const emulator = await startTestEmulator({ hostKey: SECRETS.HUB_ISSUER_KEY })
 */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    port: 0,
    apiKeys: [{ key: SECRETS.USER_API_KEY, secret: SECRETS.USER_API_SECRET }],
    ...options,
  })
}
