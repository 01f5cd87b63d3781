// The SDK suites' `it`: vitest fixtures for what a test of the browser SDK sets up and must take
// down. `userAuthProvider()` and `jwtProvider()` make a provider over a fake server (the one
// arrangement of these suites, with overrides) and dispose it after the test; `fakeHub()` starts a
// fake hub, installs `ws` as the global WebSocket while the test runs, and closes both after it;
// `hubProvider()` is the two together, hub-challenge mode.
import { expect, test } from 'vitest'
import {
  createJwtProvider,
  createUserAuthProvider,
  tokenStorageKey,
  type CreateJwtProviderOptions,
  type CreateUserAuthProviderOptions,
  type JwtEvent,
  type JwtProvider,
  type ProviderOptions,
  type UserAuthEvent,
  type UserAuthProvider,
} from '../../src/client/index.ts'
import { clock, type Clock } from './clock.ts'
import { ENDPOINT } from './deployment.ts'
import {
  fakeHub,
  installWebSocket,
  type FakeHub,
  type FakeHubOptions,
  type HubBehaviour,
} from './fake-hub.ts'
import { fakeServer, type FakeServer, type FakeServerOptions } from './fake-server.ts'
import { identity } from './identity.ts'

/** What a provider fixture is told: the SDK's options to override, the fake server's, the clock. */
export type ProviderOverrides<O> = Partial<O> & {
  /** Options of the fake server behind the provider's `fetch`; its `now` defaults to `time`'s. */
  server?: FakeServerOptions
  /** The clock of the provider (`now`) and of the fake server; default a new {@link clock}. */
  time?: Clock
}

/** A provider made by a fixture, with everything around it. */
export interface ProviderSetup<P, E> {
  provider: P
  /** The fake server behind the provider's `fetch` (unused when `fetch` was overridden). */
  server: FakeServer
  /** The identity that signs (given or made). */
  identity: ProviderOptions['identity']
  /** The identity's public key string. */
  pubkey: string
  time: Clock
  /** Every `onChange` event, in order (unless `onChange` was overridden). */
  events: E[]
}

/**
 * A fixture that makes providers with `create` over a fake server, with overrides, and disposes
 * every one it made after the test.
 */
function providerFixture<O extends ProviderOptions, P extends { dispose(): void }, E>(
  create: (options: O) => P,
) {
  // `{}`: vitest reads from the first parameter which fixtures a fixture needs (none).
  return async (
    {}: object,
    use: (make: (overrides?: ProviderOverrides<O>) => ProviderSetup<P, E>) => Promise<void>,
  ) => {
    const made: P[] = []
    await use((overrides = {}) => {
      const { server: serverOptions, time = clock(), ...options } = overrides
      const server = fakeServer({ now: time.now, ...serverOptions })
      const events: E[] = []
      const id = options.identity ?? identity()
      const provider = create({
        endpoint: ENDPOINT,
        fetch: server.fetch,
        now: time.now,
        onChange: (event: E) => void events.push(event),
        ...options,
        identity: id,
      } as unknown as O)
      made.push(provider)
      return { provider, server, identity: id, pubkey: id.public.toString(), time, events }
    })
    for (const provider of made) provider.dispose()
  }
}

/** The SDK suites' fixtures: see the file's opening comment. */
export interface SdkFixtures {
  /** A user-auth provider over a fake server, disposed after the test. */
  userAuthProvider(
    overrides?: ProviderOverrides<CreateUserAuthProviderOptions>,
  ): ProviderSetup<UserAuthProvider, UserAuthEvent>
  /** A JWT provider over a fake server, disposed after the test. */
  jwtProvider(
    overrides?: ProviderOverrides<CreateJwtProviderOptions>,
  ): ProviderSetup<JwtProvider, JwtEvent>
  /** A fake hub behaving as told, closed after the test (with `ws` as the global WebSocket). */
  fakeHub(behaviour?: HubBehaviour, options?: FakeHubOptions): Promise<FakeHub>
  /**
   * Hub-challenge mode: a {@link SdkFixtures.fakeHub fakeHub} (`hub`, default `'ok'`, and its
   * options) and a {@link SdkFixtures.userAuthProvider userAuthProvider} whose `hubUrl` is its URL.
   */
  hubProvider(
    overrides?: ProviderOverrides<CreateUserAuthProviderOptions> & {
      hub?: HubBehaviour
      hubOptions?: FakeHubOptions
    },
  ): Promise<
    ProviderSetup<UserAuthProvider, UserAuthEvent> & {
      hub: FakeHub
      /** The storage key of the identity's token at this hub. */
      key: string
    }
  >
}

/**
 * `it` with the SDK fixtures.
 *
 * @example
 * it('reuses the hub token', async ({ fakeHub, userAuthProvider }) => {
 *   const hub = await fakeHub('ok')
 *   const { provider, server } = userAuthProvider({ hubUrl: hub.url })
 * })
 */
export const it = test.extend<SdkFixtures>({
  userAuthProvider: providerFixture(createUserAuthProvider),
  jwtProvider: providerFixture(createJwtProvider),
  fakeHub: async ({}, use) => {
    const hubs: FakeHub[] = []
    let restore: (() => void) | undefined
    await use(async (behaviour, options) => {
      restore ??= installWebSocket()
      const hub = await fakeHub(behaviour, options)
      hubs.push(hub)
      return hub
    })
    await Promise.all(hubs.map((hub) => hub.close()))
    restore?.()
  },
  hubProvider: async ({ fakeHub, userAuthProvider }, use) => {
    await use(async ({ hub: behaviour = 'ok', hubOptions, ...overrides } = {}) => {
      const hub = await fakeHub(behaviour, hubOptions)
      const setup = userAuthProvider({ hubUrl: hub.url, ...overrides })
      return { ...setup, hub, key: tokenStorageKey(hub.url, setup.pubkey) }
    })
  },
})

/**
 * Logs in once, then checks that the credential is still the cached one `cachedAt` ms later and
 * that a second login happens by `renewedAt` ms (both counted from the first login).
 *
 * @example
 * await expectRenewal(setup, () => setup.server.state.calls.jwt, { cachedAt: 29_999, renewedAt: 30_000 })
 */
export async function expectRenewal(
  { provider, time }: { provider: () => Promise<unknown>; time: Clock },
  logins: () => number | undefined,
  { cachedAt, renewedAt }: { cachedAt: number; renewedAt: number },
): Promise<void> {
  await provider()
  time.advance(cachedAt)
  await provider()
  expect(logins()).toBe(1)
  time.advance(renewedAt - cachedAt)
  await provider()
  expect(logins()).toBe(2)
}
