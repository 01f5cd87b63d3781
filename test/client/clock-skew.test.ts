// A page whose clock is off from the servers'. The SDK estimates the functions' clock from each
// login's envelope (`iat`) and judges the API signature's `msg`, a JWT's `expiresAt` and a thread
// token's `exp` on that estimate: 15 minutes ahead or behind, 20 calls make one login, and no
// credential is handed out after it expired on the servers' clock. A server that claims a time
// far off moves the estimate by 24 hours at most. Fake clocks only: `time` is the servers' clock,
// the page's is `time` plus the skew.
import { describe, expect } from 'vitest'
import { clockOffset, MAX_CLOCK_OFFSET_MS } from '../../src/client/server-clock.ts'
import { clock, NOW, type Clock } from '../helpers/clock.ts'
import { fakeJwt, fakeServer } from '../helpers/fake-server.ts'
import { it } from '../helpers/sdk-fixtures.ts'

const MINUTE = 60_000
const SKEWS = [
  ['15 minutes ahead', 15 * MINUTE],
  ['15 minutes behind', -15 * MINUTE],
] as const

/**
 * The page's clock, running `skewMs` ahead of the servers' (`servers`): the provider's `time`,
 * and the fake server's `now`.
 */
function skewed(skewMs: number) {
  const servers = clock()
  const page: Clock = {
    now: () => new Date(servers.now().getTime() + skewMs),
    advance: servers.advance,
    set: (date) => servers.set(new Date(date.getTime() - skewMs)),
  }
  const server = { now: servers.now }
  /** Options for an issuer-mode provider on this page (no prefetch), plus the server's `extra`. */
  const issuer = (extra: { tokenTtlSeconds?: number } = {}) => ({
    time: page,
    prefetch: false,
    server: { ...server, issuer: true, ...extra },
  })
  return { servers, time: page, server, issuer }
}

describe('createUserAuthProvider() on a page whose clock is off (issuer mode)', () => {
  it.for(SKEWS)(
    'logs in once for 20 calls when the page is %s',
    async ([, skew], { userAuthProvider }) => {
      const { servers, issuer } = skewed(skew)
      const { provider, server } = userAuthProvider(issuer())
      for (let call = 0; call < 20; call++) {
        const auth = await provider()
        expect(Date.parse(auth.msg)).toBeGreaterThan(servers.now().getTime())
        servers.advance(20_000)
      }
      expect(server.state.calls).toEqual({ challenge: 1, token: 1 })
    },
  )

  it.for(SKEWS)(
    'never hands out an API signature past its msg on the servers’ clock when the page is %s',
    async ([, skew], { userAuthProvider }) => {
      const { servers, issuer } = skewed(skew)
      const { provider, server } = userAuthProvider(issuer({ tokenTtlSeconds: 400 }))
      for (let call = 0; call < 40; call++) {
        const auth = await provider()
        expect(Date.parse(auth.msg)).toBeGreaterThan(servers.now().getTime())
        const exp = JSON.parse(Buffer.from(auth.token!.split('.')[1]!, 'base64url').toString())
          .exp as number
        expect(exp * 1000).toBeGreaterThan(servers.now().getTime())
        servers.advance(45_000)
      }
      // 400 s tokens refreshed 30 s before exp, calls every 45 s: logins at 0, 405, 810, 1215, 1620 s.
      expect(server.state.calls.token).toBe(5)
    },
  )

  it('reports expiresAt on the page’s clock, so a countdown from the page’s clock is right', async ({
    userAuthProvider,
  }) => {
    const { time, server: clocked } = skewed(15 * MINUTE)
    const { provider, events } = userAuthProvider({ time, server: { ...clocked, issuer: true } })
    await provider()
    // msg is NOW + 600 s on the servers' clock: 1499 s ahead on the page's (the 900 s of skew,
    // less the second iat cannot resolve: the SDK errs towards expiring early).
    expect(events[0]).toMatchObject({ expiresAt: new Date(NOW.getTime() + 1_499_000) })
  })
})

