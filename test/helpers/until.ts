// Waiting for something that happens on its own time (a socket closing, a request arriving):
// polls on real timers and fails the test when it never holds. Never a measure of speed.
import { expect } from 'vitest'

/** Resolves once `check` holds, polling every 5 ms for up to `tries` times; asserts it held. */
export async function until(check: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 5))
  expect(check()).toBe(true)
}
