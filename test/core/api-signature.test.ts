import { createAPISig } from '@textile/security'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeApiSecret, importApiSecret, mintApiSignature } from '../../src/core/api-signature.ts'
import { encodeBase32 } from '../../src/core/encoding.ts'

describe('mintApiSignature()', () => {
  it('property: equals @textile/security createAPISig for random secrets and dates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
        async (bytes, date) => {
          const secret = 'b' + encodeBase32(bytes)
          const key = await importApiSecret(decodeApiSecret(secret)!)
          const ours = await mintApiSignature({ secret: key, expiresAt: date })
          expect(ours).toEqual(await createAPISig(secret, date))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('property: decodes every secret the hub would issue (24 random bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 24 }), (bytes) => {
        expect(decodeApiSecret('b' + encodeBase32(bytes))).toEqual(bytes)
      }),
    )
  })

  it.each(['', 'b', 'zabc', 'B' + 'a'.repeat(39), 'b1'])('refuses %j as a secret', (secret) => {
    expect(decodeApiSecret(secret)).toBeUndefined()
  })
})
