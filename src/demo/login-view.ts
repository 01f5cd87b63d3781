// Card 2, "Log in": the button and the credentials the SDK returned (API key, the signature's
// expiry counting down, where the user token came from).
import type { UserAuth } from '../client/index.ts'
import { formatRemaining } from './countdown.ts'
import { shortKey } from './short-key.ts'
import type { TokenSource } from './token-source.ts'

/** The login card's elements in index.html. */
export interface LoginElements {
  login: HTMLButtonElement
  credentials: HTMLElement
  apiKey: HTMLElement
  sigExpiry: HTMLTimeElement
  sigRemaining: HTMLElement
  tokenSource: HTMLElement
  token: HTMLElement
}

/** The login card. */
export interface LoginView {
  showCredentials(auth: UserAuth, source?: TokenSource): void
  /** Back to "not logged in": no credentials shown. */
  clear(): void
  setBusy(busy: boolean): void
  setLoggedIn(): void
}

const TOKEN_SOURCE_TEXT: Record<TokenSource, string> = {
  function: 'the token function (issuer mode: minted with the hub’s host key)',
  hub: 'the hub’s own challenge, answered in this browser (hub-challenge mode)',
  cache: 'this browser’s cache of an earlier hub challenge (hub-challenge mode)',
}

/**
 * Renders the login card; `onLogin` runs on every click of the button.
 *
 * @example
 * const login = createLoginView({ elements, onLogin: () => void logIn() })
 */
export function createLoginView(options: {
  elements: LoginElements
  onLogin: () => void
}): LoginView {
  const ui = options.elements
  let shown: UserAuth | undefined

  const tick = () => {
    if (!shown) return
    const left = Date.parse(shown.msg) - Date.now()
    ui.sigRemaining.textContent = left > 0 ? `in ${formatRemaining(left)}` : 'expired'
    ui.sigRemaining.classList.toggle('expired', left <= 0)
  }
  setInterval(tick, 1000)
  ui.login.addEventListener('click', options.onLogin)

  return {
    showCredentials: (auth, source) => {
      shown = auth
      ui.credentials.hidden = false
      ui.apiKey.textContent = auth.key
      ui.sigExpiry.dateTime = auth.msg
      ui.sigExpiry.textContent = new Date(auth.msg).toLocaleTimeString()
      ui.token.textContent = auth.token ? shortKey(auth.token) : '—'
      if (source) {
        ui.tokenSource.textContent = TOKEN_SOURCE_TEXT[source]
        ui.tokenSource.dataset.source = source
      }
      tick()
    },
    clear: () => {
      shown = undefined
      ui.credentials.hidden = true
      ui.login.textContent = 'Log in'
    },
    setBusy: (busy) => {
      ui.login.disabled = busy
      ui.login.setAttribute('aria-busy', String(busy))
    },
    setLoggedIn: () => {
      ui.login.textContent = 'Log in again'
    },
  }
}
