// Long keys and tokens, shortened for display (the full value stays in the element's title or in
// the export field).

/**
 * The first 12 and last 8 characters of a long key.
 *
 * @example
 * shortKey('bbaareia…') // 'bbaareiaxyz0…6edabg7u'
 */
export function shortKey(key: string): string {
  return key.length > 24 ? `${key.slice(0, 12)}…${key.slice(-8)}` : key
}
