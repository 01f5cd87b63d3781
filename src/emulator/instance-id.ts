// Instance ids as go-threads makes them: a lowercase ULID (48-bit millisecond time, 80 random bits,
// Crockford base32), so ids sort by creation time.

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz'

/**
 * A new instance id at `now`.
 *
 * @example
 * newInstanceId(new Date()) // '01hq…' (26 characters)
 */
export function newInstanceId(now: Date): string {
  let time = Math.max(0, Math.floor(now.getTime()))
  let head = ''
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head
    time = Math.floor(time / 32)
  }
  const random = crypto.getRandomValues(new Uint8Array(16))
  let tail = ''
  for (let i = 0; i < 16; i++) tail += CROCKFORD[random[i]! % 32]
  return head + tail
}
