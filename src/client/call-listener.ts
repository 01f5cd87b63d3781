// A listener's bug is reported the way the platform reports uncaught errors (browsers, Deno:
// `reportError`), never thrown into the login that told it.

/**
 * Calls `listener(event)`; a throw or a rejected promise from it is reported, not propagated.
 *
 * @example
 * callListener(onChange, { type: 'login', expiresAt })
 */
export function callListener<E>(listener: (event: E) => unknown, event: E): void {
  try {
    const result: unknown = listener(event)
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      ;(result as PromiseLike<unknown>).then(undefined, report)
    }
  } catch (error) {
    report(error)
  }
}

function report(error: unknown): void {
  try {
    ;(globalThis as { reportError?: (error: unknown) => void }).reportError?.(error)
  } catch {
    // Nothing else to do.
  }
}
