// Logging in and saving notes: drives the login and notes cards through one session at a time
// (hub-session.ts does the SDK and hub calls), and keeps both cards' buttons off while busy.
import type { SafeStorage } from './browser-storage.ts'
import { addNote, openHubSession, readNotes, type HubSession } from './hub-session.ts'
import type { LoadedIdentity } from './identity-store.ts'
import type { LoginView } from './login-view.ts'
import type { NotesView } from './notes-view.ts'
import type { SiteConfig } from './site-config.ts'
import type { StatusView } from './status-view.ts'

/** Options of {@link createSessionController}. */
export interface SessionControllerOptions {
  config: SiteConfig
  storage: SafeStorage
  status: StatusView
  login: LoginView
  notes: NotesView
  /** The identity in use now (it changes when the user replaces it). */
  identity: () => LoadedIdentity
}

/** What the page's buttons call. */
export interface SessionController {
  /** Logs in with the current identity and lists its notes. */
  logIn(): Promise<void>
  /** Stores a note in the current session. */
  save(text: string): Promise<void>
  /** Forgets the session (another identity, or before the first login). */
  reset(): void
}

/**
 * The login and notes behaviour of the page.
 *
 * @example
 * const session = createSessionController({ config, storage, status, login, notes, identity })
 * session.reset()
 */
export function createSessionController(options: SessionControllerOptions): SessionController {
  const { config, storage, status, login, notes } = options
  let session: HubSession | undefined
  let busy = false

  const setBusy = (value: boolean) => {
    busy = value
    login.setBusy(value)
    notes.setEnabled(!value && session !== undefined)
  }

  const reset = () => {
    session = undefined
    login.clear()
    notes.clear()
    setBusy(false)
  }

  const logIn = async () => {
    status.clearError()
    reset()
    setBusy(true)
    status.announce('Logging in: signing a challenge from the token function…')
    const { identity } = options.identity()
    try {
      session = await openHubSession({
        config,
        storage,
        identity,
        // Refreshes of an identity the user has since replaced must not show up.
        onCredentials: (auth, source) => {
          if (options.identity().identity === identity) login.showCredentials(auth, source)
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

  return { logIn, save, reset }
}
