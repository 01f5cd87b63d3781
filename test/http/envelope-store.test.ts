// Single-use envelopes against Netlify Blobs' own local sandbox (BlobsServer), served on
// 127.0.0.1 from a temporary directory.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobsServer } from '@netlify/blobs/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlobsEnvelopeStore, type EnvelopeStore } from '../../src/index.ts'
import {
  challengeFor,
  deployment,
  identity,
  post,
  problem,
  signEnvelope,
} from '../helpers/fixtures.ts'
import { serveHandlers, type Served } from '../load/http-adapter.ts'

const TOKEN = 'sandbox-token-0123456789'
let directory: string
let server: Served
let store: EnvelopeStore

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

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ttp-blobs-'))
  const sandbox = new BlobsServer({ directory, token: TOKEN, logger: () => {} })
  // Only its request handler (and the address it resolves paths against): the sandbox's own
  // start() listens on every interface.
  const inside = sandbox as unknown as {
    address: string
    handleRequest(request: Request): Promise<Response>
  }
  server = await serveHandlers(atomicConditionalWrites((request) => inside.handleRequest(request)))
  inside.address = server.origin
  store = createBlobsEnvelopeStore({
    client: { siteID: 'site-1', token: TOKEN, edgeURL: server.origin },
  })
})

afterAll(async () => {
  await server.close()
  await rm(directory, { recursive: true, force: true })
})

const singleUse = (envelopeStore: EnvelopeStore) =>
  deployment({ SINGLE_USE_ENVELOPES: 'true' }, { envelopeStore })

async function signedBody(d: ReturnType<typeof deployment>) {
  const id = identity()
  const envelope = await challengeFor(d, id)
  return { envelope, signature: await signEnvelope(id, envelope) }
}

describe('single-use envelopes (SINGLE_USE_ENVELOPES=true, Netlify Blobs sandbox)', () => {
  it('throws invalid_envelope "already used" when an envelope is redeemed twice', async () => {
    const d = singleUse(store)
    const body = await signedBody(d)
    expect((await d.token(post('/api/token', body))).status).toBe(200)
    const again = await d.token(post('/api/token', body))
    expect(again.status).toBe(401)
    expect(await problem(again)).toMatchObject({
      code: 'invalid_envelope',
      detail: 'The envelope was already used.',
    })
  })

  it('lets a fresh envelope of the same key through', async () => {
    const d = singleUse(store)
    const id = identity()
    for (let i = 0; i < 2; i++) {
      const envelope = await challengeFor(d, id)
      const signature = await signEnvelope(id, envelope)
      expect((await d.token(post('/api/token', { envelope, signature }))).status).toBe(200)
    }
  })

  it('gives exactly one 200 to two simultaneous redemptions of one envelope', async () => {
    const d = singleUse(store)
    for (let round = 0; round < 10; round++) {
      const body = await signedBody(d)
      const responses = await Promise.all([
        d.token(post('/api/token', body)),
        d.token(post('/api/token', body)),
      ])
      expect(responses.map((response) => response.status).sort()).toEqual([200, 401])
    }
  })

  it('does not spend the envelope on a request that fails before the signature verifies', async () => {
    const d = singleUse(store)
    const body = await signedBody(d)
    const forged = {
      ...body,
      signature: body.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    }
    expect(await problem(await d.token(post('/api/token', forged)))).toMatchObject({
      code: 'invalid_signature',
    })
    expect((await d.token(post('/api/token', body))).status).toBe(200)
  })

  it('throws internal_error (fails closed, logged) when the store is unreachable', async () => {
    const gone = createBlobsEnvelopeStore({
      client: { siteID: 'site-1', token: TOKEN, edgeURL: 'http://127.0.0.1:9' },
    })
    const d = singleUse(gone)
    const response = await d.token(post('/api/token', await signedBody(d)))
    expect(response.status).toBe(500)
    expect(await problem(response)).toMatchObject({ code: 'internal_error' })
    const line = d.logs.at(-1)!
    expect(line).toMatchObject({ level: 'error', fn: 'token', code: 'internal_error' })
    expect(JSON.stringify(d.logs)).not.toContain(TOKEN)
  })

  it('throws internal_error when the store refuses the credentials', async () => {
    const wrong = createBlobsEnvelopeStore({
      client: { siteID: 'site-1', token: 'not-the-token', edgeURL: server.origin },
    })
    const d = singleUse(wrong)
    const response = await d.token(post('/api/token', await signedBody(d)))
    expect(await problem(response)).toMatchObject({ code: 'internal_error', status: 500 })
  })

  it('throws internal_error outside Netlify when no Blobs environment is configured', async () => {
    const d = deployment({ SINGLE_USE_ENVELOPES: 'true' })
    const response = await d.token(post('/api/token', await signedBody(d)))
    expect(await problem(response)).toMatchObject({ code: 'internal_error' })
    expect(d.logs.at(-1)?.error).toMatch(/Blobs/)
  })

  it('never touches the store in the default stateless mode', async () => {
    const untouchable: EnvelopeStore = {
      claim: () => {
        throw new Error('the store was used')
      },
    }
    const d = deployment({}, { envelopeStore: untouchable })
    const body = await signedBody(d)
    expect((await d.token(post('/api/token', body))).status).toBe(200)
    expect((await d.token(post('/api/token', body))).status).toBe(200)
  })

  it('throws server_misconfigured for a SINGLE_USE_ENVELOPES that is not true or false', async () => {
    const d = deployment({ SINGLE_USE_ENVELOPES: 'yes' })
    const response = await d.challenge(
      post('/api/challenge', { pubkey: identity().public.toString() }),
    )
    expect(await problem(response)).toMatchObject({
      code: 'server_misconfigured',
      detail: expect.stringContaining('SINGLE_USE_ENVELOPES'),
    })
  })
})
