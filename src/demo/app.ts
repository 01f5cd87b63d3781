// The demo page: an identity kept in this browser → credentials from the two functions through
// the SDK → a real @textile/hub call (notes in a ThreadDB). Every failure is shown with its code
// and a sentence (error-messages.ts). The private key is shown only when the user asks for it.
import { Client, type PrivateKey } from '@textile/hub'
import { createUserAuthProvider, tokenStorageKey, type UserAuth } from '../client/index.ts'
import { openStorage } from './browser-storage.ts'
import { formatRemaining } from './countdown.ts'
import { DemoError, describeError, type DemoErrorCode } from './error-messages.ts'
import {
  createIdentity,
  importIdentity,
  loadOrCreateIdentity,
  type LoadedIdentity,
} from './identity-store.ts'
import { createNotes, notesThreadKey, rememberedNotes, type Note, type NotesDb } from './notes.ts'
import { loadSiteConfig, type SiteConfig } from './site-config.ts'
import { observeTokenResponses, type TokenSource } from './token-source.ts'

const TOKEN_SOURCE_TEXT: Record<TokenSource, string> = {
  function: 'the token function (issuer mode: minted with the hub’s host key)',
  hub: 'the hub’s own challenge, answered in this browser (hub-challenge mode)',
  cache: 'this browser’s cache of an earlier hub challenge (hub-challenge mode)',
}

const IDENTITY_SOURCE_TEXT: Record<LoadedIdentity['source'], string> = {
  restored: 'Restored from this browser',
  created: 'Created just now in this browser',
  imported: 'Imported just now',
}

/** One logged-in identity: its provider, hub client and notes. */
interface Session {
  client: Client
  notes?: NotesDb
}

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`#${id} is missing from index.html`)
  return found as T
}

const ui = {
  banner: element('banner'),
  status: element('status'),
  error: element('error'),
  errorCode: element('error-code'),
  errorSentence: element('error-sentence'),
  errorDetail: element('error-detail'),
  pubkey: element('pubkey'),
  identitySource: element('identity-source'),
  exportKey: element<HTMLButtonElement>('export-key'),
  exportedField: element('exported-key-field'),
  exportedKey: element<HTMLTextAreaElement>('exported-key'),
  copyKey: element<HTMLButtonElement>('copy-key'),
  importForm: element<HTMLFormElement>('import-form'),
  importKey: element<HTMLTextAreaElement>('import-key'),
  newIdentity: element<HTMLButtonElement>('new-identity'),
  login: element<HTMLButtonElement>('login'),
  credentials: element('credentials'),
  apiKey: element('api-key'),
  sigExpiry: element<HTMLTimeElement>('sig-expiry'),
  sigRemaining: element('sig-remaining'),
  tokenSource: element('token-source'),
  token: element('token'),
  noteForm: element<HTMLFormElement>('note-form'),
  noteText: element<HTMLInputElement>('note-text'),
  saveNote: element<HTMLButtonElement>('save-note'),
  notesEmpty: element('notes-empty'),
  notes: element<HTMLOListElement>('notes'),
  threadId: element('thread-id'),
  hubUrl: element('hub-url'),
  endpoint: element('endpoint'),
  contextLabel: element('context-label'),
}

function announce(text: string): void {
  ui.status.textContent = text
}

function showError(error: unknown, fallback: DemoErrorCode = 'unexpected_error'): void {
  const { code, sentence, detail } = describeError(error, fallback)
  ui.errorCode.textContent = code
  ui.errorSentence.textContent = sentence
  ui.errorDetail.textContent = detail ?? ''
  ui.errorDetail.hidden = !detail
  ui.error.hidden = false
  ui.error.dataset.code = code
  announce(`Stopped by an error (${code}): details below.`)
}

function clearError(): void {
  ui.error.hidden = true
  delete ui.error.dataset.code
}

function short(key: string): string {
  return key.length > 24 ? `${key.slice(0, 12)}…${key.slice(-8)}` : key
}

