// Human time left until an instant, for the API signature's expiry.

/**
 * "9 min 58 s", "42 s" or "expired".
 *
 * @example
 * formatRemaining(598_000) // '9 min 58 s'
 */
export function formatRemaining(ms: number): string {
  if (!(ms > 0)) return 'expired'
  const total = Math.floor(ms / 1000)
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`
}
