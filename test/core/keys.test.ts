import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeBase32,
  decodeBase64,
  encodeBase32,
  encodeBase64Url,
} from '../../src/core/encoding.ts'
import { importSigningKey, verifySignature } from '../../src/core/ed25519.ts'
import {
  formatPrivateKey,
  formatPublicKey,
  parsePrivateKey,
  parsePublicKey,
} from '../../src/core/keys.ts'
import { identity } from '../helpers/identity.ts'

describe('parsePublicKey()', () => {
  it('decodes identities made by @textile/hub PrivateKey, and signatures they make verify', async () => {
    for (let i = 0; i < 20; i++) {
      const id = identity()
      const raw = parsePublicKey(id.public.toString())
      expect(Buffer.from(raw)).toEqual(Buffer.from(id.public.pubKey))
      expect(formatPublicKey(raw)).toBe(id.public.toString())
      const message = crypto.getRandomValues(new Uint8Array(100))
      const signature = await id.sign(message)
      await expect(verifySignature({ publicKey: raw, message, signature })).resolves.toBe(true)
      message[0]! ^= 1
      await expect(verifySignature({ publicKey: raw, message, signature })).resolves.toBe(false)
    }
  })

  it('reads @textile/hub private key strings', async () => {
    const id = identity()
    const parsed = parsePrivateKey(id.toString())!
    const signer = await importSigningKey(parsed.seed)
    expect(formatPublicKey(signer.publicKey)).toBe(id.public.toString())
    expect(formatPrivateKey(parsed.seed, parsed.publicKey)).toBe(id.toString())
  })

  it('property: any string that is not a key throws invalid_pubkey or unsupported_key_type', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        try {
          parsePublicKey(text)
          return false
        } catch (error) {
          return ['invalid_pubkey', 'unsupported_key_type'].includes(
            (error as { code: string }).code,
          )
        }
      }),
      { numRuns: 2000 },
    )
  })
})

describe('verifySignature()', () => {
  it('returns false (never throws) for a key that is not a curve point', async () => {
    const publicKey = new Uint8Array(32).fill(0xff)
    await expect(
      verifySignature({ publicKey, message: new Uint8Array(1), signature: new Uint8Array(64) }),
    ).resolves.toBe(false)
  })

  it('rejects S = L exactly (non-canonical) before Web Crypto sees it', async () => {
    const signature = new Uint8Array(64)
    signature.set(
      [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14,
      ],
      32,
    )
    signature[63] = 0x10
    const { publicKey } = await importSigningKey(new Uint8Array(32).fill(1))
    await expect(
      verifySignature({ publicKey, message: new Uint8Array(0), signature }),
    ).resolves.toBe(false)
  })
})

describe('encoding', () => {
  it('property: base32 and base64url round-trip any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(decodeBase32(encodeBase32(bytes))).toEqual(bytes)
        expect(decodeBase64(encodeBase64Url(bytes))).toEqual(bytes)
        expect(decodeBase64(Buffer.from(bytes).toString('base64'))).toEqual(bytes)
      }),
    )
  })

  it('rejects mixed base64 alphabets and non-zero trailing bits', () => {
    expect(decodeBase64('ab-/')).toBeUndefined()
    expect(decodeBase64('AB')).toBeUndefined()
    expect(decodeBase32('ab')).toBeUndefined()
  })
})
