// Web Storage when the browser allows it; some block it (privacy modes, sandboxed frames) and
// throw on access, so every read and write goes through here and degrades to "not persisted".
// The page keeps only non-secret facts in localStorage (the notes thread id, the kind of identity
// chosen); the hub's thread token goes to sessionStorage, which ends with the tab.

/** A string store that never throws. */
export interface SafeStorage {
  /** False when the browser refused storage: values live only as long as the page. */
  readonly persistent: boolean
  get(key: string): string | null
  set(key: string, value: string): boolean
  remove(key: string): void
}

/**
 * Wraps `localStorage` (or `sessionStorage`), falling back to memory when it is unavailable.
 *
 * @example
 * const storage = openStorage()
 * const tokens = openStorage('session')
 * storage.set('k', 'v')
 */
export function openStorage(area: 'local' | 'session' = 'local'): SafeStorage {
  let backend: Storage | undefined
  try {
    backend = area === 'local' ? globalThis.localStorage : globalThis.sessionStorage
    const probe = 'textile-token-provider:demo:probe'
    backend.setItem(probe, '1')
    backend.removeItem(probe)
  } catch {
    backend = undefined
  }
  const memory = new Map<string, string>()
  return {
    persistent: backend !== undefined,
    get: (key) => {
      try {
        return backend ? backend.getItem(key) : (memory.get(key) ?? null)
      } catch {
        return null
      }
    },
    set: (key, value) => {
      try {
        if (backend) backend.setItem(key, value)
        else memory.set(key, value)
        return true
      } catch {
        return false
      }
    },
    remove: (key) => {
      try {
        if (backend) backend.removeItem(key)
        else memory.delete(key)
      } catch {
        // Nothing to do: the value was not stored either.
      }
    },
  }
}
