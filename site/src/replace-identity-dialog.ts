// Asks before the stored private key is replaced. This browser keeps one key and nothing else
// holds it, so a replaced key is gone unless the user exported it. The dialog is modal (the page
// behind it is inert), opens with focus on "Keep", and every way out that is not the replace
// button (Escape, Enter on the focused button, "Export it first") keeps the key.

/** The dialog's elements in index.html. */
export interface ReplaceDialogElements {
  dialog: HTMLDialogElement
  /** Shows which public key would be lost. */
  pubkey: HTMLElement
  /** The one button that replaces the key (`value="replace"`). */
  confirm: HTMLButtonElement
}

/** What the user chose. */
export type ReplaceChoice = 'keep' | 'export' | 'replace'

/**
 * Opens the dialog and resolves with the user's choice when it closes.
 *
 * @example
 * const choice = await askToReplaceIdentity({ elements, pubkey, confirmLabel: 'Replace with a new identity' })
 * if (choice === 'replace') createIdentity(storage)
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
      () => {
        const value = dialog.returnValue
        resolve(value === 'replace' || value === 'export' ? value : 'keep')
      },
      { once: true },
    )
    dialog.showModal()
  })
}
