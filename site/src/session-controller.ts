// Logging in and saving notes: drives the login and notes cards through one session at a time
// (hub-session.ts does the SDK and hub calls), and keeps both cards' buttons off while busy. The
// login card, the token source and the status line follow the SDK's events; while a login runs,
// the status names its step and the seconds so far, and a failed login moves the focus to the
// error. Each session owns an
// AbortController: a new login, another identity or leaving the page aborts it, which disposes its
// provider, so no prefetch timer, request or event of an old session outlives it.
import type { TokenSource, UserAuthError, UserAuthEvent } from 'textile-token-provider/client'
import type { SafeStorage } from './browser-storage.ts'
import {
  addNote,
  openHubSession,
  readNotes,
  type HubSession,
  type LoginStep,
} from './hub-session.ts'
import type { LoadedIdentity } from './identity-store.ts'
import type { LoginView } from './login-view.ts'
import type { NotesView } from './notes-view.ts'
import type { SiteConfig } from './site-config.ts'
import type { StatusView } from './status-view.ts'

/** Options of {@link createSessionController}. */
export interface SessionControllerOptions {
  config: SiteConfig
  /** localStorage: the notes thread id. */
  storage: SafeStorage
  /** sessionStorage: the hub's thread token. */
  tokenStorage: SafeStorage
  status: StatusView
  login: LoginView
  notes: NotesView
  /** The identity in use now (it changes when the user replaces it; none until one is chosen). */
  identity: () => LoadedIdentity | undefined
}

/** What the page's buttons call. */
export interface SessionController {
  /** Logs in with the current identity (ending the previous session) and lists its notes. */
  logIn(): Promise<void>
  /** Stores a note in the current session. */
  save(text: string): Promise<void>
  /** Ends the session (another identity, leaving the page, or before the first login). */
  reset(): void
}

/** What the status line says during each step of a login, in the order they come. */
export const LOGIN_STEP_TEXT: Record<LoginStep, string> = {
  challenge: 'Logging in: asking the token function for a challenge…',
  signing: 'Logging in: signing the challenge with your identity…',
  token: 'Logging in: trading the signature for credentials at the token function…',
  hub: 'Logging in: answering the hub’s own challenge for a user token…',
}

const STEP_ORDER: readonly LoginStep[] = ['challenge', 'signing', 'token', 'hub']

const SOURCE_SHORT: Record<TokenSource, string> = {
  function: 'the token function',
  hub: 'the hub',
  cache: 'this browser’s cache',
}

/**
 * The login and notes behaviour of the page.
 *
 * @example
 * const session = createSessionController({ config, storage, tokenStorage, status, login, notes, identity })
 * session.reset()
 */
export function createSessionController(options: SessionControllerOptions): SessionController {
  const { config, storage, status, login, notes } = options
  let session: HubSession | undefined
  let life: AbortController | undefined
  let busy = false
  // The provider's failure during the current action, already shown from its error event: the hub
  // call that needed the credentials then rejects too, and must not replace it.
  let providerError: UserAuthError | undefined

  const setBusy = (value: boolean) => {
    busy = value
    login.setBusy(value)
    notes.setEnabled(!value && session !== undefined)
  }

  const reset = () => {
    life?.abort()
    life = undefined
    status.stopElapsed()
    session = undefined
    login.clear()
    notes.clear()
    setBusy(false)
  }

  // Only the live session's provider sends events: a disposed one sends none.
  const onChange = (event: UserAuthEvent) => {
    login.showEvent(event)
    if (event.type === 'error') {
      providerError = event.error
      // Credentials still held (even expired) mean this was a refresh.
      status.showError(event.error, undefined, event.expiresAt ? 'Signature refresh' : 'Login')
      return
    }
    providerError = undefined
    const source = SOURCE_SHORT[event.tokenSource]
    const until = event.expiresAt.toLocaleTimeString()
    status.announce(
      event.type === 'login'
        ? `Logged in with a user token from ${source}. Reading your notes from the hub…`
        : `Signature refreshed (user token from ${source}), valid until ${until}.`,
    )
  }

  const failed = (error: unknown) => {
    if (!providerError) status.showError(error, 'hub_call_failed')
  }

  const logIn = async () => {
    const loaded = options.identity()
    const identity = loaded?.identity
    if (!identity) return
    status.clearError()
    reset()
    const current = new AbortController()
    life = current
    providerError = undefined
    setBusy(true)
    // Steps only move forward (the hub's challenge is signed too, after the `hub` step), and only
    // while this login runs: the provider's later refreshes take the same steps quietly.
    let reached = -1
    let loggingIn = true
    const onStep = (step: LoginStep) => {
      const index = STEP_ORDER.indexOf(step)
      if (!loggingIn || current.signal.aborted || index <= reached) return
      reached = index
      status.announce(LOGIN_STEP_TEXT[step])
    }
    status.announce(LOGIN_STEP_TEXT.challenge)
    status.startElapsed(performance.now())
    try {
      const opened = await openHubSession({
        config,
        storage,
        tokenStorage: options.tokenStorage,
        identity,
        ...(loaded.link && { link: loaded.link }),
        onChange,
        onStep,
        signal: current.signal,
      }).finally(() => {
        loggingIn = false
        // A newer login may have started its own count meanwhile.
        if (life === current) status.stopElapsed()
      })
      // Ended meanwhile (another identity, another login, the page left): nothing to show.
      if (current.signal.aborted) return
      session = opened
      login.setLoggedIn()
      if (opened.notes) notes.showThread(opened.notes.threadId.toString())
      const list = await readNotes({ session: opened, storage })
      if (current.signal.aborted) return
      notes.showThread(opened.notes?.threadId.toString())
      notes.showNotes(list)
      status.announce(`Logged in. ${list.length} note(s) on the hub.`)
    } catch (error) {
      if (!current.signal.aborted) {
        failed(error)
        status.focusError()
      }
    } finally {
      if (!current.signal.aborted) setBusy(false)
    }
  }

  const save = async (text: string) => {
    if (!session || busy || !life) return
    const active = session
    const current = life
    status.clearError()
    providerError = undefined
    setBusy(true)
    status.announce('Saving the note on the hub…')
    try {
      const list = await addNote({ session: active, storage, text })
      if (current.signal.aborted) return
      notes.showNotes(list)
      notes.resetInput()
      status.announce(`Saved. ${list.length} note(s) on the hub.`)
    } catch (error) {
      if (!current.signal.aborted) failed(error)
    } finally {
      if (!current.signal.aborted) {
        notes.showThread(active.notes?.threadId.toString())
        setBusy(false)
        notes.focusInput()
      }
    }
  }

  return { logIn, save, reset }
}
