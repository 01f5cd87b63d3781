// Routes the SDK's fetch into the real Netlify function modules in-process, with their
// configuration in process.env (as on Netlify). The functions' loadConfig caches per distinct set
// of values, so changing process.env between tests takes effect without a reset.
import { vi } from 'vitest'
import login from '../../functions/login.ts'
import type {
  CreateUserAuthProviderOptions,
  FetchLike,
  UserAuthProvider,
} from '../../src/client/index.ts'
import { textileConfig } from '../../src/http/textile-config.ts'
import { clock } from './clock.ts'
import { SECRETS, SITE } from './deployment.ts'
import { it as sdkIt } from './sdk-fixtures.ts'

/** A fetch that calls `functions/login.ts` (both routes), counting calls per route. */
export function functionsFetch() {
  const calls = { challenge: 0, token: 0 }
  const fetch: FetchLike = (url, init) => {
    const request = new Request(url, init)
    const path = new URL(request.url).pathname
    if (path === '/api/challenge') {
      calls.challenge++
      return login(request, {} as never)
    }
    if (path === '/api/token') {
      calls.token++
      return login(request, {} as never)
    }
    return Promise.resolve(new Response('not found', { status: 404 }))
  }
  return { fetch, calls }
}

/** Sets the deployment's variables in process.env (`undefined` deletes one). */
export type SetFunctionEnv = (vars: Record<string, string | undefined>) => void

/** The fixtures of the suites that run the real function modules. */
export interface FunctionsFixtures {
  /**
   * The deployment's variables (the test secrets, `URL` the test site) in process.env for the
   * test, restored after it; the functions' log lines silenced. Set up for every test.
   */
  functionEnv: SetFunctionEnv
  /**
   * A user-auth provider over {@link functionsFetch}, disposed after the test. Its clock is the
   * wall clock's, as the function modules' is (they take no `now`).
   */
  functionsProvider(overrides?: Partial<CreateUserAuthProviderOptions>): {
    provider: UserAuthProvider
    calls: { challenge: number; token: number }
    time: ReturnType<typeof clock>
  }
}

/** `it` with the SDK fixtures and {@link FunctionsFixtures}. */
export const it = sdkIt.extend<FunctionsFixtures>({
  functionEnv: [
    async ({}, use) => {
      const names = [...textileConfig.variables, 'HUB_URL']
      const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
      const set: SetFunctionEnv = (vars) => {
        for (const [name, value] of Object.entries(vars)) {
          if (value === undefined) delete process.env[name]
          else process.env[name] = value
        }
      }
      set(Object.fromEntries(names.map((name) => [name, undefined])))
      set({ ...SECRETS, URL: SITE })
      const spies = (['log', 'warn', 'error'] as const).map((level) =>
        vi.spyOn(console, level).mockImplementation(() => {}),
      )
      await use(set)
      set(saved)
      for (const spy of spies) spy.mockRestore()
    },
    { auto: true },
  ],
  functionsProvider: async ({ userAuthProvider }, use) => {
    await use((overrides = {}) => {
      const { fetch, calls } = functionsFetch()
      const time = clock(new Date())
      const { provider } = userAuthProvider({ fetch, time, ...overrides })
      return { provider, calls, time }
    })
  },
})
