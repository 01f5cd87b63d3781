// Which hub URLs the SDK answers GetToken challenges over. Threat model: whoever sits on the path to
// the hub can swap the hub's challenge for bytes of its choice and take the signature; over plain
// `http:` that is anyone on the network, so the SDK talks to a hub in clear text only on this
// machine (loopback: the local emulator), and over TLS everywhere else.

/**
 * True for an `https:` URL, or an `http:` URL whose host is a loopback address: `localhost`,
 * 127.0.0.0/8 or `[::1]` (as the WHATWG URL parser spells the host, so `127.1` and
 * `[0:0:0:0:0:0:0:1]` count, `127.0.0.1@evil.example` does not).
 *
 * @example
 * isSecureHubUrl('http://127.0.0.1:6007') // true: the local emulator
 * isSecureHubUrl('http://hub.example') // false
 */
export function isSecureHubUrl(hubUrl: string): boolean {
  let url: URL
  try {
    url = new URL(hubUrl)
  } catch {
    return false
  }
  if (url.protocol === 'https:') return true
  if (url.protocol !== 'http:') return false
  const host = url.hostname.toLowerCase()
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * The WebSocket URL of a method on a hub: `https:` becomes `wss:`, `http:` `ws:`.
 *
 * @example
 * hubSocketUrl('https://hub.example/', '/threads.pb.API/GetToken') // 'wss://hub.example/threads.pb.API/GetToken'
 */
export function hubSocketUrl(hubUrl: string, path: string): string {
  const url = new URL(hubUrl)
  const scheme = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}${hubUrl.slice(url.protocol.length).replace(/\/+$/, '')}${path}`
}
