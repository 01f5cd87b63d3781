// Card 1, "Your identity": who the user is (an account on every device, this browser only, or a
// raw key string), the public key and where it came from, and each kind's actions: creating an
// account with a passkey or linking this browser with an existing passkey or a wallet (and
// unlinking it), a new browser key (asks first: replace-identity-dialog.ts), and making,
// importing, showing or moving a raw key. Identity functions and storage are in identity-store.ts.
import type { PrivateKey } from '@textile/hub'
import { injectedWallet, rememberedKind, rememberKind, restoreAccount } from './account-store.ts'
import type { SafeStorage } from './browser-storage.ts'
import {
  importRawIdentity,
  linkAccount,
  loadBrowserIdentity,
  makeRawIdentity,
  moveIntoBrowser,
  moveLegacyIntoBrowser,
  parseIdentity,
  replaceBrowserIdentity,
  userKey,
  type IdentityKind,
  type LoadedIdentity,
} from './identity-store.ts'
import { DemoError } from './error-messages.ts'
import { askToReplaceIdentity, type ReplaceDialogElements } from './replace-identity-dialog.ts'
import { shortKey } from './short-key.ts'
import type { StatusView } from './status-view.ts'

/** The identity card's elements in index.html. */
export interface IdentityElements {
  /** The three radio buttons of `name="identity-kind"`. */
  kinds: HTMLInputElement[]
  pubkey: HTMLElement
  identitySource: HTMLElement
  accountPanel: HTMLElement
  browserPanel: HTMLElement
  rawPanel: HTMLElement
  createAccount: HTMLButtonElement
  usePasskey: HTMLButtonElement
  useWallet: HTMLButtonElement
  accountDevice: HTMLElement
  deviceKey: HTMLElement
  forgetAccount: HTMLButtonElement
  newIdentity: HTMLButtonElement
  makeRaw: HTMLButtonElement
  exportKey: HTMLButtonElement
  moveToBrowser: HTMLButtonElement
  exportedField: HTMLElement
  exportedKey: HTMLTextAreaElement
  copyKey: HTMLButtonElement
  importForm: HTMLFormElement
  importKey: HTMLTextAreaElement
}

/** Options of {@link createIdentityView}. */
export interface IdentityViewOptions {
  elements: IdentityElements
  dialog: ReplaceDialogElements
  storage: SafeStorage
  status: StatusView
  /** Called whenever the identity in use changes (undefined: none until the user acts). */
  onSwitch: (next: LoadedIdentity | undefined) => void
}

/** The identity card. */
export interface IdentityView {
  /** The identity in use, if any. */
  current(): LoadedIdentity | undefined
  /** Shows the kind the user chose last time, with its identity when it needs no gesture. */
  start(): Promise<void>
}

const SOURCE_TEXT: Record<IdentityKind, Partial<Record<LoadedIdentity['source'], string>>> = {
  browser: {
    restored: 'Restored from this browser’s key store',
    kept: 'Restored from this browser’s key store',
    created: 'Created just now in this browser',
    moved: 'Moved into this browser’s key store just now',
  },
  account: {
    restored: 'Your account, on this linked browser (no prompt)',
    linked: 'Your account: this browser was linked to it just now',
  },
  raw: {
    created: 'A raw key made just now (this page’s memory only)',
    imported: 'A raw key you imported (this page’s memory only)',
  },
}

const NONE_TEXT: Record<IdentityKind, string> = {
  browser: 'None: this browser could not keep a key',
  account: 'None yet: create an account, or link this browser with your passkey',
  raw: 'None yet: make or import a raw key',
}

/**
 * Renders the identity card and handles its controls.
 *
 * @example
 * const identity = createIdentityView({ elements, dialog, storage, status, onSwitch })
 * await identity.start()
 */
