// What `textile-token-provider emulator` prints: values it generated, names of the ones it found.
import { describe, expect, it } from 'vitest'
import { emulatorBanner, type EmulatorBannerInput } from '../../src/cli/emulator-command.ts'

const base: EmulatorBannerInput = {
  url: 'http://127.0.0.1:6007',
  hostPublicKey: 'bbaareipublic',
  envFile: '.env',
  created: false,
  usesFile: false,
  apiKey: 'bgeneratedkey',
  apiSecret: 'bgeneratedsecret',
  hostKey: 'bbaareqgeneratedhostkey',
}

describe('emulatorBanner()', () => {
  it('prints every value it generated, as .env lines', () => {
    const text = emulatorBanner(base).join('\n')
    expect(text).toContain('USER_API_KEY=bgeneratedkey\nUSER_API_SECRET=bgeneratedsecret\n')
    expect(text).toContain('HUB_ISSUER_KEY=bbaareqgeneratedhostkey\n')
    expect(text).toContain('EMULATOR_HOST_KEY=bbaareqgeneratedhostkey\n')
    expect(text).not.toContain('host key:')
  })

  it('names adopted values with where they came from, and says it adopted HUB_ISSUER_KEY', () => {
    const lines = emulatorBanner({
      ...base,
      envFile: 'dev.env',
      apiKey: { name: 'USER_API_KEY', origin: 'environment' },
      apiSecret: { name: 'USER_API_SECRET', origin: 'environment' },
      hostKey: { name: 'HUB_ISSUER_KEY', origin: 'file' },
    })
    expect(lines).toContain(
      "host key: HUB_ISSUER_KEY from dev.env (adopted as the emulator's host key: tokens the functions mint verify here)",
    )
    expect(lines).toContain('# USER_API_SECRET: USER_API_SECRET from the environment (not shown)')
    expect(lines).toContain('# EMULATOR_HOST_KEY: HUB_ISSUER_KEY from dev.env (not shown)')
    expect(lines.filter((line) => /^[A-Z_]+=/.test(line))).toEqual([
      'HUB_URL=http://127.0.0.1:6007',
    ])
  })

  it('points at the env file instead of repeating it when its keys are in use', () => {
    const lines = emulatorBanner({
      ...base,
      usesFile: true,
      created: true,
      apiKey: { name: 'USER_API_KEY', origin: 'file' },
      apiSecret: { name: 'USER_API_SECRET', origin: 'file' },
      hostKey: { name: 'EMULATOR_HOST_KEY', origin: 'file' },
    })
    expect(lines).toContain('Wrote .env with fresh credentials for this emulator.')
    expect(lines).toContain('Using the keys in .env; netlify dev reads the same file.')
    expect(lines).toContain('host key: EMULATOR_HOST_KEY from .env')
    expect(lines.filter((line) => line.includes('='))).toEqual([])
  })
})
