// Where the user token came from. The SDK hides it (it only returns a UserAuth), so the page
// watches the token function's answers through the `fetch` it hands to the SDK: a `token` in the
// response means issuer mode; none means hub-challenge mode (the SDK then asked the hub, or reused
// the token it cached earlier).
import type { FetchLike } from '../client/index.ts'

/** Where a UserAuth's token came from. */
export type TokenSource = 'function' | 'hub' | 'cache'

/** A fetch that notes whether `/token` answered with a token. */
export interface TokenObserver {
  fetch: FetchLike
  /** What the last `/token` response said since the previous call, then forgets it. */
  take(): { hadToken: boolean } | undefined
}

/**
 * Wraps `fetch` for the SDK.
 *
 * @example
 * const observer = observeTokenResponses()
 * createUserAuthProvider({ endpoint, identity, fetch: observer.fetch })
 */
export function observeTokenResponses(
  base: FetchLike = (input, init) => fetch(input, init),
): TokenObserver {
  let last: { hadToken: boolean } | undefined
  return {
    fetch: async (input, init) => {
      const response = await base(input, init)
      if (response.ok && new URL(input, location.href).pathname.endsWith('/token')) {
        try {
          const body = (await response.clone().json()) as Record<string, unknown>
          last = { hadToken: typeof body.token === 'string' }
        } catch {
          // The SDK reports the malformed body itself (bad_response).
        }
      }
      return response
    },
    take: () => {
      const value = last
      last = undefined
      return value
    },
  }
}
