// The SDK against the real functions over real sockets on 127.0.0.1, with faults injected where a
// deployed login meets them: the functions unreachable, slow, answering 5xx HTML or truncated
// JSON, dropping the connection after the challenge; the hub down, silent or speaking garbage.
// (The unit tests cover the same codes through a fake fetch; these prove them on the wire.)
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { createUserAuthProvider } from '../../src/client/index.ts'
import type { RequestHandler } from '../../src/index.ts'
import { deployment, type Deployment } from '../helpers/deployment.ts'
import { installWebSocket } from '../helpers/fake-hub.ts'
import { identity } from '../helpers/identity.ts'
import { serveHandlers, type Served } from '../helpers/serve-handlers.ts'

/** What the fault layer does to the next request of a path; `pass` lets it through. */
type Fault = 'pass' | 'html-502' | 'hang' | 'reset-after-headers' | 'truncate-body'

let d: Deployment
let functions: Served
let broken: Server
let brokenOrigin: string
const faults: Record<string, Fault[]> = { '/api/challenge': [], '/api/token': [] }

/** Serves the real handlers, after consuming the scripted faults of each path. */
function withFaults(handlers: Record<string, RequestHandler>): RequestHandler {
  return async (request) => {
    const path = new URL(request.url).pathname
    const fault = faults[path]?.shift() ?? 'pass'
    if (fault === 'html-502') {
      return new Response('<html><body>502 Bad Gateway</body></html>', {
        status: 502,
        headers: { 'content-type': 'text/html' },
      })
    }
    if (fault === 'hang') return new Promise<Response>(() => {})
    return handlers[path]!(request)
  }
}

/** Socket-level faults need the raw response: a second server that misbehaves on purpose. */
function startBroken(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume()
    const fault = faults[req.url ?? '']?.shift()
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' })
    if (fault === 'truncate-body') res.write('{"key":"bk44oyfuzqnvd6mlhbhyyjvq5qai","sig":"b')
    else res.flushHeaders()
    setTimeout(() => req.socket.destroy(), 10)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

/** Routes the SDK: challenge to the real functions, token to `tokenOrigin`. */
const routed =
  (tokenOrigin: () => string) =>
  (url: string, init: RequestInit): Promise<Response> => {
    const path = new URL(url).pathname
    const origin = path === '/api/token' ? tokenOrigin() : functions.origin
    return fetch(origin + path, init)
  }

beforeAll(async () => {
  d = deployment()
  functions = await serveHandlers(
    withFaults({ '/api/challenge': d.challenge, '/api/token': d.token }),
  )
  broken = await startBroken()
  brokenOrigin = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`
})

afterAll(async () => {
  await functions.close()
  broken.closeAllConnections()
  await new Promise((resolve) => broken.close(resolve))
})

describe('createUserAuthProvider() against faulty functions on the wire', () => {
  const provider = (options: { timeoutMs?: number; token?: () => string } = {}) =>
    createUserAuthProvider({
      endpoint: `${functions.origin}/api`,
      identity: identity(),
      fetch: routed(options.token ?? (() => functions.origin)),
      timeoutMs: options.timeoutMs ?? 2000,
    })

  it('logs in through the real functions when nothing goes wrong', async () => {
    await expect(provider()()).resolves.toMatchObject({ key: expect.any(String) })
  })

  it('rejects with network_error when the functions refuse connections', async () => {
    const closed = createTcpServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const login = createUserAuthProvider({
      endpoint: `http://127.0.0.1:${port}/api`,
      identity: identity(),
    })
    await expect(login()).rejects.toMatchObject({ code: 'network_error' })
  })

  it('rejects with network_error when the token connection drops after the headers, then recovers', async () => {
    faults['/api/token']!.push('reset-after-headers')
    let useBroken = true
    const login = provider({ token: () => (useBroken ? brokenOrigin : functions.origin) })
    await expect(login()).rejects.toMatchObject({ code: 'network_error', status: 200 })
    useBroken = false
    await expect(login()).resolves.toMatchObject({ key: expect.any(String) })
  })

  it('rejects with network_error when the token body is cut off mid-JSON', async () => {
    faults['/api/token']!.push('truncate-body')
    const login = provider({ token: () => brokenOrigin })
    await expect(login()).rejects.toMatchObject({ code: 'network_error', status: 200 })
  })

  it('rejects with bad_response and the status for a 502 HTML page in front of /challenge', async () => {
    faults['/api/challenge']!.push('html-502')
    const login = provider()
    await expect(login()).rejects.toMatchObject({ code: 'bad_response', status: 502 })
    await expect(login()).resolves.toMatchObject({ key: expect.any(String) })
  })

  it('rejects with request_timeout when /token never answers, then recovers', async () => {
    faults['/api/token']!.push('hang')
    const login = provider({ timeoutMs: 300 })
    await expect(login()).rejects.toMatchObject({ code: 'request_timeout' })
    await expect(login()).resolves.toMatchObject({ key: expect.any(String) })
  })

  it('rejects with the server code internal_error when the function fails closed', async () => {
    // Single-use mode with no Blobs environment: the real function answers 500 problem+json.
    d.env.SINGLE_USE_ENVELOPES = 'true'
    onTestFinished(() => void (d.env.SINGLE_USE_ENVELOPES = undefined))
    const error = await provider()().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'internal_error', status: 500 })
    expect(error).toHaveProperty('requestId', expect.any(String))
  })
})

