// The demo's login, as an app writes it: the SDK's provider for an identity at the site's
// functions, one login now, and a @textile/hub client on the provider (docs/sdk.md). The rest of
// site/src is the page around these lines.
import { Client } from '@textile/hub'
import {
  createUserAuthProvider,
  type CreateUserAuthProviderOptions,
  type UserAuthProvider,
} from 'textile-token-provider/client'
import type { SiteConfig } from './site-config.ts'

/** What the page chooses: the identity and, for a linked browser, its link; storage, events, … */
export type LogInOptions = Omit<CreateUserAuthProviderOptions, 'endpoint' | 'hubUrl'>

/**
 * Logs in once (a refusal shows here, not at the first hub call) and opens a hub client.
 *
 * @throws the SDK's `UserAuthError` when the functions or the hub refuse.
 * @example
 * const { client } = await logIn(config, { identity: await browserIdentity(), storage: sessionStorage })
 */
export async function logIn(
  config: SiteConfig,
  options: LogInOptions,
): Promise<{ provider: UserAuthProvider; client: Client }> {
  const provider = createUserAuthProvider({
    endpoint: config.endpoint, // '/api': the login function's /challenge and /token
    hubUrl: config.hubUrl, // the hub answers its own challenge when the functions have no host key
    ...options, // identity, link, storage (sessionStorage), onChange, signal
  })
  await provider()
  return { provider, client: Client.withUserAuth(provider, config.hubUrl) }
}
