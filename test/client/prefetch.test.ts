// Envelope prefetch: shortly before a refresh is due the provider fetches the next
// envelope in the background, so the refresh itself waits for `/token` only. Requests are counted,
// never timed. Fake timers drive the prefetch timer; the provider's clock moves with them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createJwtProvider, createUserAuthProvider } from '../../src/client/index.ts'
import { clock, NOW } from '../helpers/clock.ts'
import { ENDPOINT } from '../helpers/deployment.ts'
import { fakeServer, problem, type FakeServerOptions } from '../helpers/fake-server.ts'
import { identity } from '../helpers/identity.ts'
// API signatures live 600 s: refresh due at 570 s (30 s margin), prefetch at 565 s (5 s lead).
const PREFETCH_AT = 565_000
const REFRESH_AT = 570_000

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})
afterEach(() => {
  vi.useRealTimers()
  delete (globalThis as { document?: unknown }).document
})

/** Lets fetches and their body reads finish (real I/O turns, timers stay fake). */
async function settle() {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve))
}

/** A provider over a fake server whose clock and timers move together. */
function setup(
  options: {
    prefetch?: boolean | 'eager'
    server?: FakeServerOptions
    jwt?: boolean
    signal?: AbortSignal
  } = {},
) {
  const time = clock()
  const id = identity()
  const signed: string[] = []
  const signer = {
    public: id.public,
    sign: (bytes: Uint8Array) => (signed.push(new TextDecoder().decode(bytes)), id.sign(bytes)),
  }
  const server = fakeServer({ issuer: true, now: time.now, ...options.server })
  const common = {
    endpoint: ENDPOINT,
    identity: signer,
    fetch: server.fetch,
    now: time.now,
    ...(options.prefetch === undefined ? {} : { prefetch: options.prefetch }),
    ...(options.signal && { signal: options.signal }),
  }
  const provider = options.jwt ? createJwtProvider(common) : createUserAuthProvider(common)
  const paths = () => server.state.bodies.map((b) => b.path.replace('/api/', ''))
  return {
    time,
    /** The envelopes the server issued, in order. */
    issued: () => [...server.state.issued.keys()],
    provider: provider as () => Promise<unknown>,
    dispose: () => provider.dispose(),
    server,
    signed,
    paths,
    /** Moves the clock and the fake timers by `ms`, then lets requests finish. */
    async advance(ms: number) {
      time.advance(ms)
      await vi.advanceTimersByTimeAsync(ms)
      await settle()
    },
    /** Requests made while `provider()` ran. */
    async requestsDuringCall() {
      const before = server.state.bodies.length
      await provider()
      return paths().slice(before)
    },
  }
}

/** A page whose visibility the test controls. */
function installPage(state: 'visible' | 'hidden') {
  const page = Object.assign(new EventTarget(), { visibilityState: state })
  Object.defineProperty(globalThis, 'document', { value: page, configurable: true, writable: true })
  return {
    show() {
      page.visibilityState = 'visible'
      page.dispatchEvent(new Event('visibilitychange'))
    },
    hide() {
      page.visibilityState = 'hidden'
      page.dispatchEvent(new Event('visibilitychange'))
    },
  }
}

