// What the websocket adapter believes about an upgrade request: the URL it was opened on (the
// handlers compare the browser's Origin with it), that Origin, and the client's address (for the
// per-client limits).
// Threat model: every header is client-chosen. `Host` must be a plain `host[:port]` (no userinfo,
// path or spaces), or the upgrade is refused. `X-Forwarded-Proto` and the client-address header
// are believed only with `trustProxy`, i.e. when a proxy sets them and nobody reaches the server
// around it; otherwise the scheme is `http` and the address is the socket's peer.
import type { IncomingMessage } from 'node:http'
import { isIP, isIPv4, isIPv6 } from 'node:net'
import { TokenProviderError } from '../core/errors.ts'

/** Where a trusted proxy puts the client's address, unless told otherwise. */
export const DEFAULT_CLIENT_IP_HEADER = 'x-forwarded-for'

/** Options of {@link readUpgradeRequest}. */
export interface UpgradeRequestOptions {
  request: IncomingMessage
  /** The path the socket serves (`/ws/userauth`), appended to the URL. */
  path: string
  /** Believe `X-Forwarded-Proto` and {@link UpgradeRequestOptions.clientIpHeader}; default false. */
  trustProxy?: boolean
  /** The proxy's client-address header (its last entry counts); default `x-forwarded-for`. */
  clientIpHeader?: string
}

/** An upgrade request, as far as it is believed. */
export interface UpgradeRequest {
  /** `http(s)://<Host><path>`: what the handlers see as the request URL. */
  url: string
  /** The browser's `Origin`, if any. */
  origin?: string
  /** The client's IP address ('unknown' when the socket has none). */
  clientIp: string
  /** What per-client limits count by: {@link clientKeyOf} the address. */
  clientKey: string
}

const HOST = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i
const MAX_HOST_LENGTH = 253 + ':65535'.length

/**
 * Reads the URL, Origin and client address of an upgrade request.
 *
 * @throws TokenProviderError `invalid_request` when `Host` is not `host[:port]` (userinfo, a path,
 *   spaces, a bad port), which would otherwise become another URL or none.
 * @example
 * const { url, origin, clientKey } = readUpgradeRequest({ request, path: '/ws/userauth' })
 */
export function readUpgradeRequest(options: UpgradeRequestOptions): UpgradeRequest {
  const { request, trustProxy = false } = options
  const host = request.headers.host ?? 'localhost'
  const scheme = trustProxy ? forwardedScheme(request.headers['x-forwarded-proto']) : 'http'
  let url: URL | undefined
  if (host.length <= MAX_HOST_LENGTH && HOST.test(host)) {
    try {
      url = new URL(`${scheme}://${host}${options.path}`)
    } catch {
      url = undefined // a port over 65535, a bad IPv6 literal
    }
  }
  if (!url || url.username || url.password) {
    throw new TokenProviderError('invalid_request', 'The Host header must be host[:port].')
  }
  const peer = request.socket.remoteAddress ?? 'unknown'
  const forwarded = trustProxy
    ? lastAddress(
        request.headers[(options.clientIpHeader ?? DEFAULT_CLIENT_IP_HEADER).toLowerCase()],
      )
    : undefined
  const clientIp = forwarded ?? peer
  const origin = request.headers.origin
  return { url: url.href, ...(origin && { origin }), clientIp, clientKey: clientKeyOf(clientIp) }
}

/**
 * The key per-client limits count by: an IPv4 address as is (IPv4-mapped IPv6 too), an IPv6
 * address by its /64 (one subscriber's network, as providers hand them out), anything else as is.
 *
 * @throws never.
 * @example
 * clientKeyOf('2001:db8:1:2:3:4:5:6') // '2001:db8:1:2::/64'
 */
export function clientKeyOf(ip: string): string {
  const address = ip.replace(/%.*$/, '')
  if (isIPv4(address)) return address
  if (!isIPv6(address)) return ip
  const groups = ipv6Groups(address)
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high, low] = [groups[6]!, groups[7]!]
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`
}

// The eight 16-bit groups of a valid IPv6 address (checked by isIPv6 first).
function ipv6Groups(address: string): number[] {
  let text = address
  const tail: number[] = []
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    tail.push((a << 8) | b, (c << 8) | d)
    text = text.slice(0, dotted.index)
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1)
  }
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : [])
  const gap = text.indexOf('::')
  if (gap < 0) return [...parse(text), ...tail]
  const head = parse(text.slice(0, gap))
  const rest = [...parse(text.slice(gap + 2)), ...tail]
  return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest]
}

function forwardedScheme(header: string | string[] | undefined): 'http' | 'https' {
  const first = String(header ?? '')
    .split(',')[0]!
    .trim()
    .toLowerCase()
  return first === 'https' || first === 'wss' ? 'https' : 'http'
}

// The last entry of a proxy's address header (the one the trusted proxy itself appended), without
// a port or brackets; undefined when it is not an IP address.
function lastAddress(header: string | string[] | undefined): string | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header]
  const last = values.join(',').split(',').at(-1)?.trim() ?? ''
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(last)
  const withPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(last)
  const address = bracketed?.[1] ?? withPort?.[1] ?? last
  return isIP(address.replace(/%.*$/, '')) ? address : undefined
}