async function main(): Promise<void> {
  const storage = openStorage()
  let config: SiteConfig
  try {
    config = await loadSiteConfig()
  } catch (error) {
    showError(error)
    return
  }
  ui.hubUrl.textContent = config.hubUrl
  ui.endpoint.textContent = config.endpoint
  if (config.context) ui.contextLabel.textContent = `· built for ${config.context}`
  if (config.banner) {
    ui.banner.textContent = config.banner
    ui.banner.hidden = false
  }

  let current = loadOrCreateIdentity(storage)
  let session: Session | undefined
  let auth: UserAuth | undefined
  let busy = false

  const renderIdentity = () => {
    const pubkey = current.identity.public.toString()
    ui.pubkey.textContent = pubkey
    ui.pubkey.title = pubkey
    ui.identitySource.textContent = IDENTITY_SOURCE_TEXT[current.source]
    ui.identitySource.dataset.source = current.source
    hideExportedKey()
  }

  const hideExportedKey = () => {
    ui.exportedKey.value = ''
    ui.exportedField.hidden = true
    ui.exportKey.textContent = 'Show private key'
    ui.exportKey.setAttribute('aria-expanded', 'false')
  }

  const setBusy = (value: boolean) => {
    busy = value
    ui.login.disabled = value
    ui.noteText.disabled = value || !session
    ui.saveNote.disabled = value || !session
    ui.login.setAttribute('aria-busy', String(value))
  }

  const renderCredentials = (value: UserAuth, source?: TokenSource) => {
    auth = value
    ui.credentials.hidden = false
    ui.apiKey.textContent = value.key
    ui.sigExpiry.dateTime = value.msg
    ui.sigExpiry.textContent = new Date(value.msg).toLocaleTimeString()
    ui.token.textContent = value.token ? short(value.token) : '—'
    if (source) {
      ui.tokenSource.textContent = TOKEN_SOURCE_TEXT[source]
      ui.tokenSource.dataset.source = source
    }
    tick()
  }

  const tick = () => {
    if (!auth) return
    const left = Date.parse(auth.msg) - Date.now()
    ui.sigRemaining.textContent = left > 0 ? `in ${formatRemaining(left)}` : 'expired'
    ui.sigRemaining.classList.toggle('expired', left <= 0)
  }
  setInterval(tick, 1000)

  const renderNotes = (notes: Note[]) => {
    ui.notes.replaceChildren(
      ...notes.map((note) => {
        const item = document.createElement('li')
        const text = document.createElement('span')
        text.textContent = note.text
        const time = document.createElement('time')
        time.dateTime = note.createdAt
        time.textContent = new Date(note.createdAt).toLocaleString()
        item.append(text, time)
        return item
      }),
    )
    ui.notesEmpty.textContent = notes.length === 0 ? 'No notes yet: write the first one.' : ''
    ui.notesEmpty.hidden = notes.length > 0
  }

  const resetSession = () => {
    session = undefined
    auth = undefined
    ui.credentials.hidden = true
    ui.notes.replaceChildren()
    ui.notesEmpty.textContent = 'Log in to read and write notes.'
    ui.notesEmpty.hidden = false
    ui.threadId.textContent = 'none yet'
    ui.login.textContent = 'Log in'
    setBusy(false)
  }

  const threadKey = () => notesThreadKey(config.hubUrl, current.identity.public.toString())

  const login = async () => {
    clearError()
    resetSession()
    setBusy(true)
    announce('Logging in: signing a challenge from the token function…')
    const identity: PrivateKey = current.identity
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
    const cacheKey = tokenStorageKey(config.hubUrl, identity.public.toString())
    // Wraps the provider so every refresh (the hub client calls it when the signature expires)
    // updates the page too.
    const tracked = async (): Promise<UserAuth> => {
      const cached = storage.get(cacheKey) !== null
      const value = await provider()
      const seen = observer.take()
      const source: TokenSource | undefined = seen
        ? seen.hadToken
          ? 'function'
          : cached
            ? 'cache'
            : 'hub'
        : undefined
      if (identity === current.identity) renderCredentials(value, source)
      return value
    }
    try {
      await tracked()
      const client = Client.withUserAuth(tracked, config.hubUrl)
      session = { client, notes: rememberedNotes(client, storage, threadKey()) }
      ui.login.textContent = 'Log in again'
      if (session.notes) {
        ui.threadId.textContent = session.notes.threadId.toString()
        announce('Logged in. Reading your notes from the hub…')
        try {
          renderNotes(await session.notes.list())
        } catch (error) {
          // The hub lost the thread (e.g. a restarted emulator): start a new one on the next save.
          if (!/not found/i.test(error instanceof Error ? error.message : '')) throw error
          storage.remove(threadKey())
          session.notes = undefined
          ui.threadId.textContent = 'none yet'
          renderNotes([])
        }
      } else renderNotes([])
      announce(`Logged in. ${ui.notes.children.length} note(s) on the hub.`)
    } catch (error) {
      showError(error, 'hub_call_failed')
    } finally {
      setBusy(false)
    }
  }

  ui.login.addEventListener('click', () => void login())

  ui.noteForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = ui.noteText.value.trim()
    if (!session || busy) return
    if (!text) {
      announce('Write something first.')
      ui.noteText.focus()
      return
    }
    void (async () => {
      clearError()
      setBusy(true)
      announce('Saving the note on the hub…')
      try {
        const active = session!
        active.notes ??= await createNotes(active.client, storage, threadKey())
        ui.threadId.textContent = active.notes.threadId.toString()
        await active.notes.add(text)
        const notes = await active.notes.list()
        renderNotes(notes)
        ui.noteText.value = ''
        announce(`Saved. ${notes.length} note(s) on the hub.`)
      } catch (error) {
        showError(error, 'hub_call_failed')
      } finally {
        setBusy(false)
        ui.noteText.focus()
      }
    })()
  })

  ui.exportKey.addEventListener('click', () => {
    if (!ui.exportedField.hidden) return hideExportedKey()
    ui.exportedKey.value = current.identity.toString()
    ui.exportedField.hidden = false
    ui.exportKey.textContent = 'Hide private key'
    ui.exportKey.setAttribute('aria-expanded', 'true')
    ui.exportedKey.select()
  })

  ui.copyKey.addEventListener('click', () => {
    ui.exportedKey.select()
    navigator.clipboard
      ?.writeText(ui.exportedKey.value)
      .then(() => announce('Private key copied. Store it somewhere safe.'))
      .catch(() => announce('Copying was blocked: the key is selected, copy it by hand.'))
  })

  const switchTo = (next: LoadedIdentity) => {
    current = next
    resetSession()
    renderIdentity()
    announce(`${IDENTITY_SOURCE_TEXT[next.source]}: ${short(next.identity.public.toString())}.`)
  }

  ui.importForm.addEventListener('submit', (event) => {
    event.preventDefault()
    clearError()
    try {
      switchTo(importIdentity(storage, ui.importKey.value))
      ui.importKey.value = ''
      ui.importKey.removeAttribute('aria-invalid')
    } catch (error) {
      ui.importKey.setAttribute('aria-invalid', 'true')
      showError(error)
    }
  })

  ui.newIdentity.addEventListener('click', () => {
    clearError()
    switchTo(createIdentity(storage))
  })

  renderIdentity()
  resetSession()
  if (!storage.persistent) showError(new DemoError('storage_unavailable'))
  else
    announce(
      current.source === 'restored'
        ? 'Welcome back: your identity was restored. Log in to continue.'
        : 'A new identity was created in this browser. Log in to get hub credentials.',
    )
}

// @textile/hub can reject inside promises nobody awaits; show those instead of failing silently.
window.addEventListener('unhandledrejection', (event) => showError(event.reason))

void main().catch((error: unknown) => showError(error))