describe('createUserAuthProvider() on a page whose clock is off (hub-challenge mode)', () => {
  it.for(SKEWS)(
    'logs in and asks the hub once for 20 calls when the page is %s, keeping a token with exp',
    async ([, skew], { hubProvider }) => {
      const { servers, time, server: clocked } = skewed(skew)
      const seconds = () => Math.floor(servers.now().getTime() / 1000)
      const storage = new Map<string, string>()
      const { provider, server, hub } = await hubProvider({
        hubOptions: {
          token: (n, sub) => fakeJwt(`hub${n}`, { sub, iat: seconds(), exp: seconds() + 3600 }),
        },
        time,
        storage,
        prefetch: false,
        server: clocked,
      })
      for (let call = 0; call < 20; call++) {
        await provider()
        servers.advance(20_000)
      }
      expect(server.state.calls).toEqual({ challenge: 1, token: 1 })
      expect(hub.state.connections).toBe(1)
      expect(storage.size).toBe(1)
    },
  )
})

describe('createJwtProvider() on a page whose clock is off', () => {
  it.for(SKEWS)(
    'logs in once for 20 calls when the page is %s',
    async ([, skew], { jwtProvider }) => {
      const { servers, time, server: clocked } = skewed(skew)
      const { provider: jwt, server } = jwtProvider({
        time,
        prefetch: false,
        server: { ...clocked, jwtTtlSeconds: 900 },
      })
      for (let call = 0; call < 20; call++) {
        await jwt()
        servers.advance(20_000)
      }
      expect(server.state.calls.jwt).toBe(1)
    },
  )
})

describe('createUserAuthProvider() against servers that claim a time far off', () => {
  it('moves its clock by 24 hours at most: an envelope a year old cannot keep credentials for ever', async ({
    userAuthProvider,
  }) => {
    // The envelopes claim a time a year back; the signatures are honest (600 s from now).
    const time = clock()
    const yearAgo = () => new Date(time.now().getTime() - 365 * 24 * 60 * MINUTE)
    const envelopes = fakeServer({ now: yearAgo })
    const tokens = fakeServer({ issuer: true, now: time.now })
    const { provider } = userAuthProvider({
      time,
      // Envelopes from the lying clock, redeemed at a server with the honest one.
      fetch: async (url, init) => {
        if (!url.endsWith('/challenge')) return tokens.fetch(url, init)
        const answer = await envelopes.fetch(url, init)
        const body = (await answer.clone().json()) as { envelope: string }
        tokens.state.issued.set(body.envelope, JSON.parse(String(init.body)).pubkey)
        return answer
      },
      prefetch: false,
    })
    await provider()
    // The signature ended at 600 s; the SDK, told the servers are a year behind, believes them
    // 24 hours behind at most and keeps it until 24 h + 600 s, less its margin. Then it logs in.
    time.advance(MAX_CLOCK_OFFSET_MS + 569_000)
    await provider()
    expect(tokens.state.calls.token).toBe(1)
    time.advance(1_000)
    await provider()
    expect(tokens.state.calls.token).toBe(2)
  })
})

describe('clockOffset()', () => {
  const at = NOW.getTime()
  const iat = at / 1000

  it('is 0 when the sample fits both clocks agreeing', () => {
    expect(clockOffset({ iat, sentAt: at, receivedAt: at })).toBe(0)
    expect(clockOffset({ iat: iat - 1, sentAt: at - 500, receivedAt: at + 300 })).toBe(0)
    expect(clockOffset({ iat, sentAt: at - 999, receivedAt: at + 2000 })).toBe(0)
  })

  it('takes the latest offset the sample allows, so credentials end early rather than late', () => {
    // The page is 15 minutes ahead: the servers issued between iat and iat + 1 s.
    expect(clockOffset({ iat, sentAt: at + 900_000, receivedAt: at + 900_050 })).toBe(-899_000)
    // The page is 15 minutes behind.
    expect(clockOffset({ iat, sentAt: at - 900_000, receivedAt: at - 899_950 })).toBe(901_000)
  })

  it.each([
    ['a year back', iat - 365 * 86_400, -MAX_CLOCK_OFFSET_MS],
    ['a year ahead', iat + 365 * 86_400, MAX_CLOCK_OFFSET_MS],
  ])('is capped at 24 hours for an iat %s', (_name, claimed, expected) => {
    expect(clockOffset({ iat: claimed, sentAt: at, receivedAt: at })).toBe(expected)
  })

  it('is 0 for a sample that is not numbers', () => {
    expect(clockOffset({ iat: Number.NaN, sentAt: at, receivedAt: at })).toBe(0)
  })
})
