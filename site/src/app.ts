// The demo page: an identity (by default a key this browser keeps and no script can read, or a
// passkey, or a raw key: identity-store.ts) → credentials from the two functions through the SDK
// → a real @textile/hub call (notes in a ThreadDB). One view per card (identity-view.ts,
// login-view.ts, notes-view.ts), the status line and error alert (status-view.ts), and the login
// and notes behaviour (session-controller.ts, which follows the SDK's events and disposes each
// session's provider when it ends); this file wires them to the page's elements. Every
// failure is shown with its code and a sentence (error-messages.ts). Only a raw key can be shown,
// and only when the user asks; the hub's thread token lives in sessionStorage.
import { openStorage } from './browser-storage.ts'
import { DemoError } from './error-messages.ts'
import type { LoadedIdentity } from './identity-store.ts'
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

const WELCOME: Record<LoadedIdentity['source'], string> = {
  restored: 'Welcome back: your identity was restored. Log in to continue.',
  created: 'A new identity was created in this browser. Log in to get hub credentials.',
  moved: 'Your key was moved from local storage into this browser’s key store. Log in to continue.',
  kept:
    'Kept your identity. Another key, left in local storage by an older version of this page, ' +
    'was not moved in. Log in to continue.',
  imported: 'Log in to get hub credentials.',
}

async function main(): Promise<void> {
  const storage = openStorage()
  const tokenStorage = openStorage('session')
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
    onSwitch: (next) => {
      session.reset()
      login.setReady(next !== undefined)
    },
  })
  const session = createSessionController({
    config,
    storage,
    tokenStorage,
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
  await identity.start()
  if (!storage.persistent) status.showError(new DemoError('storage_unavailable'))
  const current = identity.current()
  if (current) status.announce(WELCOME[current.source])
  // Without an identity, start() has shown why (an error) or it waits for the user's passkey.
  else if (page.status.error.hidden) status.announce('Welcome back: use your passkey to log in.')
}

// @textile/hub can reject inside promises nobody awaits; show those instead of failing silently.
window.addEventListener('unhandledrejection', (event) => status.showError(event.reason))

void main().catch((error: unknown) => status.showError(error))
