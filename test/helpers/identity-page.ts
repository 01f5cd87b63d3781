// The browser side of the identity tests (bundled by identity-site.ts): the identity entry, the SDK and
// @textile/hub as an app imports and bundles them (by package name), plus probes that read what
// the browser stored. Tests call
// them through `page.evaluate(() => ttp.…)`.
import { Client, PrivateKey, ThreadID } from '@textile/hub'
import {
  createJwtProvider,
  createUserAuthProvider,
  type Identity as SdkIdentity,
  type LinkSource,
  type UserAuth,
} from 'textile-token-provider/client'
import * as identities from 'textile-token-provider/identity'
import { encodeBase64Url } from '../../src/core/encoding.ts'

type Identity = identities.WebCryptoIdentity

/** The one credential of a provider made for it (no prefetch), then disposed. */
async function takeOnce<T>(provider: (() => Promise<T>) & { dispose(): void }): Promise<T> {
  try {
    return await provider()
  } finally {
    provider.dispose()
  }
}

/** Logs in with the SDK; `hubUrl` for hub-challenge mode. */
function logIn(identity: SdkIdentity, endpoint: string, hubUrl?: string): Promise<UserAuth> {
  return takeOnce(
    createUserAuthProvider({ endpoint, identity, prefetch: false, ...(hubUrl && { hubUrl }) }),
  )
}

/** Logs in with the SDK as a linked device (issuer mode): the thread token is the account's. */
function logInLinked(linked: identities.LinkedBrowser, endpoint = '/api'): Promise<UserAuth> {
  return takeOnce(
    createUserAuthProvider({ endpoint, identity: linked.identity, link: linked, prefetch: false }),
  )
}

/** A JWT from /api/jwt for a linked device. */
function jwtLinked(linked: identities.LinkedBrowser): Promise<string> {
  return takeOnce(
    createJwtProvider({
      endpoint: '/api',
      identity: linked.identity,
      link: linked,
      prefetch: false,
    }),
  )
}

const NOTE_SCHEMA = {
  title: 'Note',
  type: 'object',
  properties: { _id: { type: 'string' }, text: { type: 'string' } },
}

/** A hub client of the real @textile/hub on the SDK's provider (issuer mode), with or without a link. */
function hubClient(identity: SdkIdentity, hubUrl: string, link?: LinkSource) {
  const provider = createUserAuthProvider({
    endpoint: '/api',
    identity,
    hubUrl,
    prefetch: false,
    ...(link && { link }),
  })
  return { client: Client.withUserAuth(provider, hubUrl), provider }
}

/** Writes a note (a new thread and collection first, without `threadId`); the thread's id. */
async function writeNote(
  identity: SdkIdentity,
  hubUrl: string,
  text: string,
  options: { link?: LinkSource; threadId?: string } = {},
): Promise<string> {
  const { client, provider } = hubClient(identity, hubUrl, options.link)
  try {
    let threadId: ThreadID
    if (options.threadId) {
      threadId = ThreadID.fromString(options.threadId)
    } else {
      threadId = await client.newDB(undefined, 'account-notes')
      await client.newCollection(threadId, { name: 'notes', schema: NOTE_SCHEMA })
    }
    await client.create(threadId, 'notes', [{ _id: '', text }])
    return threadId.toString()
  } finally {
    provider.dispose()
  }
}

/** The notes' texts in a thread, sorted; a hub error as `error: <message>`. */
async function readNotes(
  identity: SdkIdentity,
  hubUrl: string,
  threadId: string,
  link?: LinkSource,
): Promise<string[] | string> {
  const { client, provider } = hubClient(identity, hubUrl, link)
  try {
    const notes = await client.find<{ text: string }>(ThreadID.fromString(threadId), 'notes', {})
    return notes.map((note) => note.text).sort()
  } catch (error) {
    return `error: ${(error as Error).message}`
  } finally {
    provider.dispose()
  }
}

async function postJson(url: string, body: unknown): Promise<Record<string, string>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, string>
  if (!response.ok) throw new Error(`${url}: ${response.status} ${json.code}`)
  return json
}

/**
 * Hub-challenge mode by hand: the two requests, then @textile/hub's own `getToken(identity)`
 * against the hub, then a call that needs that token (a new thread for this identity).
 */
