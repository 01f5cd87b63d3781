// Card 2, "Log in": the button and what the SDK's events said (API key, the signature's expiry
// counting down, where the user token came from, the last event).
import type { TokenSource, UserAuthEvent } from 'textile-token-provider/client'
import { formatRemaining } from './countdown.ts'
import { shortKey } from './short-key.ts'

/** The login card's elements in index.html. */
export interface LoginElements {
  login: HTMLButtonElement
  credentials: HTMLElement
  apiKey: HTMLElement
  sigExpiry: HTMLTimeElement
  sigRemaining: HTMLElement
  tokenSource: HTMLElement
  token: HTMLElement
  lastEvent: HTMLElement
}

/** The login card. */
export interface LoginView {
  /** Renders one of the provider's `onChange` events. */
  showEvent(event: UserAuthEvent): void
  /** Back to "not logged in": no credentials shown, no countdown. */
  clear(): void
  setBusy(busy: boolean): void
  /** Whether there is an identity to log in with (the button is off without one). */
  setReady(ready: boolean): void
  setLoggedIn(): void
}

/** Where the user token came from, as the card says it. */
export const TOKEN_SOURCE_TEXT: Record<TokenSource, string> = {
  function: 'the token function (issuer mode: minted with the hub’s host key)',
  hub: 'the hub’s own challenge, answered in this browser (hub-challenge mode)',
  cache: 'this browser’s cache of an earlier hub challenge (hub-challenge mode)',
}

/**
 * Renders the login card; `onLogin` runs on every click of the button.
 *
 * @example
 * const login = createLoginView({ elements, onLogin: () => void logIn() })
 * createUserAuthProvider({ …, onChange: login.showEvent })
 */
export function createLoginView(options: {
  elements: LoginElements
  onLogin: () => void
}): LoginView {
  const ui = options.elements
  let expiresAt: Date | undefined
  let busy = false
  let ready = false
  const enable = () => {
    ui.login.disabled = busy || !ready
  }
  let ticker: ReturnType<typeof setInterval> | undefined

  const tick = () => {
    if (!expiresAt) return
    const left = expiresAt.getTime() - Date.now()
    ui.sigRemaining.textContent = left > 0 ? `in ${formatRemaining(left)}` : 'expired'
    ui.sigRemaining.classList.toggle('expired', left <= 0)
  }
  const count = (until: Date) => {
    expiresAt = until
    ui.sigExpiry.dateTime = until.toISOString()
    ui.sigExpiry.textContent = until.toLocaleTimeString()
    tick()
    ticker ??= setInterval(tick, 1000)
  }
  ui.login.addEventListener('click', options.onLogin)

  return {
    showEvent: (event) => {
      const at = new Date().toLocaleTimeString()
      ui.lastEvent.dataset.type = event.type
      if (event.type === 'error') {
        ui.lastEvent.textContent = `error (${event.error.code}) at ${at}`
        // The credentials the provider still holds, if any (possibly expired).
        if (event.expiresAt) count(event.expiresAt)
        return
      }
      ui.lastEvent.textContent = `${event.type} at ${at}`
      ui.credentials.hidden = false
      ui.apiKey.textContent = event.auth.key
      ui.token.textContent = event.auth.token ? shortKey(event.auth.token) : '—'
      ui.tokenSource.textContent = TOKEN_SOURCE_TEXT[event.tokenSource]
      ui.tokenSource.dataset.source = event.tokenSource
      count(event.expiresAt)
    },
    clear: () => {
      expiresAt = undefined
      clearInterval(ticker)
      ticker = undefined
      ui.credentials.hidden = true
      ui.login.textContent = 'Log in'
    },
    setBusy: (value) => {
      busy = value
      enable()
      ui.login.setAttribute('aria-busy', String(value))
    },
    setReady: (value) => {
      ready = value
      enable()
    },
    setLoggedIn: () => {
      ui.login.textContent = 'Log in again'
    },
  }
}
