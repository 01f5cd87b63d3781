// Routes the SDK's fetch into the real Netlify function modules in-process, with their
// configuration in process.env (as on Netlify). The functions' loadConfig caches per distinct set
// of values, so changing process.env between tests takes effect without a reset.
import { afterEach, beforeEach, vi } from 'vitest'
import login from '../../functions/login.ts'
import type { FetchLike } from '../../src/client/index.ts'
import { textileConfig } from '../../src/http/textile-config.ts'
import { SECRETS } from '../helpers/fixtures.ts'

/** The site the functions answer for; the SDK's endpoint in these tests. */
export const SITE = 'https://site.example'
export const ENDPOINT = `${SITE}/api`

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

/**
 * Sets the deployment's variables for each test of the calling file and restores process.env
 * after it; also silences the functions' request log lines. Returns a setter for one test.
 */
export function useFunctionEnv(base: Record<string, string | undefined>) {
  const names = [...textileConfig.variables, 'HUB_URL']
  let saved: Record<string, string | undefined> = {}
  const set = (vars: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(vars)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  beforeEach(() => {
    saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
    set(Object.fromEntries(names.map((name) => [name, undefined])))
    set({ ...SECRETS, URL: SITE, ...base })
    vi.spyOn(console, 'log').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
  })
  afterEach(() => {
    set(saved)
    vi.restoreAllMocks()
  })
  return set
}
