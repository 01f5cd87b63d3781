// The page's elements by id: index.html and the views must agree, so a missing one fails loudly.

/**
 * The element with this id.
 *
 * @throws when index.html has no such element.
 * @example
 * const login = findElement<HTMLButtonElement>('login')
 */
export function findElement<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`#${id} is missing from index.html`)
  return found as T
}
