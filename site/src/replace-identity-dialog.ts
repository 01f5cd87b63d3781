// Asks before this browser's key is replaced (a new key, or a raw key moved in). The key is
// non-extractable, so nothing can back it up first: a replaced key is gone. The dialog is modal
// (the page behind it is inert), opens with focus on "Keep", and every way out that is not the
// replace button (Escape, Enter on the focused button) keeps the key.

/** The dialog's elements in index.html. */
export interface ReplaceDialogElements {
  dialog: HTMLDialogElement
  /** Shows which public key would be lost. */
  pubkey: HTMLElement
  /** The one button that replaces the key (`value="replace"`). */
  confirm: HTMLButtonElement
}

/** What the user chose. */
export type ReplaceChoice = 'keep' | 'replace'

/**
 * Opens the dialog and resolves with the user's choice when it closes.
 *
 * @example
 * const choice = await askToReplaceIdentity({ elements, pubkey, confirmLabel: 'Replace with a new identity' })
 * if (choice === 'replace') await replaceBrowserIdentity()
 */
export function askToReplaceIdentity(options: {
  elements: ReplaceDialogElements
  pubkey: string
  confirmLabel: string
}): Promise<ReplaceChoice> {
  const { dialog, pubkey, confirm } = options.elements
  pubkey.textContent = options.pubkey
  confirm.textContent = options.confirmLabel
  dialog.returnValue = ''
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'replace' ? 'replace' : 'keep'),
      { once: true },
    )
    dialog.showModal()
  })
}
