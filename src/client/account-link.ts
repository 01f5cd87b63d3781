// The account link a provider sends (docs/http-api.md, "Account links"): the app's `link` option,
// read afresh at each call so a renewed link is used as soon as it exists, and the account it
// names. The SDK does not verify the link (the functions do, and the account key is not here); it
// reads `iss` so that it can expect the account as the thread token's `sub` and key its token
// cache by it, and it refuses to sign for a link that is unreadable or names another device key.
import { readLink } from '../core/link-format.ts'
import { UserAuthError } from './errors.ts'

/** A link and the account it names. */
export interface CurrentLink {
  link: string
  /** The link's `iss`: the account key string the functions mint for. */
  account: string
}

/**
 * Turns the `link` option into a function that reads the current link; undefined without one.
 *
 * @throws `TypeError` naming `name` when `link` is none of the three forms.
 * @example
 * const current = readLinkSource('createUserAuthProvider', options.link)
 */
export function readLinkSource(name: string, link: unknown): (() => Promise<string>) | undefined {
  if (link === undefined) return undefined
  if (typeof link === 'string') return async () => link
  if (typeof link === 'function') return async () => (link as () => string | Promise<string>)()
  if (typeof link === 'object' && link !== null && 'link' in link) {
    return async () => (link as { link: string }).link
  }
  throw new TypeError(`${name}: link must be a string, an object with a link, or a function`)
}

/**
 * The current link and its account, checked to be a link for `device` before anything is signed.
 *
 * @throws (rejects) `invalid_link` when the link is not a string in the link format, or its `sub`
 *   is not `device` (the identity the provider signs with).
 * @example
 * const { link, account } = await currentLink(read, pubkey)
 */
export async function currentLink(
  read: () => Promise<string>,
  device: string,
): Promise<CurrentLink> {
  const link = await read()
  const claims = readLink(link)?.claims
  if (!claims || claims.sub !== device) {
    const detail = claims ? 'The link is for another device key.' : 'The link is malformed.'
    throw new UserAuthError('invalid_link', { detail })
  }
  return { link: link as string, account: claims.iss }
}
