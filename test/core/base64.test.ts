// The core's base64 against the table-driven codec it replaced (kept below as the
// reference, from src/core/encoding.ts before the split): the same answer for every input.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64, encodeBase64Url } from '../../src/core/base64.ts'

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const B64_INDEX = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) B64_INDEX[B64URL.charCodeAt(i)] = i
B64_INDEX['+'.charCodeAt(0)] = 62
B64_INDEX['/'.charCodeAt(0)] = 63

/** The previous decoder, verbatim. */
function referenceDecode(text: string): Uint8Array | undefined {
  let end = text.length
  if (end % 4 === 0 && end > 0) {
    if (text.charCodeAt(end - 1) === 61) end--
    if (text.charCodeAt(end - 1) === 61) end--
  }
  if (end % 4 === 1) return undefined
  let url = false
  let std = false
  const out = new Uint8Array(Math.floor((end * 3) / 4))
  let buffer = 0
  let bits = 0
  let index = 0
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? B64_INDEX[code]! : -1
    if (value < 0) return undefined
    if (code === 45 || code === 95) url = true
    else if (code === 43 || code === 47) std = true
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[index++] = (buffer >>> bits) & 0xff
    }
    buffer &= (1 << bits) - 1
  }
  if (url && std) return undefined
  if (buffer !== 0) return undefined
  return out
}

/** Strings over the base64 alphabets, padding and a few strangers, biased to near-valid. */
const text = fc.string({
  unit: fc.constantFrom(...'AQgw09az+/-_=', ' ', '\n', '.', 'é', '\u0000'),
  maxLength: 24,
})

describe('decodeBase64()', () => {
  it('answers exactly as the table-driven decoder for any string', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 12 })), (input) => {
        expect(decodeBase64(input)).toEqual(referenceDecode(input))
      }),
      { numRuns: 20_000 },
    )
  })

  it('reads every encoding of any bytes: base64url and standard, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const standard = Buffer.from(bytes).toString('base64')
        expect(decodeBase64(encodeBase64Url(bytes))).toEqual(bytes)
        expect(decodeBase64(standard)).toEqual(bytes)
        expect(decodeBase64(standard.replace(/=+$/, ''))).toEqual(bytes)
        const url = Buffer.from(bytes).toString('base64url')
        expect(decodeBase64(url + '='.repeat((4 - (url.length % 4)) % 4))).toEqual(bytes)
      }),
    )
  })

  it.each([
    ['mixed alphabets', 'ab-/'],
    ['non-zero trailing bits', 'AB'],
    ['padding short of a multiple of four', 'AA='],
    ['three padding characters', 'A==='],
    ['padding inside', 'AA==AA=='],
    ['a single character over', 'AAAAA'],
    ['whitespace', 'AA AA'],
  ])('returns undefined for %s', (_name, input) => {
    expect(decodeBase64(input)).toBeUndefined()
    expect(referenceDecode(input)).toBeUndefined()
  })
})

describe('encodeBase64Url()', () => {
  it('writes unpadded base64url, as Buffer does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(encodeBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'))
      }),
    )
  })
})
