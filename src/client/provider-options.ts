// The options every provider takes (types.ts), checked once into the settings the login machinery
// runs on.
import { readLinkSource } from './account-link.ts'
import type { FetchLike, Identity, ProviderErrorEvent, ProviderOptions } from './types.ts'

/** Checked options, ready for `createCredentialProvider`. */
export interface ProviderSettings<E> {
  endpoint: string
  identity: Identity
  pubkey: string
  /** Reads the current account link, when the provider has one. */
  link?: () => Promise<string>
  fetch: FetchLike
  marginMs?: number
  timeoutMs: number
  now: () => Date
  signal?: AbortSignal
  prefetch: boolean | 'eager'
  onChange?: (event: E | ProviderErrorEvent) => void
}

const DEFAULT_TIMEOUT_MS = 15_000

/**
 * Checks the options every provider takes.
 *
 * @throws `TypeError` naming `name` when an option is misused.
 * @example
 * const settings = readProviderOptions('createJwtProvider', options)
 */
export function readProviderOptions<E>(
  name: string,
  options: ProviderOptions & { onChange?: (event: E | ProviderErrorEvent) => void },
): ProviderSettings<E> {
  const fail = (message: string) => new TypeError(`${name}: ${message}`)
  if (typeof options !== 'object' || options === null) throw fail('options must be an object')
  const { endpoint, identity, refreshMarginSeconds, timeoutMs, now, signal, prefetch, onChange } =
    options
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    throw fail('endpoint must be a non-empty string')
  }
  if (
    typeof identity !== 'object' ||
    identity === null ||
    typeof identity.sign !== 'function' ||
    typeof identity.public?.toString !== 'function'
  ) {
    throw fail('identity needs public.toString() and sign(bytes)')
  }
  const pubkey = identity.public.toString()
  if (typeof pubkey !== 'string' || pubkey === '') {
    throw fail('identity.public.toString() must give a key string')
  }
  const link = readLinkSource(name, options.link)
  const fetchFn =
    options.fetch ??
    (typeof globalThis.fetch === 'function'
      ? (input: string, init: RequestInit) => globalThis.fetch(input, init)
      : undefined)
  if (typeof fetchFn !== 'function') throw fail('fetch must be a function (no global fetch)')
  if (refreshMarginSeconds !== undefined && !isNonNegative(refreshMarginSeconds)) {
    throw fail('refreshMarginSeconds must be a number ≥ 0')
  }
  if (timeoutMs !== undefined && !(isNonNegative(timeoutMs) && timeoutMs > 0)) {
    throw fail('timeoutMs must be a positive number')
  }
  if (now !== undefined && typeof now !== 'function') {
    throw fail('now must be a function returning a Date')
  }
  if (signal !== undefined && typeof signal?.addEventListener !== 'function') {
    throw fail('signal must be an AbortSignal')
  }
  if (prefetch !== undefined && typeof prefetch !== 'boolean' && prefetch !== 'eager')
    throw fail("prefetch must be a boolean or 'eager'")
  if (onChange !== undefined && typeof onChange !== 'function')
    throw fail('onChange must be a function')
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    identity,
    pubkey,
    ...(link && { link }),
    fetch: fetchFn,
    ...(refreshMarginSeconds === undefined ? {} : { marginMs: refreshMarginSeconds * 1000 }),
    timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
    now: now ?? (() => new Date()),
    ...(signal ? { signal } : {}),
    prefetch: prefetch ?? true,
    ...(onChange ? { onChange } : {}),
  }
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}
