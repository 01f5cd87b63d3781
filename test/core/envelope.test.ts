import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeBase64Url, utf8 } from '../../src/core/encoding.ts'
import {
  CLOCK_SKEW_SECONDS,
  createChallengeKeyring,
  issueChallenge,
  openChallenge,
  type ChallengeKeyring,
} from '../../src/core/envelope.ts'
import { MAX_ENVELOPE_LENGTH } from '../../src/core/envelope-format.ts'
import { hmacSha256 } from '../../src/core/hmac.ts'
import { NOW } from '../helpers/clock.ts'

const PUBKEY = 'bbaareiekrdr525aj6gk72uw3fu6luxlszjtqtpy5sqjbx43uraa3id3plq'
const keyring = await createChallengeKeyring([utf8('envelope-test-secret-0123456789abcdef')])
const otherKeyring = await createChallengeKeyring([utf8('another-secret-0123456789abcdef0123')])

const issue = (overrides: Partial<Parameters<typeof issueChallenge>[0]> = {}) =>
  issueChallenge({
    keyring,
    pubkey: PUBKEY,
    audience: 'https://site.example',
    now: NOW,
    ttlSeconds: 60,
    ...overrides,
  })

/** Re-signs an arbitrary payload with a keyring's signing key, as a holder of the secret could. */
async function forge(ring: ChallengeKeyring, payload: string, kid = ring.signing.kid) {
  const signed = `ttp1.${kid}.${payload}`
  return `${signed}.${encodeBase64Url(await hmacSha256(ring.signing.key, utf8(signed)))}`
}
const b64json = (value: unknown) => encodeBase64Url(utf8(JSON.stringify(value)))