describe('createUserAuthProvider() against a faulty hub (hub-challenge mode, real functions)', () => {
  let restore: () => void
  let hubless: Deployment
  let plain: Served
  const servers: { close(): unknown }[] = []

  beforeAll(async () => {
    restore = installWebSocket()
    hubless = deployment({ HUB_ISSUER_KEY: undefined })
    plain = await serveHandlers({
      '/api/challenge': hubless.challenge,
      '/api/token': hubless.token,
    })
  })
  afterAll(async () => {
    restore()
    await plain.close()
    for (const server of servers) await server.close()
  })

  const login = (hubUrl: string, timeoutMs = 2000) =>
    createUserAuthProvider({
      endpoint: `${plain.origin}/api`,
      identity: identity(),
      hubUrl,
      timeoutMs,
    })

  async function listen<T extends TcpServer | Server>(server: T): Promise<string> {
    servers.push({ close: () => new Promise((resolve) => server.close(resolve)) })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it('rejects with hub_unreachable when the hub is down (connection refused)', async () => {
    const probe = createTcpServer()
    const url = await listen(probe)
    await new Promise((resolve) => probe.close(resolve))
    servers.pop()
    const error = await login(url)().catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'hub_unreachable',
      message: 'The hub could not be reached',
    })
    expect((error as { grpcStatus?: number }).grpcStatus).toBeUndefined()
  })

  it('rejects with hub_timeout when the hub accepts TCP and never speaks', async () => {
    const sockets: import('node:net').Socket[] = []
    const silent = createTcpServer((socket) => sockets.push(socket))
    const url = await listen(silent)
    await expect(login(url, 300)()).rejects.toMatchObject({ code: 'hub_timeout' })
    for (const socket of sockets) socket.destroy()
  })

  it('rejects with hub_unreachable when the hub answers the upgrade with an HTML page', async () => {
    const html = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html/>'),
    )
    html.on('upgrade', (_req, socket) => {
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 7\r\n\r\n<html/>')
    })
    await expect(login(await listen(html))()).rejects.toMatchObject({ code: 'hub_unreachable' })
  })

  it('rejects with hub_error when the hub opens the socket, sends garbage frames and closes', async () => {
    const http = createServer()
    const wss = new WebSocketServer({ server: http })
    wss.on('connection', (socket) => {
      socket.send(Buffer.from('\u00ffgarbage that is not a gRPC-web frame'))
      setTimeout(() => socket.close(), 20)
    })
    servers.push({ close: () => new Promise((resolve) => wss.close(resolve)) })
    await expect(login(await listen(http))()).rejects.toMatchObject({ code: 'hub_error' })
  })
})
