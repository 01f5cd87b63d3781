// The authenticated hub call of the demo: a ThreadDB with a `notes` collection, made on first use
// and remembered per hub and identity, written with `create` and read back with `find`.
import type { Client } from '@textile/hub'
import { ThreadID } from '@textile/hub'
import type { SafeStorage } from './browser-storage.ts'

/** One stored note. */
export interface Note {
  _id: string
  text: string
  createdAt: string
}

/** The collection the demo writes. */
export const NOTES_COLLECTION = 'notes'

const NOTE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'Note',
  type: 'object',
  properties: {
    _id: { type: 'string' },
    text: { type: 'string' },
    createdAt: { type: 'string' },
  },
  required: ['_id', 'text', 'createdAt'],
}

/** The storage key of the notes thread for one hub and identity. */
export function notesThreadKey(hubUrl: string, pubkey: string): string {
  return `textile-token-provider:demo:thread:${hubUrl} ${pubkey}`
}

/** A notes database on the hub. */
export interface NotesDb {
  threadId: ThreadID
  add(text: string): Promise<void>
  list(): Promise<Note[]>
}

/**
 * The remembered notes thread, or undefined when this identity has none on this hub yet.
 *
 * @example
 * const db = rememberedNotes(client, storage, key)
 */
export function rememberedNotes(
  client: Client,
  storage: SafeStorage,
  key: string,
): NotesDb | undefined {
  const saved = storage.get(key)
  if (!saved) return undefined
  try {
    return notesDb(client, ThreadID.fromString(saved))
  } catch {
    storage.remove(key)
    return undefined
  }
}

/** The name of the demo's thread on the hub. */
export const NOTES_THREAD_NAME = 'demo-notes'

/**
 * The notes thread this identity has on the hub (by its name), remembered; undefined when it has
 * none: an account's thread started on another device.
 *
 * @throws whatever @textile/hub rejects with.
 * @example
 * const db = rememberedNotes(client, storage, key) ?? (await findNotes(client, storage, key))
 */
export async function findNotes(
  client: Client,
  storage: SafeStorage,
  key: string,
): Promise<NotesDb | undefined> {
  // The hub's own list (usersd ListThreads): listDBs takes that path only once the client has
  // sent an API signature, and as a session's first call it asks the blocked threads ListDBs.
  const found = (await client.listThreads()).find((db) => db.name === NOTES_THREAD_NAME)
  if (!found) return undefined
  storage.set(key, found.id)
  return notesDb(client, ThreadID.fromString(found.id))
}

/**
 * Creates the notes thread and collection on the hub and remembers the thread id.
 *
 * @throws whatever @textile/hub rejects with (the page shows it as `hub_call_failed`).
 * @example
 * const db = await createNotes(client, storage, key)
 */
export async function createNotes(
  client: Client,
  storage: SafeStorage,
  key: string,
): Promise<NotesDb> {
  const threadId = await client.newDB(undefined, NOTES_THREAD_NAME)
  await client.newCollection(threadId, { name: NOTES_COLLECTION, schema: NOTE_SCHEMA })
  storage.set(key, threadId.toString())
  return notesDb(client, threadId)
}

function notesDb(client: Client, threadId: ThreadID): NotesDb {
  return {
    threadId,
    add: async (text) => {
      const note: Note = { _id: '', text, createdAt: new Date().toISOString() }
      await client.create(threadId, NOTES_COLLECTION, [note])
    },
    list: async () => {
      const notes = await client.find<Note>(threadId, NOTES_COLLECTION, {})
      return [...notes].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    },
  }
}