export function createIdentityView(options: IdentityViewOptions): IdentityView {
  const { elements: ui, storage, status } = options
  let kind: IdentityKind = 'browser'
  let current: LoadedIdentity | undefined
  // The raw key stays in memory while the user looks at other kinds (never in storage).
  let raw: LoadedIdentity | undefined

  const hideExportedKey = () => {
    ui.exportedKey.value = ''
    ui.exportedField.hidden = true
    ui.exportKey.textContent = 'Show private key'
    ui.exportKey.setAttribute('aria-expanded', 'false')
  }

  const render = () => {
    for (const input of ui.kinds) input.checked = input.value === kind
    ui.accountPanel.hidden = kind !== 'account'
    ui.browserPanel.hidden = kind !== 'browser'
    ui.rawPanel.hidden = kind !== 'raw'
    const device = current?.link?.device
    ui.accountDevice.hidden = device === undefined
    ui.deviceKey.textContent = device ?? ''
    ui.forgetAccount.hidden = device === undefined
    // Linked: nothing to link; the way to another account is to unlink first.
    ui.createAccount.hidden = device !== undefined
    ui.usePasskey.hidden = device !== undefined
    ui.useWallet.hidden = device !== undefined || injectedWallet() === undefined
    const pubkey = current && userKey(current)
    ui.pubkey.textContent = pubkey ?? '—'
    ui.pubkey.title = pubkey ?? ''
    ui.identitySource.textContent = current
      ? (SOURCE_TEXT[current.kind][current.source] ?? '')
      : NONE_TEXT[kind]
    ui.identitySource.dataset.kind = current?.kind ?? kind
    if (current) ui.identitySource.dataset.source = current.source
    else delete ui.identitySource.dataset.source
    ui.exportKey.disabled = !current?.raw
    ui.moveToBrowser.disabled = !current?.raw
    hideExportedKey()
  }

  const switchTo = (next: LoadedIdentity | undefined, announce = true) => {
    current = next
    if (next?.kind === 'raw') raw = next
    render()
    options.onSwitch(next)
    if (next && announce) {
      const source = SOURCE_TEXT[next.kind][next.source]
      status.announce(`${source}: ${shortKey(userKey(next))}.`)
    }
  }

  /** Runs an identity action; shows its error, if any, without changing the identity. */
  const attempt = async (action: () => Promise<LoadedIdentity | undefined>, busy: string) => {
    status.clearError()
    status.announce(busy)
    try {
      const next = await action()
      if (next) switchTo(next)
      return true
    } catch (error) {
      status.showError(error)
      return false
    }
  }

  const choose = async (next: IdentityKind) => {
    kind = next
    rememberKind(storage, next)
    if (next === 'browser') {
      switchTo(undefined)
      await attempt(() => loadBrowserIdentity(storage), 'Opening this browser’s key store…')
    } else if (next === 'raw') {
      switchTo(raw)
      if (!raw) status.announce('Make a raw key or import one.')
    } else {
      switchTo(undefined)
      await attempt(async () => {
        const restored = await restoreAccount()
        if (!restored) status.announce(ACCOUNT_PROMPT)
        return restored
      }, 'Looking for this browser’s link to an account…')
    }
  }

  for (const input of ui.kinds) {
    input.addEventListener('change', () => {
      if (input.checked) void choose(input.value as IdentityKind)
    })
  }

  /** Replaces this browser's key with `make()` once the user confirms. */
  const replaceBrowserKey = async (
    confirmLabel: string,
    make: () => Promise<LoadedIdentity>,
    busy: string,
  ) => {
    // The key about to be lost is the browser's, whatever is shown now.
    const stored = kind === 'browser' ? current : undefined
    const choice = stored
      ? await askToReplaceIdentity({
          elements: options.dialog,
          pubkey: stored.identity.public.toString(),
          confirmLabel,
        })
      : 'replace'
    if (choice === 'keep') {
      status.announce('Kept your identity: nothing was changed.')
      return false
    }
    return attempt(make, busy)
  }

  ui.newIdentity.addEventListener('click', () => {
    void replaceBrowserKey(
      'Replace it with a new identity',
      replaceBrowserIdentity,
      'Making a new key…',
    )
  })

  ui.createAccount.addEventListener('click', () => {
    void attempt(
      () => linkAccount({ with: 'new-passkey' }),
      'Creating a passkey and linking this browser to it…',
    )
  })

  ui.usePasskey.addEventListener('click', () => {
    void (async () => {
      let none = false
      const used = await attempt(async () => {
        try {
          return await linkAccount({ with: 'passkey' })
        } catch (error) {
          // WebAuthn reports "no passkey here" as a cancel, on purpose: say both, offer to create.
          if ((error as { code?: unknown }).code !== 'passkey_cancelled') throw error
          none = true
          throw new DemoError('no_passkey_used', undefined, { cause: error })
        }
      }, 'Waiting for your passkey…')
      if (!used && none) ui.createAccount.focus()
    })()
  })

  ui.useWallet.addEventListener('click', () => {
    void attempt(() => linkAccount({ with: 'wallet' }), 'Waiting for your wallet…')
  })

  ui.forgetAccount.addEventListener('click', () => {
    const link = current?.link
    if (!link) return
    void attempt(async () => {
      await link.forget()
      switchTo(undefined, false)
      status.announce(
        'This browser is unlinked: its key and link are deleted. Your account and notes stay.',
      )
      return undefined
    }, 'Unlinking this browser…')
  })

  ui.makeRaw.addEventListener('click', () => {
    status.clearError()
    switchTo(makeRawIdentity())
  })

  ui.exportKey.addEventListener('click', () => {
    if (!ui.exportedField.hidden || !current?.raw) return hideExportedKey()
    ui.exportedKey.value = current.raw.toString()
    ui.exportedField.hidden = false
    ui.exportKey.textContent = 'Hide private key'
    ui.exportKey.setAttribute('aria-expanded', 'true')
    ui.exportedKey.focus()
    ui.exportedKey.select()
  })

  ui.copyKey.addEventListener('click', () => {
    ui.exportedKey.select()
    navigator.clipboard
      ?.writeText(ui.exportedKey.value)
      .then(() => status.announce('Private key copied. Store it somewhere safe.'))
      .catch(() => status.announce('Copying was blocked: the key is selected, copy it by hand.'))
  })

  ui.moveToBrowser.addEventListener('click', () => {
    const key: PrivateKey | undefined = current?.raw
    if (!key) return
    void (async () => {
      // Ask about the browser's key, not the raw one on screen; one made just now loses nothing.
      const stored = await loadBrowserIdentity(storage).catch(() => undefined)
      const choice =
        stored && stored.source !== 'created'
          ? await askToReplaceIdentity({
              elements: options.dialog,
              pubkey: stored.identity.public.toString(),
              confirmLabel: 'Replace it with this raw key',
            })
          : 'replace'
      if (choice === 'keep') {
        status.announce('Kept your identity: nothing was changed.')
        return
      }
      const moved = await attempt(async () => {
        const next = await moveIntoBrowser(key)
        kind = 'browser'
        rememberKind(storage, 'browser')
        raw = undefined
        return next
      }, 'Moving the key into this browser’s key store…')
      if (moved) ui.importKey.value = ''
    })()
  })

  ui.importForm.addEventListener('submit', (event) => {
    event.preventDefault()
    status.clearError()
    try {
      parseIdentity(ui.importKey.value)
      ui.importKey.removeAttribute('aria-invalid')
    } catch (error) {
      ui.importKey.setAttribute('aria-invalid', 'true')
      status.showError(error)
      return
    }
    switchTo(importRawIdentity(ui.importKey.value))
    ui.importKey.value = ''
  })

  return {
    current: () => current,
    start: async () => {
      kind = rememberedKind(storage)
      render()
      if (kind === 'browser') {
        let kept: LoadedIdentity | undefined
        await attempt(async () => {
          const loaded = await loadBrowserIdentity(storage)
          switchTo(loaded, false)
          if (loaded.source === 'kept') kept = loaded
          return undefined
        }, 'Opening this browser’s key store…')
        // A key in local storage (an older demo's, or planted) never replaces the stored one
        // unasked: the user sees which key would be lost and chooses.
        if (kept?.legacy) {
          const legacy = kept.legacy
          const choice = await askToReplaceIdentity({
            elements: options.dialog,
            pubkey: kept.identity.public.toString(),
            confirmLabel: 'Replace it with the key from local storage',
          })
          if (choice === 'replace') {
            await attempt(
              () => moveLegacyIntoBrowser(storage, legacy),
              'Moving the key from local storage into this browser’s key store…',
            )
          }
        }
      } else {
        switchTo(undefined)
        await attempt(async () => {
          switchTo(await restoreAccount(), false)
          return undefined
        }, 'Looking for this browser’s link to an account…')
      }
    },
  }
}

/** What the account panel asks of a browser that is not linked yet. */
export const ACCOUNT_PROMPT =
  'Create an account with a passkey, or use your passkey to link this browser to your account.'
