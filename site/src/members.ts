// The demo's members-only pages (docs/demo.md, "Members only"). /login/ asks /api/jwt for a JWT
// as the same user as the demo page: the account, when the user chose one there and this browser
// is linked to it (no prompt), else this browser's own key; with JWT_SESSION_COOKIE=true the
// answer sets the session cookie, and the page goes back to where the gate sent it from.
// /members/ (served only through the gate, netlify/edge-functions/gate.ts) logs out.
import {
  createJwtProvider,
  UserAuthError,
  type CreateJwtProviderOptions,
} from 'textile-token-provider/client'
import { browserIdentity, IdentityError } from 'textile-token-provider/identity'
import { rememberedKind, restoreAccount } from './account-store.ts'
import { openStorage } from './browser-storage.ts'

const status = document.getElementById('status')
const login = document.getElementById('login')
const logout = document.getElementById('logout')

function say(text: string): void {
  if (status) status.textContent = text
}

/** The gate's `next`, when it is a path on this site (never `//host` or `/\host`). */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next') ?? ''
  return /^\/(?![/\\])/.test(next) ? next : '/members/'
}

login?.addEventListener('click', () => void logIn())

/** Who logs in: the demo page's account when the user chose one, else this browser's key. */
async function member(): Promise<Pick<CreateJwtProviderOptions, 'identity' | 'link'>> {
  if (rememberedKind(openStorage()) === 'account') {
    const account = await restoreAccount()
    if (account?.link) return { identity: account.identity, link: account.link }
  }
  return { identity: await browserIdentity() }
}

async function logIn(): Promise<void> {
  say('Logging in…')
  let jwt: ReturnType<typeof createJwtProvider> | undefined
  try {
    // Inside the try: a browser without Ed25519 or IndexedDB refuses here, and says so.
    jwt = createJwtProvider({ endpoint: '/api', ...(await member()) })
    await jwt()
    location.assign(nextPath())
  } catch (error) {
    const code =
      error instanceof UserAuthError || error instanceof IdentityError
        ? error.code
        : 'internal_error'
    say(`The login was refused (${code}).`)
  } finally {
    jwt?.dispose()
  }
}

logout?.addEventListener('click', () => void logOut())

async function logOut(): Promise<void> {
  say('Logging out…')
  try {
    const response = await fetch('/api/logout', { method: 'POST' })
    if (response.ok) location.assign('/login/')
    else say(`Logging out failed (${response.status}).`)
  } catch {
    say('Logging out failed: the site could not be reached.')
  }
}