describe('createUserAuthProvider() prefetch', () => {
  it('fetches the next envelope before the refresh, so the refresh posts only /token', async () => {
    const t = setup()
    await t.provider()
    expect(t.paths()).toEqual(['challenge', 'token'])
    await t.advance(PREFETCH_AT - 1)
    expect(t.paths()).toHaveLength(2)
    await t.advance(1)
    expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
    await t.advance(REFRESH_AT - PREFETCH_AT)
    expect(await t.requestsDuringCall()).toEqual(['token'])
    // The refresh signed the prefetched envelope, and nothing was signed before it was needed.
    expect(t.issued()).toHaveLength(2)
    expect(t.signed).toEqual(t.issued())
    expect(t.server.state.bodies[3]!.body.envelope).toBe(t.issued()[1])
  })

  it('posts challenge and token on the refresh when prefetch is false', async () => {
    const t = setup({ prefetch: false })
    await t.provider()
    await t.advance(REFRESH_AT)
    expect(t.paths()).toHaveLength(2)
    expect(await t.requestsDuringCall()).toEqual(['challenge', 'token'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('starts the prefetch when a call comes within the lead time, even before its timer', async () => {
    const t = setup()
    await t.provider()
    // Only the clock moves, as when a background tab's timers are throttled: the call notices.
    t.time.advance(PREFETCH_AT - 1)
    await t.provider()
    await settle()
    expect(t.paths()).toHaveLength(2)
    t.time.advance(1)
    await t.provider() // answered from the cache; the prefetch runs in the background
    await settle()
    expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
    t.time.advance(REFRESH_AT - PREFETCH_AT)
    expect(await t.requestsDuringCall()).toEqual(['token'])
  })

  it('signs a prefetched envelope until shortly before it expires, then fetches a fresh one', async () => {
    // Envelopes live 60 s: usable for 60 - 1 (whole-second iat) - 10 (safety) = 49 s after the fetch.
    for (const [wait, expected] of [
      [48_999, ['token']],
      [49_000, ['challenge', 'token']],
    ] as const) {
      const t = setup()
      await t.provider()
      await t.advance(PREFETCH_AT)
      expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
      const prefetched = t.issued()[1]
      await t.advance(wait)
      expect(await t.requestsDuringCall()).toEqual(expected)
      expect(t.signed).toHaveLength(2)
      if (expected.length === 1) expect(t.signed[1]).toBe(prefetched)
      else expect(t.signed).not.toContain(prefetched)
    }
  })

  it('judges a prefetched envelope by its own lifetime, not by a skewed server clock', async () => {
    // The server's clock is 50 s behind: its expiresAt says the envelope ends 10 s after the
    // prefetch; its claims say it lives 60 s. Credentials: 550 s left on the server's clock, which
    // the SDK reads as 599 s on its own (the 50 s of skew, less the second `iat` cannot resolve):
    // refresh at 569 s, prefetch at 564 s.
    let t: ReturnType<typeof setup>
    t = setup({ server: { now: () => new Date(t.time.now().getTime() - 50_000) } })
    await t.provider()
    await t.advance(564_000)
    expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
    await t.advance(20_000)
    expect(await t.requestsDuringCall()).toEqual(['token'])
  })

  it('falls back to a fresh challenge when the prefetch failed', async () => {
    for (const failure of [
      'throw' as const,
      { status: 503, body: 'busy', type: 'text/plain' },
      { body: { envelope: 'not an envelope', expiresAt: NOW.toISOString() } },
    ]) {
      const t = setup({ server: { script: { challenge: ['pass', failure] } } })
      await t.provider()
      await t.advance(PREFETCH_AT)
      expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
      await t.advance(REFRESH_AT - PREFETCH_AT)
      expect(await t.requestsDuringCall()).toEqual(['challenge', 'token'])
      expect(t.signed).toHaveLength(2)
      expect(t.signed).not.toContain('not an envelope')
    }
  })

  it.each(['envelope_expired', 'invalid_envelope'])(
    'retries once with a fresh challenge when /token refuses a prefetched envelope with %s',
    async (code) => {
      const refused = { status: 401, type: 'application/problem+json', body: problem(code, 401) }
      const t = setup({ server: { script: { token: ['pass', refused] } } })
      await t.provider()
      await t.advance(REFRESH_AT)
      expect(await t.requestsDuringCall()).toEqual(['token', 'challenge', 'token'])
      expect(t.signed).toEqual(t.issued())
      expect(t.signed).toHaveLength(3)
    },
  )

  it('does not retry when /token refuses a fresh envelope or a prefetched one for another reason', async () => {
    const refused = (code: string, status: number) => ({
      status,
      type: 'application/problem+json',
      body: problem(code, status),
    })
    const fresh = setup({
      prefetch: false,
      server: { script: { token: ['pass', refused('envelope_expired', 401)] } },
    })
    await fresh.provider()
    await fresh.advance(REFRESH_AT)
    await expect(fresh.provider()).rejects.toMatchObject({ code: 'envelope_expired' })
    expect(fresh.paths()).toEqual(['challenge', 'token', 'challenge', 'token'])

    const prefetched = setup({
      server: { script: { token: ['pass', refused('pubkey_not_allowed', 403)] } },
    })
    await prefetched.provider()
    await prefetched.advance(REFRESH_AT)
    await expect(prefetched.provider()).rejects.toMatchObject({ code: 'pubkey_not_allowed' })
    expect(prefetched.paths()).toEqual(['challenge', 'token', 'challenge', 'token'])
  })

  it('waits for a prefetch still in flight instead of fetching a second envelope', async () => {
    const t = setup({ server: { script: { challenge: ['pass', 'hang'] } } })
    await t.provider()
    await t.advance(PREFETCH_AT)
    await t.advance(REFRESH_AT - PREFETCH_AT)
    const refresh = t.provider()
    await settle()
    // The hung prefetch is the only challenge request until it times out (15 s), then one more.
    expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
    await t.advance(15_000)
    await refresh
    expect(t.paths()).toEqual(['challenge', 'token', 'challenge', 'challenge', 'token'])
  })

  it('prefetches at most once per credentials, however often it is triggered', async () => {
    const page = installPage('visible')
    const t = setup()
    await t.provider()
    await t.advance(PREFETCH_AT)
    for (let i = 0; i < 5; i++) {
      await t.provider()
      page.hide()
      page.show()
      await t.advance(1_000)
    }
    // Long after the held envelope went stale, with nobody calling (an idle page): still one.
    await t.advance(120_000)
    page.hide()
    page.show()
    await settle()
    expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
  })

  it('does not prefetch in a hidden page, and prefetches when it becomes visible near the refresh', async () => {
    const page = installPage('hidden')
    const t = setup()
    await t.provider()
    page.show()
    page.hide()
    await settle()
    expect(t.paths()).toHaveLength(2) // visible long before the refresh: nothing to do
    await t.advance(PREFETCH_AT)
    await t.provider()
    await settle()
    expect(t.paths()).toHaveLength(2) // hidden at prefetch time, even when called
    await t.advance(REFRESH_AT - PREFETCH_AT - 1_000)
    page.show()
    await settle()
    expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
    await t.advance(1_000)
    expect(await t.requestsDuringCall()).toEqual(['token'])
  })

  it('keeps no timer, listener or envelope after dispose()', async () => {
    const page = installPage('visible')
    const t = setup()
    await t.provider()
    expect(vi.getTimerCount()).toBe(1)
    t.dispose()
    expect(vi.getTimerCount()).toBe(0)
    await t.advance(PREFETCH_AT)
    page.hide()
    page.show()
    await settle()
    expect(t.paths()).toEqual(['challenge', 'token'])
  })

  it('aborts a prefetch in flight on dispose()', async () => {
    const t = setup({ server: { script: { challenge: ['pass', 'hang'] } } })
    await t.provider()
    await t.advance(PREFETCH_AT)
    const signal = t.server.state.signals[2]!
    expect(signal.aborted).toBe(false)
    t.dispose()
    expect(signal.aborted).toBe(true)
    await settle()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe("createUserAuthProvider({ prefetch: 'eager' })", () => {
  it('fetches the first envelope when the provider is made, so the first login posts only /token', async () => {
    const t = setup({ prefetch: 'eager' })
    await settle()
    expect(t.paths()).toEqual(['challenge'])
    expect(t.signed).toEqual([]) // never signed ahead of time
    await t.advance(20_000) // the user reads the page
    expect(await t.requestsDuringCall()).toEqual(['token'])
    expect(t.signed).toEqual(t.issued())
    expect(t.issued()).toHaveLength(1)
    // Then refreshes as with the default.
    await t.advance(PREFETCH_AT)
    expect(t.paths()).toEqual(['challenge', 'token', 'challenge'])
  })

  it('asks for nothing before the first call by default (prefetch: true) or with false', async () => {
    for (const prefetch of [undefined, true, false]) {
      const t = setup(prefetch === undefined ? {} : { prefetch })
      await t.advance(20_000)
      expect(t.paths()).toEqual([])
      expect(await t.requestsDuringCall()).toEqual(['challenge', 'token'])
    }
  })

  it('fetches a fresh envelope when the first login comes after the eager one went stale', async () => {
    // Envelopes live 60 s; a held one is signed only until 49 s after it was asked for.
    const t = setup({ prefetch: 'eager' })
    await settle()
    await t.advance(49_000)
    expect(await t.requestsDuringCall()).toEqual(['challenge', 'token'])
    expect(t.signed).toEqual([t.issued()[1]])
  })

  it('falls back to a fresh challenge when the eager fetch failed', async () => {
    const t = setup({ prefetch: 'eager', server: { script: { challenge: ['throw'] } } })
    await settle()
    expect(await t.requestsDuringCall()).toEqual(['challenge', 'token'])
    expect(t.paths()).toEqual(['challenge', 'challenge', 'token'])
  })

  it('waits for the eager fetch still in flight instead of asking twice', async () => {
    const t = setup({ prefetch: 'eager' })
    // Called at once, before the eager answer arrived: one challenge in all.
    expect(await t.requestsDuringCall()).toEqual(['token'])
    expect(t.paths()).toEqual(['challenge', 'token'])
  })

  it('waits for a hidden page to become visible', async () => {
    const page = installPage('hidden')
    const t = setup({ prefetch: 'eager' })
    await t.advance(10_000)
    expect(t.paths()).toEqual([])
    page.show()
    await settle()
    expect(t.paths()).toEqual(['challenge'])
    page.hide()
    page.show()
    await settle()
    expect(t.paths()).toEqual(['challenge'])
    expect(await t.requestsDuringCall()).toEqual(['token'])
  })

  it('aborts the eager fetch on dispose(), and keeps no timer or listener', async () => {
    const page = installPage('hidden')
    const t = setup({ prefetch: 'eager', server: { script: { challenge: ['hang'] } } })
    page.show()
    await settle()
    const signal = t.server.state.signals[0]!
    t.dispose()
    expect(signal.aborted).toBe(true)
    page.hide()
    page.show()
    await settle()
    expect(t.paths()).toEqual(['challenge'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('fetches nothing for a provider whose signal is already aborted', async () => {
    const t = setup({ prefetch: 'eager', signal: AbortSignal.abort() })
    await settle()
    expect(t.server.state.bodies).toEqual([])
    await expect(t.provider()).rejects.toMatchObject({ code: 'aborted' })
  })
})

describe('createJwtProvider() prefetch', () => {
  it("with prefetch: 'eager', fetches the first envelope at once, so the first login posts only /jwt", async () => {
    const t = setup({ jwt: true, prefetch: 'eager' })
    await settle()
    expect(await t.requestsDuringCall()).toEqual(['jwt'])
    expect(t.paths()).toEqual(['challenge', 'jwt'])
  })

  it('fetches the next envelope before the refresh, so the refresh posts only /jwt', async () => {
    // JWTs live 900 s: refresh due at 870 s, prefetch at 865 s.
    const t = setup({ jwt: true })
    await t.provider()
    await t.advance(865_000)
    expect(t.paths()).toEqual(['challenge', 'jwt', 'challenge'])
    await t.advance(5_000)
    expect(await t.requestsDuringCall()).toEqual(['jwt'])
  })
})
