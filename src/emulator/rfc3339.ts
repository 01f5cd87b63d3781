// RFC 3339 timestamps as the hub reads an API signature's msg: Go's time.Parse(time.RFC3339, msg).
// Go keeps nanoseconds; flooring to milliseconds keeps "is it before now?" exact, because the
// emulator's clock has whole milliseconds.

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|([+-])(\d{2}):(\d{2}))$/

/**
 * Parses an RFC 3339 date-time the way Go's `time.Parse(time.RFC3339, …)` accepts it:
 * uppercase `T` and `Z`, real calendar days, seconds 00–59, any fraction length.
 * Returns epoch milliseconds (floored), or undefined.
 *
 * @example
 * parseRfc3339('2030-01-01T00:00:00.000Z') // 1893456000000
 */
export function parseRfc3339(text: string): number | undefined {
  const match = PATTERN.exec(text)
  if (!match) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  let offsetMinutes = 0
  if (match[8] !== 'Z') {
    const hours = Number(match[10])
    const minutes = Number(match[11])
    if (hours > 23 || minutes > 59) return undefined
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (hours * 60 + minutes)
  }
  const fraction = match[7] ?? ''
  const millis = Number((fraction + '000').slice(0, 3))
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, millis)
  return date.getTime() - offsetMinutes * 60_000
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}