describe('issueChallenge() / openChallenge()', () => {
  it('round-trips pubkey, audience, times and nonce', async () => {
    const { envelope, expiresAt } = await issue()
    expect(expiresAt).toEqual(new Date(NOW.getTime() + 60_000))
    const claims = await openChallenge({ keyring, envelope, now: NOW })
    expect(claims).toMatchObject({
      pubkey: PUBKEY,
      audience: 'https://site.example',
      issuedAt: NOW,
      expiresAt,
    })
    expect(claims.nonce).toMatch(/^[\w-]{22}$/)
  })

  it('throws envelope_expired when now is past exp plus the skew allowance', async () => {
    const { envelope } = await issue()
    const late = new Date(NOW.getTime() + (60 + CLOCK_SKEW_SECONDS) * 1000 + 1)
    await expect(openChallenge({ keyring, envelope, now: late })).rejects.toMatchObject({
      code: 'envelope_expired',
    })
  })

  it('throws invalid_envelope when issued in the future beyond the skew allowance', async () => {
    const { envelope } = await issue()
    const early = new Date(NOW.getTime() - (CLOCK_SKEW_SECONDS + 1) * 1000)
    await expect(openChallenge({ keyring, envelope, now: early })).rejects.toMatchObject({
      code: 'invalid_envelope',
    })
  })

  it('throws invalid_envelope for another deployment’s secret', async () => {
    const { envelope } = await issueChallenge({
      keyring: otherKeyring,
      pubkey: PUBKEY,
      audience: '',
      now: NOW,
      ttlSeconds: 60,
    })
    await expect(openChallenge({ keyring, envelope, now: NOW })).rejects.toMatchObject({
      code: 'invalid_envelope',
    })
  })

  it('throws invalid_envelope for an unknown key id even with a valid MAC under it', async () => {
    const { envelope } = await issue()
    const [, , payload] = envelope.split('.')
    const forged = await forge(keyring, payload!, 'AAAAAAAA')
    await expect(openChallenge({ keyring, envelope: forged, now: NOW })).rejects.toMatchObject({
      code: 'invalid_envelope',
    })
  })

  it.each([
    ['wrong version', (e: string) => e.replace(/^ttp1/, 'ttp2')],
    ['no version', (e: string) => e.slice(5)],
    ['an extra segment', (e: string) => e + '.AAAA'],
    ['truncated MAC', (e: string) => e.slice(0, -2)],
    ['truncated to the payload', (e: string) => e.split('.').slice(0, 3).join('.')],
    ['empty', () => ''],
    ['padding added', (e: string) => e + '='],
    ['whitespace added', (e: string) => e + ' '],
    ['over the length limit', (e: string) => e + 'A'.repeat(MAX_ENVELOPE_LENGTH)],
  ])('throws invalid_envelope for %s', async (_name, mutate) => {
    const { envelope } = await issue()
    await expect(
      openChallenge({ keyring, envelope: mutate(envelope), now: NOW }),
    ).rejects.toMatchObject({ code: 'invalid_envelope' })
  })

  it.each(['sub', 'aud', 'iat', 'exp', 'nonce'])(
    'throws invalid_envelope when %s is changed under the old MAC',
    async (field) => {
      const { envelope } = await issue()
      const [version, kid, payload, mac] = envelope.split('.')
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
      claims[field] = typeof claims[field] === 'number' ? claims[field] + 3600 : claims[field] + 'x'
      const tampered = [version, kid, b64json(claims), mac].join('.')
      await expect(openChallenge({ keyring, envelope: tampered, now: NOW })).rejects.toMatchObject({
        code: 'invalid_envelope',
      })
    },
  )

  it.each([
    [
      'an extra claim',
      { sub: PUBKEY, aud: '', iat: 1893456000, exp: 1893456060, nonce: 'n', admin: true },
    ],
    ['a missing claim', { sub: PUBKEY, aud: '', iat: 1893456000, exp: 1893456060 }],
    ['a string iat', { sub: PUBKEY, aud: '', iat: '1893456000', exp: 1893456060, nonce: 'n' }],
    ['a fractional exp', { sub: PUBKEY, aud: '', iat: 1893456000, exp: 1893456060.5, nonce: 'n' }],
    ['exp before iat', { sub: PUBKEY, aud: '', iat: 1893456000, exp: 1893455000, nonce: 'n' }],
    ['an array', [PUBKEY]],
  ])('throws invalid_envelope for a correctly MACed payload with %s', async (_name, claims) => {
    const forged = await forge(keyring, b64json(claims))
    await expect(openChallenge({ keyring, envelope: forged, now: NOW })).rejects.toMatchObject({
      code: 'invalid_envelope',
    })
  })

  it('accepts a correctly MACed well-formed payload (the forge helper is sound)', async () => {
    const claims = {
      sub: PUBKEY,
      aud: '',
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 60,
      nonce: 'n',
    }
    const forged = await forge(keyring, b64json(claims))
    await expect(openChallenge({ keyring, envelope: forged, now: NOW })).resolves.toMatchObject({
      pubkey: PUBKEY,
    })
  })

  it('property: any envelope round-trips its pubkey and audience', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.webUrl().map((url) => new URL(url).origin),
        fc.integer({ min: 5, max: 600 }),
        async (pubkey, audience, ttl) => {
          const { envelope } = await issueChallenge({
            keyring,
            pubkey,
            audience,
            now: NOW,
            ttlSeconds: ttl,
          })
          const claims = await openChallenge({ keyring, envelope, now: NOW })
          expect(claims.pubkey).toBe(pubkey)
          expect(claims.audience).toBe(audience)
          expect(claims.expiresAt.getTime() - NOW.getTime()).toBe(ttl * 1000)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('property: flipping any bit of any character is rejected as invalid_envelope', async () => {
    const { envelope } = await issue()
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: envelope.length - 1 }),
        fc.integer({ min: 0, max: 6 }),
        async (index, bit) => {
          const flipped = String.fromCharCode(envelope.charCodeAt(index) ^ (1 << bit))
          const tampered = envelope.slice(0, index) + flipped + envelope.slice(index + 1)
          await expect(
            openChallenge({ keyring, envelope: tampered, now: NOW }),
          ).rejects.toMatchObject({ code: 'invalid_envelope' })
        },
      ),
      { numRuns: 500 },
    )
  })

  it('property: arbitrary strings never open and never throw anything but invalid_envelope', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.stringMatching(/^ttp1\.[\w-]{0,12}\.[\w-]{0,80}\.[\w-]{0,50}$/)),
        async (text) => {
          await expect(openChallenge({ keyring, envelope: text, now: NOW })).rejects.toMatchObject({
            code: 'invalid_envelope',
          })
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('createChallengeKeyring()', () => {
  it('signs with the first secret and verifies with all', async () => {
    const ring = await createChallengeKeyring([
      utf8('new-secret-aaaaaaaaaaaaaaaaaaaaaaaa'),
      utf8('envelope-test-secret-0123456789abcdef'),
    ])
    const { envelope } = await issue()
    await expect(openChallenge({ keyring: ring, envelope, now: NOW })).resolves.toBeTruthy()
    expect(ring.signing.kid).not.toBe(keyring.signing.kid)
    expect(ring.verifying.has(keyring.signing.kid)).toBe(true)
  })

  it('derives the same key id for the same secret on every instance', async () => {
    const again = await createChallengeKeyring([utf8('envelope-test-secret-0123456789abcdef')])
    expect(again.signing.kid).toBe(keyring.signing.kid)
  })
})
