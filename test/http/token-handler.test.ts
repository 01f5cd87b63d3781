import { Context } from '@textile/context'
import { createAPISig } from '@textile/security'
import { describe, expect, it } from 'vitest'
import { encodeBase64Url, utf8 } from '../../src/core/encoding.ts'
import { THREAD_TOKEN_BACKDATE_SECONDS } from '../../src/core/thread-token.ts'
import { NOW } from '../helpers/clock.ts'
import {
  SECRETS,
  SITE,
  challengeFor,
  deployment,
  login,
  post,
  problem,
  signEnvelope,
} from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'

const decodeJwtPart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString())

describe('POST /api/token', () => {
  it('returns a UserAuth with a thread token in issuer mode', async () => {
    const d = deployment()
    const id = identity()
    const response = await login(d, id)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = await response.json()
    expect(Object.keys(body).sort()).toEqual(['key', 'msg', 'sig', 'token'])
    expect(body.key).toBe(SECRETS.USER_API_KEY)
    expect(body.msg).toBe(new Date(NOW.getTime() + 600_000).toISOString())
    const [, payload] = body.token.split('.')
    expect(decodeJwtPart(payload)).toEqual({
      iat: NOW.getTime() / 1000 - THREAD_TOKEN_BACKDATE_SECONDS,
      iss: 'bbaareihkjjwghyu4kifl55kqpmjs5rpzsvdxnlv6xz5zeqq65jurirwsfq',
      sub: id.public.toString(),
    })
  })

  it('adds exp = now + USER_TOKEN_TTL_SECONDS to the thread token, first, as StandardClaims does', async () => {
    const d = deployment({ USER_TOKEN_TTL_SECONDS: '3600' })
    d.clock.now = new Date(NOW.getTime() + 999) // exp counts whole seconds of now, not of iat
    const id = identity()
    const body = await (await login(d, id)).json()
    const payload = Buffer.from(body.token.split('.')[1], 'base64url').toString()
    const now = NOW.getTime() / 1000
    expect(JSON.parse(payload)).toEqual({
      exp: now + 3600,
      iat: now - THREAD_TOKEN_BACKDATE_SECONDS,
      iss: 'bbaareihkjjwghyu4kifl55kqpmjs5rpzsvdxnlv6xz5zeqq65jurirwsfq',
      sub: id.public.toString(),
    })
    expect(payload.startsWith('{"exp":')).toBe(true)
    // The API signature keeps its own lifetime.
    expect(body.msg).toBe(new Date(NOW.getTime() + 999 + 600_000).toISOString())
  })

  it('mints sig/msg byte-identical to @textile/security createAPISig', async () => {
    const body = await (await login(deployment(), identity())).json()
    expect(await createAPISig(SECRETS.USER_API_SECRET, new Date(body.msg))).toEqual({
      sig: body.sig,
      msg: body.msg,
    })
  })

  it('is accepted field for field by @textile/context Context.fromUserAuth', async () => {
    const body = await (await login(deployment(), identity())).json()
    const context = Context.fromUserAuth(body, 'http://127.0.0.1:6007').toJSON()
    expect(context).toMatchObject({
      'x-textile-api-key': body.key,
      'x-textile-api-sig': body.sig,
      'x-textile-api-sig-msg': body.msg,
      authorization: `bearer ${body.token}`,
    })
  })

  it('leaves the token key out entirely without an issuer key', async () => {
    const d = deployment({ HUB_ISSUER_KEY: undefined })
    const body = await (await login(d, identity())).json()
    expect(Object.keys(body).sort()).toEqual(['key', 'msg', 'sig'])
  })

  it('honours API_SIG_TTL_SECONDS', async () => {
    const d = deployment({ API_SIG_TTL_SECONDS: '120' })
    const body = await (await login(d, identity())).json()
    expect(body.msg).toBe(new Date(NOW.getTime() + 120_000).toISOString())
  })

  it('accepts the signature in standard base64 with and without padding', async () => {
    const d = deployment()
    const id = identity()
    for (const pad of [true, false]) {
      const envelope = await challengeFor(d, id)
      const std = Buffer.from(await id.sign(utf8(envelope))).toString('base64')
      const signature = pad ? std : std.replace(/=+$/, '')
      const response = await d.token(post('/api/token', { envelope, signature }))
      expect(response.status).toBe(200)
    }
  })

  it('throws invalid_signature for a signature by another key', async () => {
    const d = deployment()
    const envelope = await challengeFor(d, identity())
    const response = await d.token(
      post('/api/token', { envelope, signature: await signEnvelope(identity(), envelope) }),
    )
    expect(response.status).toBe(401)
    expect(await problem(response)).toMatchObject({ code: 'invalid_signature', status: 401 })
  })

  it('throws invalid_signature for a signature over other bytes', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id)
    const signature = await signEnvelope(id, envelope + ' ')
    const response = await d.token(post('/api/token', { envelope, signature }))
    expect(await problem(response)).toMatchObject({ code: 'invalid_signature' })
  })

  it('throws invalid_signature for a non-canonical S (S + L)', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id)
    const signature = new Uint8Array(await id.sign(utf8(envelope)))
    // S' = S + L still satisfies the verification equation; RFC 8032 says reject it.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n
    let s = 0n
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]!)
    s += L
    for (let i = 0; i < 32; i++) signature[32 + i] = Number((s >> BigInt(8 * i)) & 0xffn)
    const response = await d.token(
      post('/api/token', { envelope, signature: encodeBase64Url(signature) }),
    )
    expect(await problem(response)).toMatchObject({ code: 'invalid_signature' })
  })

  it('throws invalid_signature for a signature of the wrong length', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id)
    const signature = (await signEnvelope(id, envelope)).slice(0, 80)
    const response = await d.token(post('/api/token', { envelope, signature }))
    expect(await problem(response)).toMatchObject({ code: 'invalid_signature' })
  })

  it('throws invalid_request for a signature that is not base64', async () => {
    const d = deployment()
    const envelope = await challengeFor(d, identity())
    const response = await d.token(post('/api/token', { envelope, signature: 'not base64!' }))
    expect(response.status).toBe(400)
    expect(await problem(response)).toMatchObject({ code: 'invalid_request' })
  })

  it.each([
    ['missing envelope', { signature: 'AAAA' }],
    ['missing signature', { envelope: 'ttp1.a.b.c' }],
    ['numeric envelope', { envelope: 1, signature: 'AAAA' }],
    ['null signature', { envelope: 'ttp1.a.b.c', signature: null }],
  ])('throws invalid_request for %s', async (_name, body) => {
    const response = await deployment().token(post('/api/token', body))
    expect(await problem(response)).toMatchObject({ code: 'invalid_request', status: 400 })
  })

  it('throws envelope_expired when now is past exp plus the skew allowance', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id)
    const signature = await signEnvelope(id, envelope)
    d.clock.now = new Date(NOW.getTime() + 66_000)
    const response = await d.token(post('/api/token', { envelope, signature }))
    expect(response.status).toBe(401)
    expect(await problem(response)).toMatchObject({ code: 'envelope_expired' })
  })

  it('accepts an envelope within the skew allowance after exp', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id)
    const signature = await signEnvelope(id, envelope)
    d.clock.now = new Date(NOW.getTime() + 64_000)
    expect((await d.token(post('/api/token', { envelope, signature }))).status).toBe(200)
  })

  it('throws invalid_envelope for an envelope from another deployment', async () => {
    const other = deployment({ CHALLENGE_SECRET: 'another-deployments-secret-0123456789' })
    const id = identity()
    const envelope = await challengeFor(other, id)
    const response = await deployment().token(
      post('/api/token', { envelope, signature: await signEnvelope(id, envelope) }),
    )
    expect(await problem(response)).toMatchObject({ code: 'invalid_envelope', status: 401 })
  })

  it('throws origin_not_allowed when the envelope was issued to another origin', async () => {
    const d = deployment({ ALLOWED_ORIGINS: 'https://app.example' })
    const id = identity()
    const envelope = await challengeFor(d, id, { origin: 'https://app.example' })
    const signature = await signEnvelope(id, envelope)
    const response = await d.token(post('/api/token', { envelope, signature }, { origin: SITE }))
    expect(response.status).toBe(403)
    expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed' })
  })

  it('throws origin_not_allowed when a browser envelope is replayed without an Origin', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id, { origin: SITE })
    const signature = await signEnvelope(id, envelope)
    const response = await d.token(post('/api/token', { envelope, signature }))
    expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed' })
  })

  it('throws pubkey_not_allowed when the allowlist changed after the challenge', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id)
    d.env.ALLOWED_PUBKEYS = identity().public.toString()
    const response = await d.token(
      post('/api/token', { envelope, signature: await signEnvelope(id, envelope) }),
    )
    expect(response.status).toBe(403)
    expect(await problem(response)).toMatchObject({ code: 'pubkey_not_allowed' })
  })

  it('rotates: an envelope signed by the old secret verifies after the new one is prepended', async () => {
    const d = deployment({ CHALLENGE_SECRET: 'old-secret-000000000000000000000000' })
    const id = identity()
    const envelope = await challengeFor(d, id)
    d.env.CHALLENGE_SECRET =
      'new-secret-111111111111111111111111, old-secret-000000000000000000000000'
    const response = await d.token(
      post('/api/token', { envelope, signature: await signEnvelope(id, envelope) }),
    )
    expect(response.status).toBe(200)
    // Once the old secret is dropped, its envelopes are refused.
    d.env.CHALLENGE_SECRET = 'new-secret-111111111111111111111111'
    const again = await d.token(
      post('/api/token', { envelope, signature: await signEnvelope(id, envelope) }),
    )
    expect(await problem(again)).toMatchObject({ code: 'invalid_envelope' })
  })

  it('derives the challenge key from USER_API_SECRET when CHALLENGE_SECRET is unset', async () => {
    const d = deployment({ CHALLENGE_SECRET: undefined })
    expect((await login(d, identity())).status).toBe(200)
    const id = identity()
    const envelope = await challengeFor(d, id)
    d.env.USER_API_SECRET = 'baebagbafaydqqcikbmga2dqpcaireeyuculbogazdinryhi6d4qa'
    const response = await d.token(
      post('/api/token', { envelope, signature: await signEnvelope(id, envelope) }),
    )
    expect(await problem(response)).toMatchObject({ code: 'invalid_envelope' })
  })

  it('the same envelope and signature replay within the lifetime (stateless bound)', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id)
    const body = { envelope, signature: await signEnvelope(id, envelope) }
    expect((await d.token(post('/api/token', body))).status).toBe(200)
    expect((await d.token(post('/api/token', body))).status).toBe(200)
  })

  it('works for an allowed cross origin and exposes the response to it', async () => {
    const d = deployment({ ALLOWED_ORIGINS: 'https://deploy-preview-*--site.netlify.app' })
    const origin = 'https://deploy-preview-42--site.netlify.app'
    const response = await login(d, identity(), { origin })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(origin)
  })

  it('uses the pubkey from the envelope, not from anything else in the body', async () => {
    const d = deployment()
    const id = identity()
    const envelope = await challengeFor(d, id)
    const signature = await signEnvelope(id, envelope)
    const response = await d.token(
      post('/api/token', { envelope, signature, pubkey: identity().public.toString() }),
    )
    const body = await response.json()
    expect(decodeJwtPart(body.token.split('.')[1]).sub).toBe(id.public.toString())
  })
})
