// Netlify Blobs' own local sandbox (BlobsServer), served on 127.0.0.1 from a temporary directory,
// for the single-use store and its clean-up.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobsServer } from '@netlify/blobs/server'
import { serveHandlers } from './serve-handlers.ts'

/** A running sandbox: where it listens and the credentials a client needs. */
export interface BlobsSandbox {
  origin: string
  token: string
  /** `@netlify/blobs` client settings for this sandbox. */
  client: { siteID: string; token: string; edgeURL: string }
  close(): Promise<void>
}

const TOKEN = 'sandbox-token-0123456789'

/**
 * The sandbox checks `If-None-Match: *` and then writes, with awaits in between, so two PUTs can
 * both pass the check (the hosted service makes the conditional write atomic). Conditional PUTs
 * are queued here to give the sandbox the service's guarantee; everything else goes straight in.
 */
function atomicConditionalWrites(handle: (request: Request) => Promise<Response>) {
  let queue: Promise<unknown> = Promise.resolve()
  return (request: Request) => {
    if (request.method !== 'PUT' || request.headers.get('if-none-match') !== '*') {
      return handle(request)
    }
    const run = queue.then(() => handle(request))
    queue = run.catch(() => undefined)
    return run
  }
}

/** Starts a sandbox in a fresh temporary directory. */
export async function startBlobsSandbox(): Promise<BlobsSandbox> {
  const directory = await mkdtemp(join(tmpdir(), 'ttp-blobs-'))
  const sandbox = new BlobsServer({ directory, token: TOKEN, logger: () => {} })
  // Only its request handler (and the address it resolves paths against): the sandbox's own
  // start() listens on every interface.
  const inside = sandbox as unknown as {
    address: string
    handleRequest(request: Request): Promise<Response>
  }
  const server = await serveHandlers(
    atomicConditionalWrites((request) => inside.handleRequest(request)),
  )
  inside.address = server.origin
  return {
    origin: server.origin,
    token: TOKEN,
    client: { siteID: 'site-1', token: TOKEN, edgeURL: server.origin },
    async close() {
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
