// The demo page: an identity kept in this browser → credentials from the two functions through
// the SDK → a real @textile/hub call (notes in a ThreadDB). One view per card (identity-view.ts,
// login-view.ts, notes-view.ts), the status line and error alert (status-view.ts), and the login
// and notes behaviour (session-controller.ts, which follows the SDK's events and disposes each
// session's provider when it ends); this file wires them to the page's elements. Every
// failure is shown with its code and a sentence (error-messages.ts). The private key is shown only
// when the user asks for it.
import { openStorage } from './browser-storage.ts'
import { DemoError } from './error-messages.ts'
import { loadOrCreateIdentity } from './identity-store.ts'
import { createIdentityView } from './identity-view.ts'
import { createLoginView } from './login-view.ts'
import { createNotesView } from './notes-view.ts'
import { findPageElements } from './page-elements.ts'
import { createSessionController } from './session-controller.ts'
import { loadSiteConfig } from './site-config.ts'
import { showSiteInfo } from './site-info-view.ts'
import { createStatusView } from './status-view.ts'

const page = findPageElements()
const status = createStatusView(page.status)

async function main(): Promise<void> {
  const storage = openStorage()
  const config = await loadSiteConfig()
  showSiteInfo({ elements: page.site, config })
  // The views call back only on user actions, after `session` below exists.
  const login = createLoginView({ elements: page.login, onLogin: () => void session.logIn() })
  const notes = createNotesView({
    elements: page.notes,
    onSave: (text) => void session.save(text),
    announce: status.announce,
  })
  const identity = createIdentityView({
    elements: page.identity,
    dialog: page.dialog,
    storage,
    status,
    initial: loadOrCreateIdentity(storage),
    onSwitch: () => session.reset(),
  })
  const session = createSessionController({
    config,
    storage,
    status,
    login,
    notes,
    identity: identity.current,
  })
  session.reset()
  // Leaving the page ends the session: its provider's prefetch timer and requests stop with it. A
  // page restored from the back/forward cache starts logged out.
  window.addEventListener('pagehide', () => session.reset())
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) status.announce('Welcome back: log in again to continue.')
  })
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
