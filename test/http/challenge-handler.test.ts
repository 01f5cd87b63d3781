import { describe, expect, it } from 'vitest'
import { encodeBase32 } from '../../src/core/encoding.ts'
import { NOW } from '../helpers/clock.ts'
import { SITE, deployment, post, problem, signEnvelope } from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'

/** A libp2p public key string of another type (1 = Ed25519; 0 RSA, 2 Secp256k1, 3 ECDSA). */
const keyOfType = (type: number, length: number) =>
  'b' + encodeBase32(new Uint8Array([0x08, type, 0x12, length, ...new Uint8Array(length).fill(7)]))

describe('POST /api/challenge', () => {
  it('issues an envelope and its RFC 3339 expiry', async () => {
    const d = deployment()
    const response = await d.challenge(
      post('/api/challenge', { pubkey: identity().public.toString() }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = await response.json()
    expect(body.envelope).toMatch(/^ttp1\.[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(body.expiresAt).toBe(new Date(NOW.getTime() + 60_000).toISOString())
  })

  it('issues a different envelope every time (random nonce)', async () => {
    const d = deployment()
    const pubkey = identity().public.toString()
    const a = await (await d.challenge(post('/api/challenge', { pubkey }))).json()
    const b = await (await d.challenge(post('/api/challenge', { pubkey }))).json()
    expect(a.envelope).not.toBe(b.envelope)
  })

  it('honours CHALLENGE_TTL_SECONDS', async () => {
    const d = deployment({ CHALLENGE_TTL_SECONDS: '30' })
    const body = await (
      await d.challenge(post('/api/challenge', { pubkey: identity().public.toString() }))
    ).json()
    expect(body.expiresAt).toBe(new Date(NOW.getTime() + 30_000).toISOString())
  })

  it.each([
    ['garbage', 'hello'],
    ['empty', ''],
    ['wrong multibase prefix', 'z' + identity().public.toString().slice(1)],
    ['truncated', identity().public.toString().slice(0, 40)],
    ['uppercase base32', identity().public.toString().toUpperCase()],
    ['a private key string', identity().toString()],
    ['an Ed25519 key of 31 bytes', keyOfType(1, 31)],
    ['an unknown key type', keyOfType(9, 32)],
  ])('throws invalid_pubkey for %s', async (_name, pubkey) => {
    const response = await deployment().challenge(post('/api/challenge', { pubkey }))
    expect(response.status).toBe(400)
    expect(await problem(response)).toMatchObject({ code: 'invalid_pubkey' })
  })

  it.each([
    ['RSA', 0],
    ['Secp256k1', 2],
    ['ECDSA', 3],
  ])('throws unsupported_key_type for a %s key', async (_name, type) => {
    const response = await deployment().challenge(
      post('/api/challenge', { pubkey: keyOfType(type, 33) }),
    )
    expect(response.status).toBe(400)
    expect(await problem(response)).toMatchObject({ code: 'unsupported_key_type' })
  })

  it.each([
    ['not JSON', '{"pubkey":'],
    ['a JSON array', '[]'],
    ['a JSON string', '"bbaarei"'],
    ['null', 'null'],
    ['no pubkey', '{}'],
    ['a numeric pubkey', '{"pubkey":1}'],
    ['pubkey only in the prototype', '{"__proto__":{"pubkey":"x"}}'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d])],
  ])('throws invalid_request for %s', async (_name, body) => {
    const request = new Request('https://site.example/api/challenge', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    const response = await deployment().challenge(request)
    expect(response.status).toBe(400)
    expect(await problem(response)).toMatchObject({ code: 'invalid_request' })
  })

  it('throws pubkey_not_allowed for a key outside ALLOWED_PUBKEYS', async () => {
    const allowed = identity()
    const d = deployment({ ALLOWED_PUBKEYS: ` ${allowed.public.toString()} , ` })
    const refused = await d.challenge(
      post('/api/challenge', { pubkey: identity().public.toString() }),
    )
    expect(refused.status).toBe(403)
    expect(await problem(refused)).toMatchObject({ code: 'pubkey_not_allowed' })
    const ok = await d.challenge(post('/api/challenge', { pubkey: allowed.public.toString() }))
    expect(ok.status).toBe(200)
  })

  it('consults the policy hook with the key, origin and stage', async () => {
    const seen: unknown[] = []
    const d = deployment(
      {},
      {
        policy: ({ pubkey, origin, stage }) => {
          seen.push({ origin, stage })
          return pubkey.endsWith('a')
        },
      },
    )
    let id = identity()
    while (!id.public.toString().endsWith('a')) id = identity()
    const ok = await d.challenge(post('/api/challenge', { pubkey: id.public.toString() }))
    expect(ok.status).toBe(200)
    expect(seen).toEqual([{ origin: '', stage: 'challenge' }])
    let other = identity()
    while (other.public.toString().endsWith('a')) other = identity()
    const refused = await d.challenge(post('/api/challenge', { pubkey: other.public.toString() }))
    expect(await problem(refused)).toMatchObject({ code: 'pubkey_not_allowed' })
  })
})

describe('POLICY_AT_CHALLENGE: the allowlist and the policy at token time only', () => {
  /** A policy that refuses `refused` and records every call's stage and key. */
  function recordingPolicy(refused: string) {
    const calls: { stage: string; pubkey: string }[] = []
    const policy = ({ pubkey, stage }: { pubkey: string; stage: string }) => {
      calls.push({ stage, pubkey })
      return pubkey !== refused
    }
    return { calls, policy }
  }

  /** challenge → sign → token for `id`; both responses. */
  async function loginOf(d: ReturnType<typeof deployment>, id: ReturnType<typeof identity>) {
    const challenge = await d.challenge(
      post('/api/challenge', { pubkey: id.public.toString() }, { origin: SITE }),
    )
    if (challenge.status !== 200) return { challenge }
    const { envelope } = (await challenge.clone().json()) as { envelope: string }
    const signature = await signEnvelope(id, envelope)
    const token = await d.token(post('/api/token', { envelope, signature }, { origin: SITE }))
    return { challenge, token }
  }

  it.each(['false', 'FALSE', ' False '])(
    'with %j, a key outside ALLOWED_PUBKEYS gets an envelope, then pubkey_not_allowed at /api/token',
    async (value) => {
      const allowed = identity()
      const refused = identity()
      const d = deployment({
        POLICY_AT_CHALLENGE: value,
        ALLOWED_PUBKEYS: allowed.public.toString(),
      })
      const { challenge, token } = await loginOf(d, refused)
      expect(challenge.status).toBe(200)
      expect(token?.status).toBe(403)
      expect(await problem(token!)).toMatchObject({ code: 'pubkey_not_allowed' })
      expect((await loginOf(d, allowed)).token?.status).toBe(200)
    },
  )

  it('with false, the policy hook is never asked at challenge time, only at token time', async () => {
    const refused = identity()
    const { calls, policy } = recordingPolicy(refused.public.toString())
    const d = deployment({ POLICY_AT_CHALLENGE: 'false' }, { policy })
    const { challenge, token } = await loginOf(d, refused)
    expect(challenge.status).toBe(200)
    expect(await problem(token!)).toMatchObject({ code: 'pubkey_not_allowed', status: 403 })
    const admitted = identity()
    expect((await loginOf(d, admitted)).token?.status).toBe(200)
    expect(calls).toEqual([
      { stage: 'token', pubkey: refused.public.toString() },
      { stage: 'token', pubkey: admitted.public.toString() },
    ])
  })

  it('with false, the challenge answer is the same for refused and admitted keys', async () => {
    const refused = identity()
    const { policy } = recordingPolicy(refused.public.toString())
    const d = deployment(
      { POLICY_AT_CHALLENGE: 'false', ALLOWED_PUBKEYS: refused.public.toString() },
      { policy },
    )
    const shape = async (id: ReturnType<typeof identity>) => {
      const response = await d.challenge(post('/api/challenge', { pubkey: id.public.toString() }))
      return {
        status: response.status,
        headers: [...response.headers.keys()].sort(),
        body: Object.keys(await response.json()).sort(),
      }
    }
    // `refused` passes the allowlist but not the policy; a stranger passes neither.
    expect(await shape(refused)).toEqual(await shape(identity()))
  })

  it.each(['no', '0', 'yes', 'off'])(
    'throws server_misconfigured naming POLICY_AT_CHALLENGE for %j, at both endpoints',
    async (value) => {
      const d = deployment({ POLICY_AT_CHALLENGE: value })
      const challenge = await d.challenge(
        post('/api/challenge', { pubkey: identity().public.toString() }),
      )
      const token = await d.token(post('/api/token', { envelope: 'x', signature: 'AA' }))
      for (const response of [challenge, token]) {
        expect(response.status).toBe(500)
        const body = await problem(response)
        expect(body).toMatchObject({
          code: 'server_misconfigured',
          detail: 'POLICY_AT_CHALLENGE must be true or false.',
        })
      }
    },
  )

  it.each([
    ['unset', {}],
    ['true', { POLICY_AT_CHALLENGE: 'true' }],
  ] as const)(
    'when %s (the default), both run at challenge time too, and again at token time',
    async (_name, env) => {
      const allowed = identity()
      const refused = identity()
      const { calls, policy } = recordingPolicy(refused.public.toString())
      const d = deployment(
        { ...env, ALLOWED_PUBKEYS: `${allowed.public.toString()},${refused.public.toString()}` },
        { policy },
      )
      const outside = await loginOf(
        deployment({ ...env, ALLOWED_PUBKEYS: allowed.public.toString() }),
        identity(),
      )
      expect(await problem(outside.challenge)).toMatchObject({ code: 'pubkey_not_allowed' })
      expect(outside.token).toBeUndefined()
      const denied = await loginOf(d, refused)
      expect(await problem(denied.challenge)).toMatchObject({ code: 'pubkey_not_allowed' })
      expect(denied.token).toBeUndefined()
      expect((await loginOf(d, allowed)).token?.status).toBe(200)
      expect(calls.map((call) => call.stage)).toEqual(['challenge', 'challenge', 'token'])
    },
  )
})

describe('both endpoints: transport', () => {
  const endpoints = ['challenge', 'token'] as const

  it.each(endpoints)('%s: answers GET with 405 and an Allow header', async (name) => {
    const response = await deployment()[name](new Request(`https://site.example/api/${name}`))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST, OPTIONS')
    expect(await problem(response)).toMatchObject({ code: 'method_not_allowed', status: 405 })
  })

  it.each(endpoints)('%s: answers PUT and DELETE with 405', async (name) => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const request = new Request(`https://site.example/api/${name}`, { method, body: '{}' })
      expect((await deployment()[name](request)).status).toBe(405)
    }
  })

  it.each(endpoints)(
    '%s: throws unsupported_media_type without a JSON content type',
    async (name) => {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/jsonp',
        '',
      ]) {
        const request = new Request(`https://site.example/api/${name}`, {
          method: 'POST',
          headers: type ? { 'content-type': type } : {},
          body: '{}',
        })
        const response = await deployment()[name](request)
        expect(response.status).toBe(415)
        expect(await problem(response)).toMatchObject({ code: 'unsupported_media_type' })
      }
    },
  )

  it.each(endpoints)(
    '%s: matches the JSON media type case-insensitively with parameters',
    async (name) => {
      const request = post(`/api/${name}`, '{}', {
        'content-type': 'Application/JSON; charset=UTF-8',
      })
      expect(await problem(await deployment()[name](request))).toMatchObject({
        code: 'invalid_request',
      })
    },
  )

  it.each(endpoints)('%s: throws payload_too_large for a body over 8 KiB', async (name) => {
    const body = JSON.stringify({ pubkey: 'x'.repeat(8 * 1024) })
    const response = await deployment()[name](post(`/api/${name}`, body))
    expect(response.status).toBe(413)
    expect(await problem(response)).toMatchObject({ code: 'payload_too_large' })
  })

  it.each(endpoints)('%s: accepts a body of exactly 8 KiB', async (name) => {
    const body = JSON.stringify({ pad: '' })
    const exact = JSON.stringify({ pad: 'x'.repeat(8 * 1024 - body.length) })
    expect(exact.length).toBe(8 * 1024)
    const response = await deployment()[name](post(`/api/${name}`, exact))
    expect(response.status).toBe(400)
  })

  it.each(endpoints)('%s: counts a streamed body without Content-Length', async (name) => {
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1024
        controller.enqueue(new Uint8Array(1024).fill(0x20))
        if (sent > 1024 * 1024) controller.close()
      },
    })
    const request = new Request(`https://site.example/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(request.headers.get('content-length')).toBeNull()
    const response = await deployment()[name](request)
    expect(response.status).toBe(413)
    // It stopped reading soon after the limit instead of draining a megabyte.
    expect(sent).toBeLessThan(32 * 1024)
  })

  it.each(endpoints)(
    '%s: rejects a declared Content-Length over the limit before reading',
    async (name) => {
      const request = post(`/api/${name}`, '{}', { 'content-length': '9000' })
      expect((await deployment()[name](request)).status).toBe(413)
    },
  )

  it.each(endpoints)(
    '%s: throws origin_not_allowed for a foreign origin, without CORS headers',
    async (name) => {
      const response = await deployment()[name](
        post(`/api/${name}`, {}, { origin: 'https://evil.example' }),
      )
      expect(response.status).toBe(403)
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
      expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed' })
    },
  )

  it.each(endpoints)('%s: refuses the opaque origin "null"', async (name) => {
    const response = await deployment()[name](post(`/api/${name}`, {}, { origin: 'null' }))
    expect(await problem(response)).toMatchObject({ code: 'origin_not_allowed' })
  })

  it.each(endpoints)('%s: answers an allowed preflight with 204 and CORS headers', async (name) => {
    const d = deployment({ ALLOWED_ORIGINS: 'https://app.example' })
    const response = await d[name](
      new Request(`https://site.example/api/${name}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      }),
    )
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS')
    expect(response.headers.get('access-control-allow-headers')).toBe('Content-Type')
  })

  it.each(endpoints)('%s: refuses a preflight from a foreign origin', async (name) => {
    const response = await deployment()[name](
      new Request(`https://site.example/api/${name}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example' },
      }),
    )
    expect(response.status).toBe(403)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })

  it.each(endpoints)('%s: lets an allowed cross origin read its errors', async (name) => {
    const d = deployment({ ALLOWED_ORIGINS: 'https://app.example' })
    const response = await d[name](post(`/api/${name}`, '[]', { origin: 'https://app.example' }))
    expect(response.status).toBe(400)
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })

  it.each(endpoints)('%s: treats the deploy URLs as the site’s own origins', async (name) => {
    const d = deployment({
      DEPLOY_PRIME_URL: 'https://deploy-preview-3--site.netlify.app',
      DEPLOY_URL: 'https://0123abcd--site.netlify.app',
    })
    for (const origin of [
      'https://deploy-preview-3--site.netlify.app',
      'https://0123abcd--site.netlify.app',
    ]) {
      const response = await d[name](post(`/api/${name}`, '[]', { origin }))
      expect(response.headers.get('access-control-allow-origin')).toBe(origin)
    }
  })

  it.each(endpoints)(
    '%s: problem bodies carry type, title, status, code and a request id',
    async (name) => {
      const response = await deployment()[name](
        post(`/api/${name}`, '[]', { 'x-nf-request-id': '01HXYZ-test' }),
      )
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      const body = await problem(response)
      expect(body).toEqual({
        type: 'urn:textile-token-provider:error:invalid_request',
        title: expect.any(String),
        status: 400,
        code: 'invalid_request',
        detail: expect.any(String),
        requestId: '01HXYZ-test',
      })
    },
  )
})
