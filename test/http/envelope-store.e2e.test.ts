// Single-use envelopes against Netlify Blobs' own local sandbox (BlobsServer), served on
// 127.0.0.1 from a temporary directory.
import { getStore } from '@netlify/blobs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlobsEnvelopeStore, type EnvelopeStore } from '../../src/index.ts'
import { startBlobsSandbox, type BlobsSandbox } from '../helpers/blobs-sandbox.ts'
import {
  challengeFor,
  deployment,
  post,
  problem,
  signedBody,
  signEnvelope,
} from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'

let sandbox: BlobsSandbox
let TOKEN: string
let store: EnvelopeStore

beforeAll(async () => {
  sandbox = await startBlobsSandbox()
  TOKEN = sandbox.token
  store = createBlobsEnvelopeStore({ client: sandbox.client })
})

afterAll(() => sandbox.close())

const singleUse = (envelopeStore: EnvelopeStore) =>
  deployment({ SINGLE_USE_ENVELOPES: 'true' }, { envelopeStore })

type Payload = { exp: number; nonce: string }
const payloadOf = (envelope: string): Payload =>
  JSON.parse(Buffer.from(envelope.split('.')[2]!, 'base64url').toString('utf8'))

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

  it('writes one entry per redemption, keyed ttp1/<exp>/<nonce>, with its expiry as metadata too', async () => {
    const name = 'key-format'
    const d = singleUse(createBlobsEnvelopeStore({ name, client: sandbox.client }))
    const body = await signedBody(d)
    expect((await d.token(post('/api/token', body))).status).toBe(200)
    const payload = JSON.parse(
      Buffer.from(body.envelope.split('.')[2]!, 'base64url').toString('utf8'),
    ) as { exp: number; nonce: string }
    const raw = getStore({ name, ...sandbox.client })
    const { blobs } = await raw.list()
    expect(blobs.map((blob) => blob.key)).toEqual([`ttp1/${payload.exp}/${payload.nonce}`])
    const expiresAt = new Date(payload.exp * 1000).toISOString()
    expect(await raw.getWithMetadata(blobs[0]!.key)).toMatchObject({
      data: expiresAt,
      metadata: { expiresAt },
    })
  })

  it.each([
    ['<exp>/<nonce> (the version before the prefix)', (p: Payload) => `${p.exp}/${p.nonce}`],
    ['the bare nonce (the first single-use store)', (p: Payload) => p.nonce],
  ])(
    'throws invalid_envelope "already used" for an envelope an older version recorded as %s',
    async (_name, keyOf) => {
      // An upgrade: the envelope was redeemed on the old deploy, then replayed on the new one.
      const name = `upgrade-${keyOf.length}-${Math.random()}`
      const d = singleUse(createBlobsEnvelopeStore({ name, client: sandbox.client }))
      const body = await signedBody(d)
      const payload = payloadOf(body.envelope)
      const expiresAt = new Date(payload.exp * 1000).toISOString()
      const raw = getStore({ name, ...sandbox.client })
      await raw.set(keyOf(payload), expiresAt, { onlyIfNew: true, metadata: { expiresAt } })
      expect(await problem(await d.token(post('/api/token', body)))).toMatchObject({
        code: 'invalid_envelope',
        detail: 'The envelope was already used.',
      })
      // Another envelope of the same deployment is not affected.
      expect((await d.token(post('/api/token', await signedBody(d)))).status).toBe(200)
    },
  )

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
      client: { ...sandbox.client, token: 'not-the-token' },
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
