// A logged-in identity: the SDK's provider (log-in.ts; its login, refresh and error events go to
// the page; the page's AbortSignal disposes it), a hub client on it, and the notes thread
// remembered for this hub and identity (the account, for a linked browser). The thread token goes
// to sessionStorage (it ends with the tab), the thread id to localStorage; an account whose thread
// this browser has not seen (it was started on another device) finds it on the hub by its name.
// The login's steps (challenge, signing, token, hub) are read from what the SDK does with the
// fetch and the identity it is given: it sends no per-step event. No DOM here.
import type { Client } from '@textile/hub'
import {
  tokenStorageKey,
  type FetchLike,
  type Identity,
  type LinkSource,
  type UserAuthEvent,
} from 'textile-token-provider/client'
import type { SafeStorage } from './browser-storage.ts'
import { logIn } from './log-in.ts'
import {
  createNotes,
  findNotes,
  notesThreadKey,
  rememberedNotes,
  type Note,
  type NotesDb,
} from './notes.ts'
import type { SiteConfig } from './site-config.ts'

/** One logged-in identity. */
export interface HubSession {
  client: Client
  /** The notes thread, once there is one on this hub. */
  notes?: NotesDb
  /** Where the thread id is remembered. */
  threadKey: string
  /** Logged in as an account (a linked browser): its thread may have been made elsewhere. */
  account: boolean
}

/**
 * A step of a login, in order: the `/challenge` call, the signature, the `/token` call, and in
 * hub-challenge mode the hub's own GetToken.
 */
export type LoginStep = 'challenge' | 'signing' | 'token' | 'hub'

/** Options of {@link openHubSession}. */
export interface HubSessionOptions {
  config: SiteConfig
  /** Where the notes thread id is remembered (localStorage). */
  storage: SafeStorage
  /** Where the SDK keeps the hub's thread token: sessionStorage, never localStorage. */
  tokenStorage: SafeStorage
  identity: Identity
  /** A linked browser's link and account (the SDK's `link`); none for this browser only or a raw key. */
  link?: LinkSource & { readonly account: string }
  /** The SDK's events: each login and refresh (expiry, token source) and each failed call. */
  onChange: (event: UserAuthEvent) => void
  /** Each step the provider takes (also during later refreshes); optional. */
  onStep?: (step: LoginStep) => void
  /**
   * The session's lifetime: aborting it disposes the provider (no prefetch timer, request or event
   * outlives it; pending calls reject with `aborted`).
   */
  signal: AbortSignal
}

/**
 * Logs in once (so errors surface here, not in the first hub call) and opens a hub client.
 *
 * @throws the SDK's `UserAuthError` when the functions or the hub refuse, `aborted` once `signal`
 *   is aborted.
 * @example
 * const session = await openHubSession({ config, storage, tokenStorage, identity, onChange, signal })
 */
export async function openHubSession(options: HubSessionOptions): Promise<HubSession> {
  const { config, storage, identity } = options
  const observed = options.onStep ? observeSteps(options, options.onStep) : undefined
  const { client } = await logIn(config, {
    identity: observed?.identity ?? identity,
    ...(observed && { fetch: observed.fetch }),
    ...(options.link && { link: options.link }),
    storage: options.tokenStorage, // its get/set never throw
    signal: options.signal,
    onChange: options.onChange,
  })
  const user = options.link?.account ?? identity.public.toString()
  const threadKey = notesThreadKey(config.hubUrl, user)
  const notes = rememberedNotes(client, storage, threadKey)
  return { client, notes, threadKey, account: options.link !== undefined }
}

/** The identity and fetch the provider gets, telling `onStep` what it does with them. */
function observeSteps(
  options: HubSessionOptions,
  onStep: (step: LoginStep) => void,
): { identity: Identity; fetch: FetchLike } {
  const { identity, config, tokenStorage } = options
  const pubkey = identity.public.toString()
  return {
    identity: {
      public: identity.public,
      sign: (bytes) => {
        onStep('signing')
        return identity.sign(bytes)
      },
    },
    fetch: async (input, init) => {
      const route = new URL(input, location.href).pathname.split('/').pop()
      if (route === 'challenge' || route === 'token') onStep(route)
      const response = await fetch(input, init)
      // No token in the answer, none cached: the SDK asks the hub next (hub-challenge mode).
      if (route === 'token' && response.ok) {
        const body = (await response
          .clone()
          .json()
          .catch(() => undefined)) as Record<string, unknown> | undefined
        const cached = tokenStorage.get(tokenStorageKey(config.hubUrl, pubkey)) !== null
        if (body && typeof body.token !== 'string' && !cached) onStep('hub')
      }
      return response
    },
  }
}

/**
 * The session's notes, newest first; none before the first save. A thread the hub no longer
 * knows (e.g. a restarted emulator) is forgotten, and the next save starts a new one.
 *
 * @throws whatever @textile/hub rejects with, except "not found".
 * @example
 * const notes = await readNotes({ session, storage })
 */
export async function readNotes(options: {
  session: HubSession
  storage: SafeStorage
}): Promise<Note[]> {
  const { session, storage } = options
  // An account's notes may have been started on another device: ask the hub for its thread.
  if (!session.notes && session.account) {
    session.notes = await findNotes(session.client, storage, session.threadKey)
  }
  if (!session.notes) return []
  try {
    return await session.notes.list()
  } catch (error) {
    if (!/not found/i.test(error instanceof Error ? error.message : '')) throw error
    storage.remove(session.threadKey)
    session.notes = undefined
    return []
  }
}

/**
 * Stores a note (making the thread first if needed) and returns all notes, newest first.
 *
 * @throws whatever @textile/hub rejects with.
 * @example
 * const notes = await addNote({ session, storage, text: 'hello' })
 */
export async function addNote(options: {
  session: HubSession
  storage: SafeStorage
  text: string
}): Promise<Note[]> {
  const { session, storage } = options
  session.notes ??= await createNotes(session.client, storage, session.threadKey)
  await session.notes.add(options.text)
  return session.notes.list()
}