async function hubToken(
  identity: Identity,
  endpoint: string,
  hubUrl: string,
): Promise<{ auth: Record<string, string>; token: string; threadId: string }> {
  const { envelope } = await postJson(`${endpoint}/challenge`, {
    pubkey: identity.public.toString(),
  })
  const signature = encodeBase64Url(await identity.sign(new TextEncoder().encode(envelope!)))
  const auth = await postJson(`${endpoint}/token`, { envelope, signature })
  const client = Client.withUserAuth({ key: auth.key!, sig: auth.sig!, msg: auth.msg! }, hubUrl)
  const token = await client.getToken(identity)
  const threadId = await client.newDB(undefined, 'identity-test')
  return { auth, token, threadId: threadId.toString() }
}

/** A JSON-safe description of a stored value: keys as their properties, bytes as a marker. */
type Described =
  | null
  | boolean
  | number
  | string
  | { cryptoKey: { type: string; extractable: boolean; algorithm: string; usages: string[] } }
  | { bytes: number }
  | { unknown: string }
  | Described[]
  | { [key: string]: Described }

function describe(value: unknown): Described {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    return value
  }
  if (value instanceof CryptoKey) {
    return {
      cryptoKey: {
        type: value.type,
        extractable: value.extractable,
        algorithm: value.algorithm.name,
        usages: [...value.usages].sort(),
      },
    }
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return { bytes: (value as ArrayBuffer).byteLength }
  }
  if (Array.isArray(value)) return value.map(describe)
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]))
  }
  return { unknown: Object.prototype.toString.call(value) }
}

function request<T>(make: () => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const r = make()
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

/** Every record of every IndexedDB database of the origin, described, by database/store/key. */
async function storedRecords(): Promise<Record<string, Described>> {
  const out: Record<string, Described> = {}
  for (const info of await indexedDB.databases()) {
    const db = await request(() => indexedDB.open(info.name!))
    try {
      for (const storeName of db.objectStoreNames) {
        const store = () => db.transaction(storeName).objectStore(storeName)
        const keys = await request(() => store().getAllKeys())
        const values = await request(() => store().getAll())
        keys.forEach((key, i) => {
          out[`${info.name}/${storeName}/${String(key)}`] = describe(values[i])
        })
      }
    } finally {
      db.close()
    }
  }
  return out
}

/** What each of Web Crypto's export formats does with the stored private key under `name`. */
async function exportStoredPrivateKey(name = 'default'): Promise<string[]> {
  const { database, store } = identities.KEY_STORE
  const db = await request(() => indexedDB.open(database))
  const record = (await request(() => db.transaction(store).objectStore(store).get(name))) as {
    privateKey: CryptoKey
  }
  db.close()
  const results: string[] = []
  for (const format of ['pkcs8', 'jwk', 'raw'] as const) {
    results.push(
      await crypto.subtle.exportKey(format, record.privateKey).then(
        () => `${format}: exported`,
        (error: Error) => `${format}: ${error.name}`,
      ),
    )
  }
  return results
}

/** Web Storage as it is now. */
function webStorage(): { local: Record<string, string>; session: Record<string, string> } {
  return { local: { ...localStorage }, session: { ...sessionStorage } }
}

/** An EIP-1193 provider backed by the test's `walletAnswer` (Playwright's exposeFunction). */
function wallet(): identities.Eip1193Provider {
  return {
    request: async ({ method, params }) => {
      const reply = (await (window as unknown as WalletBridge).walletAnswer(
        method,
        params ?? [],
      )) as { result: unknown } | { error: { code: number; message: string } }
      if ('error' in reply) throw Object.assign(new Error(reply.error.message), reply.error)
      return reply.result
    },
  }
}

interface WalletBridge {
  walletAnswer(method: string, params: readonly unknown[]): Promise<unknown>
}

/** The code of a rejection, or 'resolved'. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: { code?: string; name?: string }) => error.code ?? `uncoded ${error.name}`,
  )
}

const api = {
  ...identities,
  PrivateKey,
  logIn,
  logInLinked,
  jwtLinked,
  writeNote,
  readNotes,
  hubToken,
  storedRecords,
  exportStoredPrivateKey,
  webStorage,
  wallet,
  codeOf,
}

/** What the page offers the tests. */
export type PageApi = typeof api

declare global {
  var ttp: PageApi
}

globalThis.ttp = api
document.body.dataset.ready = 'true'
