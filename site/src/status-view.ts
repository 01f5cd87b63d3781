// The page's two messages: the polite status line (what is happening, with the seconds so far
// while a login runs) and the error alert (code, sentence, safe detail; error-messages.ts).
import { describeError, type DemoErrorCode } from './error-messages.ts'

/** Where the status and the error are shown. */
export interface StatusElements {
  status: HTMLElement
  /** Beside the status line: seconds since a long action started (not announced). */
  elapsed: HTMLElement
  error: HTMLElement
  errorCode: HTMLElement
  errorSentence: HTMLElement
  errorDetail: HTMLElement
}

/** Tells the user what happens and what went wrong. */
export interface StatusView {
  /** Replaces the status line (announced politely by screen readers). */
  announce(text: string): void
  /**
   * Shows an error with its code and sentence; unknown errors get `fallback`. The status line says
   * "`failed` failed (code)" when given what failed, else "Stopped by an error (code)".
   */
  showError(error: unknown, fallback?: DemoErrorCode, failed?: string): void
  clearError(): void
  /** Moves the keyboard focus to the error alert (after an action the user started failed). */
  focusError(): void
  /** Shows the seconds since `since` (a `performance.now()` time) beside the status, each second. */
  startElapsed(since: number): void
  stopElapsed(): void
}

/**
 * Renders status and errors into the given elements.
 *
 * @example
 * const status = createStatusView({ status, error, errorCode, errorSentence, errorDetail })
 * status.showError(new DemoError('invalid_key'))
 */
export function createStatusView(elements: StatusElements): StatusView {
  const announce = (text: string) => {
    elements.status.textContent = text
  }
  let ticker: ReturnType<typeof setInterval> | undefined
  const stopElapsed = () => {
    clearInterval(ticker)
    ticker = undefined
    elements.elapsed.hidden = true
    elements.elapsed.textContent = ''
  }
  return {
    announce,
    showError: (error, fallback = 'unexpected_error', failed) => {
      const { code, sentence, detail } = describeError(error, fallback)
      elements.errorCode.textContent = code
      elements.errorSentence.textContent = sentence
      elements.errorDetail.textContent = detail ?? ''
      elements.errorDetail.hidden = !detail
      elements.error.hidden = false
      elements.error.dataset.code = code
      announce(`${failed ? `${failed} failed` : 'Stopped by an error'} (${code}): details below.`)
    },
    clearError: () => {
      elements.error.hidden = true
      delete elements.error.dataset.code
    },
    focusError: () => {
      if (!elements.error.hidden) elements.error.focus()
    },
    startElapsed: (since) => {
      stopElapsed()
      const tick = () => {
        elements.elapsed.textContent = `${Math.floor((performance.now() - since) / 1000)} s`
      }
      tick()
      elements.elapsed.hidden = false
      ticker = setInterval(tick, 1000)
    },
    stopElapsed,
  }
}
