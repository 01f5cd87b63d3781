// The one place that knows index.html's ids: every view gets its elements from here.
import type { IdentityElements } from './identity-view.ts'
import type { LoginElements } from './login-view.ts'
import type { NotesElements } from './notes-view.ts'
import type { ReplaceDialogElements } from './replace-identity-dialog.ts'
import type { SiteInfoElements } from './site-info-view.ts'
import type { StatusElements } from './status-view.ts'

/** The page's elements, grouped by the view that renders them. */
export interface PageElements {
  status: StatusElements
  site: SiteInfoElements
  identity: IdentityElements
  dialog: ReplaceDialogElements
  login: LoginElements
  notes: NotesElements
}

/**
 * Finds every element the views render into.
 *
 * @throws naming the first id index.html lacks.
 * @example
 * const page = findPageElements()
 * createStatusView(page.status)
 */
export function findPageElements(): PageElements {
  return {
    status: {
      status: findElement('status'),
      elapsed: findElement('status-elapsed'),
      error: findElement('error'),
      errorCode: findElement('error-code'),
      errorSentence: findElement('error-sentence'),
      errorDetail: findElement('error-detail'),
    },
    site: {
      banner: findElement('banner'),
      hubUrl: findElement('hub-url'),
      endpoint: findElement('endpoint'),
      contextLabel: findElement('context-label'),
    },
    identity: {
      kinds: [...document.querySelectorAll<HTMLInputElement>('input[name="identity-kind"]')],
      pubkey: findElement('pubkey'),
      identitySource: findElement('identity-source'),
      browserPanel: findElement('browser-panel'),
      passkeyPanel: findElement('passkey-panel'),
      rawPanel: findElement('raw-panel'),
      newIdentity: findElement('new-identity'),
      usePasskey: findElement('use-passkey'),
      createPasskey: findElement('create-passkey'),
      makeRaw: findElement('make-raw'),
      exportKey: findElement('export-key'),
      moveToBrowser: findElement('move-to-browser'),
      exportedField: findElement('exported-key-field'),
      exportedKey: findElement('exported-key'),
      copyKey: findElement('copy-key'),
      importForm: findElement('import-form'),
      importKey: findElement('import-key'),
    },
    dialog: {
      dialog: findElement('replace-dialog'),
      pubkey: findElement('replace-pubkey'),
      confirm: findElement('replace-confirm'),
    },
    login: {
      login: findElement('login'),
      credentials: findElement('credentials'),
      apiKey: findElement('api-key'),
      sigExpiry: findElement('sig-expiry'),
      sigRemaining: findElement('sig-remaining'),
      tokenSource: findElement('token-source'),
      token: findElement('token'),
      lastEvent: findElement('last-event'),
    },
    notes: {
      noteForm: findElement('note-form'),
      noteText: findElement('note-text'),
      saveNote: findElement('save-note'),
      notesEmpty: findElement('notes-empty'),
      notes: findElement('notes'),
      threadId: findElement('thread-id'),
    },
  }
}

function findElement<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`#${id} is missing from index.html`)
  return found as T
}
