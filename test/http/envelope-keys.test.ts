// The single-use store's key scheme: which keys are the project's (and so may ever be deleted),
// and the expiry each one carries. The store may be shared with an app's own data.
import { describe, expect, it } from 'vitest'
import {
  ENVELOPE_KEY_PREFIX,
  envelopeKey,
  expiryOfKey,
  expiryOfLegacyMetadata,
  isEnvelopeKey,
  legacyEnvelopeKeys,
} from '../../src/http/envelope-store.ts'

const NONCE = 'q1w2e3r4t5y6u7i8o9p0aA' // 22 base64url characters, last one of A Q g w
const EXP = new Date('2030-01-01T00:01:00Z')

describe('envelopeKey()', () => {
  it('writes ttp1/<exp>/<nonce>, and expiryOfKey reads the expiry back', () => {
    expect(ENVELOPE_KEY_PREFIX).toBe('ttp1/')
    expect(envelopeKey(NONCE, EXP)).toBe(`ttp1/1893456060/${NONCE}`)
    expect(expiryOfKey(envelopeKey(NONCE, EXP))).toEqual(EXP)
  })

  it('names the keys older versions wrote for the same envelope, only for a real nonce', () => {
    expect(legacyEnvelopeKeys(NONCE, EXP)).toEqual([`1893456060/${NONCE}`, NONCE])
    expect(legacyEnvelopeKeys('2024', EXP)).toEqual([])
    expect(legacyEnvelopeKeys(`${NONCE.slice(0, 21)}B`, EXP)).toEqual([])
  })
})

describe('expiryOfKey() and isEnvelopeKey() in a store shared with app data', () => {
  it.each([
    ['a report key with a year and a month', '2024/01-report'],
    ['a year and a file name', '2024/report.pdf'],
    ['a short number and a nonce-length name', `12345/${NONCE}`],
    ['an 11-digit number', `12345678901/${NONCE}`],
    ['a 10-digit number and a 21-character name', `1893456060/${NONCE.slice(1)}`],
    ['a 10-digit number and a name whose last character carries bits', `1893456060/${NONCE}B`],
    ['a 10-digit number and a name of another alphabet', `1893456060/${NONCE.slice(0, 21)}=`],
    ['a nested path under a 10-digit number', `1893456060/a/${NONCE}`],
    ['a prefix lookalike', `ttp2/1893456060/${NONCE}`],
  ])('reads no expiry from %s and never calls it the project’s', (_name, key) => {
    expect(expiryOfKey(key)).toBeUndefined()
    expect(isEnvelopeKey(key)).toBe(false)
  })

  it.each([
    ['a plain word', 'notes'],
    ['a name one character short of a nonce', NONCE.slice(1)],
    ['a name of nonce length whose last character carries bits', `${NONCE.slice(0, 21)}B`],
  ])('leaves %s alone as a bare key', (_name, key) => {
    expect(isEnvelopeKey(key)).toBe(false)
  })

  it('reads the expiry of the exact legacy `<exp>/<nonce>` shape', () => {
    expect(expiryOfKey(`1893456060/${NONCE}`)).toEqual(EXP)
    expect(isEnvelopeKey(`1893456060/${NONCE}`)).toBe(true)
  })

  it('owns every key under the prefix, even one whose expiry cannot be read', () => {
    expect(isEnvelopeKey('ttp1/odd')).toBe(true)
    expect(expiryOfKey('ttp1/odd')).toBeUndefined()
  })

  it('takes a bare nonce as the project’s only with exactly the metadata the first single-use store wrote', () => {
    const expiresAt = EXP.toISOString()
    expect(isEnvelopeKey(NONCE)).toBe(true)
    expect(expiryOfLegacyMetadata({ expiresAt })).toEqual(EXP)
    expect(expiryOfLegacyMetadata({ expiresAt, owner: 'app' })).toBeUndefined()
    expect(expiryOfLegacyMetadata({ expiresAt: '2030-01-01' })).toBeUndefined()
    expect(expiryOfLegacyMetadata({ expiresAt: 1893456060 })).toBeUndefined()
    expect(expiryOfLegacyMetadata({})).toBeUndefined()
    expect(expiryOfLegacyMetadata(undefined)).toBeUndefined()
  })
})
