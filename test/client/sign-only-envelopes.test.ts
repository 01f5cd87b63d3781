// The SDK is no signing oracle. Whatever `/challenge` answers, the identity signs it only
// when it is an envelope (ttp1, four base64url segments, ≤ 2048 characters, a well-formed payload)
// whose `sub` is this identity's key; anything else is `bad_response` and `sign` is never called.
import { describe, expect } from 'vitest'
import {
  ENVELOPE_VERSION,
  MAX_ENVELOPE_LENGTH,
  readEnvelopePayload,
  splitEnvelope,
} from '../../src/core/envelope-format.ts'
import { createChallengeKeyring, issueChallenge, openChallenge } from '../../src/core/envelope.ts'
import { NOW } from '../helpers/clock.ts'
import { fakeEnvelope } from '../helpers/fake-server.ts'
import { identity, spiedIdentity } from '../helpers/identity.ts'
import { it } from '../helpers/sdk-fixtures.ts'

const b64url = (text: string) => Buffer.from(text).toString('base64url')

/** Challenge answers a hostile or broken endpoint might give, for the key `pubkey`. */
function hostileEnvelopes(pubkey: string): Array<[string, string]> {
  const own = fakeEnvelope(pubkey, NOW).envelope
  const [, kid, payload, mac] = own.split('.')
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
    string,
    unknown
  >
  const withPayload = (value: string) => `ttp1.${kid}.${value}.${mac}`
  return [
    ['arbitrary text', 'I agree to transfer all my data to example.com'],
    ['a JWT', `${b64url('{"alg":"EdDSA"}')}.${b64url(`{"sub":"${pubkey}"}`)}.${mac}`],
    ['a 32-byte hub challenge, base64url', Buffer.alloc(32, 7).toString('base64url')],
    ['a 32-character hub-challenge-looking string', 'a'.repeat(32)],
    [
      'an envelope for another public key',
      fakeEnvelope(identity().public.toString(), NOW).envelope,
    ],
    [
      'an overlong envelope for this key',
      fakeEnvelope(pubkey, NOW, 60, { nonce: 'n'.repeat(2100) }).envelope,
    ],
    ['another version', own.replace(/^ttp1\./, 'ttp2.')],
    ['five segments', `${own}.${mac}`],
    ['three segments', own.slice(0, own.lastIndexOf('.'))],
    ['an empty segment', `ttp1..${payload}.${mac}`],
    ['padding in a segment', withPayload(`${payload}=`)],
    ['leading whitespace', ` ${own}`],
    ['a payload that is not JSON', withPayload(b64url('not json'))],
    [
      'a payload with an extra claim',
      withPayload(b64url(JSON.stringify({ ...claims, admin: true }))),
    ],
    [
      'a payload without nonce',
      withPayload(b64url(JSON.stringify({ ...claims, nonce: undefined }))),
    ],
    [
      'a payload whose sub is not a string',
      withPayload(b64url(JSON.stringify({ ...claims, sub: [pubkey] }))),
    ],
    [
      'a payload with exp before iat',
      withPayload(b64url(JSON.stringify({ ...claims, exp: 1, iat: 2 }))),
    ],
    [
      'a payload that is not UTF-8',
      withPayload(Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')),
    ],
  ]
}

describe('createUserAuthProvider()', () => {
  it.for(hostileEnvelopes('placeholder').map(([name]) => name))(
    'rejects with bad_response and never signs when /challenge answers %s',
    async (name, { userAuthProvider }) => {
      const { identity: id, sign, pubkey } = spiedIdentity()
      const envelope = new Map(hostileEnvelopes(pubkey)).get(name)!
      const { provider, server } = userAuthProvider({
        identity: id,
        server: {
          issuer: true,
          script: { challenge: [{ body: { envelope, expiresAt: NOW.toISOString() } }] },
        },
      })
      await expect(provider()).rejects.toMatchObject({ code: 'bad_response', status: 200 })
      expect(sign).not.toHaveBeenCalled()
      expect(server.state.calls.token).toBe(0)
    },
  )

  it('signs an envelope for its own key, byte for byte', async ({ userAuthProvider }) => {
    const { identity: id, sign } = spiedIdentity()
    const { provider, server } = userAuthProvider({ identity: id, server: { issuer: true } })
    await provider()
    const envelope = server.state.bodies[1]!.body.envelope!
    expect(sign).toHaveBeenCalledOnce()
    expect(new TextDecoder().decode(sign.mock.calls[0]![0])).toBe(envelope)
  })
})

describe('createJwtProvider()', () => {
  it.for(['a JWT', 'an envelope for another public key', 'an overlong envelope for this key'])(
    'rejects with bad_response and never signs when /challenge answers %s',
    async (name, { jwtProvider }) => {
      const { identity: id, sign, pubkey } = spiedIdentity()
      const envelope = new Map(hostileEnvelopes(pubkey)).get(name)!
      const { provider: jwt, server } = jwtProvider({
        identity: id,
        server: { script: { challenge: [{ body: { envelope, expiresAt: NOW.toISOString() } }] } },
      })
      await expect(jwt()).rejects.toMatchObject({ code: 'bad_response', status: 200 })
      expect(sign).not.toHaveBeenCalled()
      expect(server.state.calls.jwt).toBeUndefined()
    },
  )
})

describe('readEnvelopePayload()', () => {
  it('reads the claims of an envelope the real issueChallenge sealed, as openChallenge does', async () => {
    const keyring = await createChallengeKeyring([new TextEncoder().encode('s'.repeat(32))])
    const pubkey = identity().public.toString()
    const { envelope } = await issueChallenge({
      keyring,
      pubkey,
      audience: 'https://site.example',
      now: NOW,
      ttlSeconds: 60,
    })
    const opened = await openChallenge({ keyring, envelope, now: NOW })
    expect(envelope.startsWith(`${ENVELOPE_VERSION}.`)).toBe(true)
    expect(readEnvelopePayload(envelope)).toEqual({
      sub: pubkey,
      aud: 'https://site.example',
      iat: opened.issuedAt.getTime() / 1000,
      exp: opened.expiresAt.getTime() / 1000,
      nonce: opened.nonce,
    })
    expect(splitEnvelope(envelope)?.signed).toBe(envelope.slice(0, envelope.lastIndexOf('.')))
  })

  it('returns undefined for every hostile answer and for non-strings', () => {
    const pubkey = identity().public.toString()
    for (const [name, envelope] of hostileEnvelopes(pubkey)) {
      const payload = readEnvelopePayload(envelope)
      // Another key's envelope is well formed: the SDK refuses it by comparing `sub`.
      if (name === 'an envelope for another public key') expect(payload?.sub).not.toBe(pubkey)
      else expect([name, payload]).toEqual([name, undefined])
    }
    expect(readEnvelopePayload(42)).toBeUndefined()
    expect(readEnvelopePayload(undefined)).toBeUndefined()
  })

  it('accepts an envelope of exactly MAX_ENVELOPE_LENGTH characters and refuses one more', () => {
    const pubkey = identity().public.toString()
    const base = fakeEnvelope(pubkey, NOW, 60, { nonce: '' }).envelope
    // Each 3 nonce characters add 4 payload characters; pad the kid for the remainder.
    const pad = (extra: number) => {
      const nonce = 'n'.repeat(Math.floor(extra / 4) * 3)
      const envelope = fakeEnvelope(pubkey, NOW, 60, { nonce }).envelope
      const [, kid, payload, mac] = envelope.split('.')
      return `ttp1.${kid}${'k'.repeat(MAX_ENVELOPE_LENGTH - envelope.length)}.${payload}.${mac}`
    }
    const exact = pad(MAX_ENVELOPE_LENGTH - base.length)
    expect(exact).toHaveLength(MAX_ENVELOPE_LENGTH)
    expect(readEnvelopePayload(exact)?.sub).toBe(pubkey)
    expect(readEnvelopePayload(exact.replace('.', '.k'))).toBeUndefined()
  })
})
