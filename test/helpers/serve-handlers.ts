// A plain node:http server in front of Netlify-style handlers (Request → Response), for load runs
// over a real socket. Binds 127.0.0.1 on a free port; `close()` ends it and its keep-alive sockets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { RequestHandler } from '../../src/index.ts'

/** A running server. */
export interface Served {
  /** `http://127.0.0.1:<port>` */
  origin: string
  close(): Promise<void>
}

/**
 * Serves handlers by exact path (anything else is a 404), or one handler for every path.
 *
 * @example
 * const server = await serveHandlers({ '/api/challenge': challenge, '/api/token': token })
 */
export async function serveHandlers(
  routes: Record<string, RequestHandler> | RequestHandler,
): Promise<Served> {
  const server = createServer((req, res) => {
    bridge(routes, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

async function bridge(
  routes: Record<string, RequestHandler> | RequestHandler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`)
  const handler = typeof routes === 'function' ? routes : routes[url.pathname]
  if (!handler) {
    res.writeHead(404).end()
    return
  }
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  }
  const aborted = new AbortController()
  res.on('close', () => aborted.abort())
  const method = req.method ?? 'GET'
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal: aborted.signal }
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>
    init.duplex = 'half'
  }
  const response = await handler(new Request(url, init), {})
  res.writeHead(response.status, [...response.headers].flat())
  if (response.body && method !== 'HEAD') {
    const reader = response.body.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      res.write(chunk.value)
    }
  }
  res.end()
}
