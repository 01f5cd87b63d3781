// Card 1, "Your identity": the public key and where it came from, showing and copying the private
// key, importing one, and making a new one. Replacing the stored key asks first
// (replace-identity-dialog.ts) and offers to export it.
import type { SafeStorage } from './browser-storage.ts'
import {
  createIdentity,
  importIdentity,
  parseIdentity,
  type LoadedIdentity,
} from './identity-store.ts'
import { askToReplaceIdentity, type ReplaceDialogElements } from './replace-identity-dialog.ts'
import { shortKey } from './short-key.ts'
import type { StatusView } from './status-view.ts'

/** The identity card's elements in index.html. */
export interface IdentityElements {
  pubkey: HTMLElement
  identitySource: HTMLElement
  /** The `<details>` around export and import. */
  keyTools: HTMLDetailsElement
  exportKey: HTMLButtonElement
  exportedField: HTMLElement
  exportedKey: HTMLTextAreaElement
  copyKey: HTMLButtonElement
  importForm: HTMLFormElement
  importKey: HTMLTextAreaElement
  newIdentity: HTMLButtonElement
}

/** Options of {@link createIdentityView}. */
export interface IdentityViewOptions {
  elements: IdentityElements
  dialog: ReplaceDialogElements
  storage: SafeStorage
  status: StatusView
  /** The identity shown first. */
  initial: LoadedIdentity
  /** Called after the user switched to another identity (already stored). */
  onSwitch: (next: LoadedIdentity) => void
}

/** The identity card. */
export interface IdentityView {
  /** The identity in use. */
  current(): LoadedIdentity
}

const SOURCE_TEXT: Record<LoadedIdentity['source'], string> = {
  restored: 'Restored from this browser',
  created: 'Created just now in this browser',
  imported: 'Imported just now',
}

/**
 * Renders the identity card and handles its buttons.
 *
 * @example
 * const identity = createIdentityView({ elements, dialog, storage, status, initial, onSwitch })
 * identity.current().identity.public.toString()
 */
export function createIdentityView(options: IdentityViewOptions): IdentityView {
  const { elements: ui, storage, status } = options
  let current = options.initial

  const hideExportedKey = () => {
    ui.exportedKey.value = ''
    ui.exportedField.hidden = true
    ui.exportKey.textContent = 'Show private key'
    ui.exportKey.setAttribute('aria-expanded', 'false')
  }

  const showExportedKey = () => {
    ui.keyTools.open = true
    ui.exportedKey.value = current.identity.toString()
    ui.exportedField.hidden = false
    ui.exportKey.textContent = 'Hide private key'
    ui.exportKey.setAttribute('aria-expanded', 'true')
    ui.exportedKey.focus()
    ui.exportedKey.select()
  }

  const render = () => {
    const pubkey = current.identity.public.toString()
    ui.pubkey.textContent = pubkey
    ui.pubkey.title = pubkey
    ui.identitySource.textContent = SOURCE_TEXT[current.source]
    ui.identitySource.dataset.source = current.source
    hideExportedKey()
  }

  const switchTo = (next: LoadedIdentity) => {
    current = next
    render()
    options.onSwitch(next)
    status.announce(`${SOURCE_TEXT[next.source]}: ${shortKey(next.identity.public.toString())}.`)
  }

  /** Replaces the stored key with `make()` once the user confirms; true when it did. */
  const replaceAfterAsking = async (confirmLabel: string, make: () => LoadedIdentity) => {
    const choice = await askToReplaceIdentity({
      elements: options.dialog,
      pubkey: current.identity.public.toString(),
      confirmLabel,
    })
    if (choice === 'replace') {
      switchTo(make())
      return true
    }
    if (choice === 'export') {
      showExportedKey()
      status.announce('Your private key is shown and selected: save it somewhere safe first.')
    } else status.announce('Kept your identity: nothing was changed.')
    return false
  }

  ui.exportKey.addEventListener('click', () => {
    if (ui.exportedField.hidden) showExportedKey()
    else hideExportedKey()
  })

  ui.copyKey.addEventListener('click', () => {
    ui.exportedKey.select()
    navigator.clipboard
      ?.writeText(ui.exportedKey.value)
      .then(() => status.announce('Private key copied. Store it somewhere safe.'))
      .catch(() => status.announce('Copying was blocked: the key is selected, copy it by hand.'))
  })

  ui.importForm.addEventListener('submit', (event) => {
    event.preventDefault()
    status.clearError()
    const text = ui.importKey.value
    let candidate
    try {
      candidate = parseIdentity(text)
      ui.importKey.removeAttribute('aria-invalid')
    } catch (error) {
      ui.importKey.setAttribute('aria-invalid', 'true')
      status.showError(error)
      return
    }
    const make = () => importIdentity(storage, text)
    const done = () => {
      ui.importKey.value = ''
    }
    // Importing the key already in use loses nothing: no question.
    if (candidate.public.toString() === current.identity.public.toString()) {
      switchTo(make())
      return done()
    }
    void replaceAfterAsking('Replace it with the imported key', make).then((replaced) => {
      if (replaced) done()
    })
  })

  ui.newIdentity.addEventListener('click', () => {
    status.clearError()
    void replaceAfterAsking('Replace it with a new identity', () => createIdentity(storage))
  })

  render()
  return { current: () => current }
}
