// The route a function serving several paths dispatches on: the last segment of the request's
// path. netlify dev retries a function's 404 or 403 answer at the same function with `.html`,
// `.htm`, `/index.html` and `/index.htm` appended to the path (netlify-cli's proxy mimics the CDN
// for static files, `alternativePathsFor`; docs/netlify-platform.md §4), so those suffixes are
// dropped: the retry reaches the same endpoint and gets the same answer.

/**
 * The last segment of a URL's path, without a trailing slash or netlify dev's retry suffixes.
 *
 * @example
 * routeSegment('https://site.example/api/challenge.html') // 'challenge'
 */
export function routeSegment(url: string): string {
  const path = new URL(url).pathname.replace(/\/+$/, '').replace(/(?:\/index)?\.html?$/, '')
  return path.slice(path.lastIndexOf('/') + 1)
}
