// The demo page: an identity kept in this browser → credentials from the two functions through
// the SDK → a real @textile/hub call (notes in a ThreadDB). One view per card (identity-view.ts,
// login-view.ts, notes-view.ts) plus the status line and error alert (status-view.ts); this file
// finds their elements and wires them together. Every failure is shown with its code and a
// sentence (error-messages.ts). The private key is shown only when the user asks for it.
import { openStorage, type SafeStorage } from './browser-storage.ts'
import { DemoError } from './error-messages.ts'
import { findElement } from './find-element.ts'
import { addNote, openHubSession, readNotes, type HubSession } from './hub-session.ts'
import { loadOrCreateIdentity } from './identity-store.ts'
import { createIdentityView, type IdentityView } from './identity-view.ts'
import { createLoginView } from './login-view.ts'
import { createNotesView } from './notes-view.ts'
import { loadSiteConfig, type SiteConfig } from './site-config.ts'
import { createStatusView, type StatusView } from './status-view.ts'

const status = createStatusView({
  status: findElement('status'),
  error: findElement('error'),
  errorCode: findElement('error-code'),
  errorSentence: findElement('error-sentence'),
  errorDetail: findElement('error-detail'),
})

/** The banner and the footer: which hub, which functions, which deploy context. */
function showSiteInfo(config: SiteConfig): void {
  findElement('hub-url').textContent = config.hubUrl
  findElement('endpoint').textContent = config.endpoint
  if (config.context) findElement('context-label').textContent = `· built for ${config.context}`
  if (config.banner) {
    const banner = findElement('banner')
    banner.textContent = config.banner
    banner.hidden = false
  }
}

/** The three cards, wired: log in with the current identity, then read and write notes. */
function startCards(options: { config: SiteConfig; storage: SafeStorage; status: StatusView }) {
  const { config, storage, status } = options
  let session: HubSession | undefined
  let busy = false
  // Assigned below; the views only call back after the page is wired.
  let identity: IdentityView

  const login = createLoginView({
    elements: {
      login: findElement('login'),
      credentials: findElement('credentials'),
      apiKey: findElement('api-key'),
      sigExpiry: findElement('sig-expiry'),
      sigRemaining: findElement('sig-remaining'),
      tokenSource: findElement('token-source'),
      token: findElement('token'),
    },
    onLogin: () => void logIn(),
  })

  const notes = createNotesView({
    elements: {
      noteForm: findElement('note-form'),
      noteText: findElement('note-text'),
      saveNote: findElement('save-note'),
      notesEmpty: findElement('notes-empty'),
      notes: findElement('notes'),
      threadId: findElement('thread-id'),
    },
    onSave: (text) => void save(text),
    announce: status.announce,
  })

  const setBusy = (value: boolean) => {
    busy = value
    login.setBusy(value)
    notes.setEnabled(!value && session !== undefined)
  }

  const resetSession = () => {
    session = undefined
    login.clear()
    notes.clear()
    setBusy(false)
  }

  const logIn = async () => {
    status.clearError()
    resetSession()
    setBusy(true)
    status.announce('Logging in: signing a challenge from the token function…')
    const { identity: key } = identity.current()
    try {
      session = await openHubSession({
        config,
        storage,
        identity: key,
        // Refreshes of an identity the user has since replaced must not show up.
        onCredentials: (auth, source) => {
          if (identity.current().identity === key) login.showCredentials(auth, source)
        },
      })
      login.setLoggedIn()
      if (session.notes) {
        notes.showThread(session.notes.threadId.toString())
        status.announce('Logged in. Reading your notes from the hub…')
      }
      const list = await readNotes({ session, storage })
      notes.showThread(session.notes?.threadId.toString())
      notes.showNotes(list)
      status.announce(`Logged in. ${list.length} note(s) on the hub.`)
    } catch (error) {
      status.showError(error, 'hub_call_failed')
    } finally {
      setBusy(false)
    }
  }

  const save = async (text: string) => {
    if (!session || busy) return
    const active = session
    status.clearError()
    setBusy(true)
    status.announce('Saving the note on the hub…')
    try {
      const list = await addNote({ session: active, storage, text })
      notes.showNotes(list)
      notes.resetInput()
      status.announce(`Saved. ${list.length} note(s) on the hub.`)
    } catch (error) {
      status.showError(error, 'hub_call_failed')
    } finally {
      notes.showThread(active.notes?.threadId.toString())
      setBusy(false)
      notes.focusInput()
    }
  }

  identity = createIdentityView({
    elements: {
      pubkey: findElement('pubkey'),
      identitySource: findElement('identity-source'),
      keyTools: findElement('key-tools'),
      exportKey: findElement('export-key'),
      exportedField: findElement('exported-key-field'),
      exportedKey: findElement('exported-key'),
      copyKey: findElement('copy-key'),
      importForm: findElement('import-form'),
      importKey: findElement('import-key'),
      newIdentity: findElement('new-identity'),
    },
    dialog: {
      dialog: findElement('replace-dialog'),
      pubkey: findElement('replace-pubkey'),
      confirm: findElement('replace-confirm'),
    },
    storage,
    status,
    initial: loadOrCreateIdentity(storage),
    onSwitch: resetSession,
  })
  resetSession()
  return { identity }
}

async function main(): Promise<void> {
  const storage = openStorage()
  const config = await loadSiteConfig()
  showSiteInfo(config)
  const { identity } = startCards({ config, storage, status })
  if (!storage.persistent) status.showError(new DemoError('storage_unavailable'))
  else
    status.announce(
      identity.current().source === 'restored'
        ? 'Welcome back: your identity was restored. Log in to continue.'
        : 'A new identity was created in this browser. Log in to get hub credentials.',
    )
}

// @textile/hub can reject inside promises nobody awaits; show those instead of failing silently.
window.addEventListener('unhandledrejection', (event) => status.showError(event.reason))

void main().catch((error: unknown) => status.showError(error))
