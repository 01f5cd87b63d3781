// Card 1, "Your identity": where the key lives (this browser, a passkey, or a raw key string),
// the public key and where it came from, and each kind's actions: a new browser key (asks first:
// replace-identity-dialog.ts), using or creating a passkey, and making, importing, showing or
// moving a raw key. Identity functions and storage are in identity-store.ts.
import type { PrivateKey } from '@textile/hub'
import type { SafeStorage } from './browser-storage.ts'
import {
  importRawIdentity,
  loadBrowserIdentity,
  makeRawIdentity,
  moveIntoBrowser,
  moveLegacyIntoBrowser,
  parseIdentity,
  rememberedKind,
  rememberKind,
  replaceBrowserIdentity,
  usePasskey,
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
  browserPanel: HTMLElement
  passkeyPanel: HTMLElement
  rawPanel: HTMLElement
  newIdentity: HTMLButtonElement
  usePasskey: HTMLButtonElement
  createPasskey: HTMLButtonElement
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
  passkey: {
    restored: 'Derived from your passkey',
    created: 'Derived from the passkey you just created',
  },
  raw: {
    created: 'A raw key made just now (this page’s memory only)',
    imported: 'A raw key you imported (this page’s memory only)',
  },
}

const NONE_TEXT: Record<IdentityKind, string> = {
  browser: 'None: this browser could not keep a key',
  passkey: 'None yet: use your passkey or create one',
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
    ui.browserPanel.hidden = kind !== 'browser'
    ui.passkeyPanel.hidden = kind !== 'passkey'
    ui.rawPanel.hidden = kind !== 'raw'
    const pubkey = current?.identity.public.toString()
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
      status.announce(`${source}: ${shortKey(next.identity.public.toString())}.`)
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
      status.announce('Use your passkey, or create one.')
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

  ui.usePasskey.addEventListener('click', () => {
    void (async () => {
      let none = false
      const used = await attempt(async () => {
        try {
          return await usePasskey({ create: false })
        } catch (error) {
          // WebAuthn reports "no passkey here" as a cancel, on purpose: say both, offer to create.
          if ((error as { code?: unknown }).code !== 'passkey_cancelled') throw error
          none = true
          throw new DemoError('no_passkey_used', undefined, { cause: error })
        }
      }, 'Waiting for your passkey…')
      if (!used && none) ui.createPasskey.focus()
    })()
  })
  ui.createPasskey.addEventListener('click', () => {
    void attempt(() => usePasskey({ create: true }), 'Creating a passkey…')
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
      }
    },
  }
}
