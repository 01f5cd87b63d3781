// A logged-in identity: the SDK's provider (reporting every UserAuth it hands out, first login
// and refreshes alike, with where its token came from), a hub client on it, and the notes thread
// remembered for this hub and identity. No DOM here.
import { Client, type PrivateKey } from '@textile/hub'
import { createUserAuthProvider, tokenStorageKey, type UserAuth } from '../client/index.ts'
import type { SafeStorage } from './browser-storage.ts'
import { createNotes, notesThreadKey, rememberedNotes, type Note, type NotesDb } from './notes.ts'
import type { SiteConfig } from './site-config.ts'
import { observeTokenResponses, type TokenSource } from './token-source.ts'

/** One logged-in identity. */
export interface HubSession {
  client: Client
  /** The notes thread, once there is one on this hub. */
  notes?: NotesDb
  /** Where the thread id is remembered. */
  threadKey: string
}

/** Options of {@link openHubSession}. */
export interface HubSessionOptions {
  config: SiteConfig
  storage: SafeStorage
  identity: PrivateKey
  /** Every UserAuth the provider returns (the hub client asks again when the signature expires). */
  onCredentials: (auth: UserAuth, source?: TokenSource) => void
}

/**
 * Logs in once (so errors surface here, not in the first hub call) and opens a hub client.
 *
 * @throws the SDK's `UserAuthError` when the functions or the hub refuse.
 * @example
 * const session = await openHubSession({ config, storage, identity, onCredentials: show })
 */
export async function openHubSession(options: HubSessionOptions): Promise<HubSession> {
  const { config, storage, identity } = options
  const pubkey = identity.public.toString()
  const observer = observeTokenResponses()
  const provider = createUserAuthProvider({
    endpoint: config.endpoint,
    identity,
    hubUrl: config.hubUrl,
    fetch: observer.fetch,
    storage: {
      get: (key) => storage.get(key),
      set: (key, value) => void storage.set(key, value),
    },
  })
  const cacheKey = tokenStorageKey(config.hubUrl, pubkey)
  const tracked = async (): Promise<UserAuth> => {
    const cached = storage.get(cacheKey) !== null
    const auth = await provider()
    const seen = observer.take()
    const source: TokenSource | undefined = seen
      ? seen.hadToken
        ? 'function'
        : cached
          ? 'cache'
          : 'hub'
      : undefined
    options.onCredentials(auth, source)
    return auth
  }
  await tracked()
  const client = Client.withUserAuth(tracked, config.hubUrl)
  const threadKey = notesThreadKey(config.hubUrl, pubkey)
  return { client, notes: rememberedNotes(client, storage, threadKey), threadKey }
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
