import { describe, expect, it } from 'vitest'
import vectors from '../vectors/textile-v1.json' with { type: 'json' }
import { decodeApiSecret, importApiSecret, mintApiSignature } from '../../src/core/api-signature.ts'
import { importSigningKey, sign, verifySignature } from '../../src/core/ed25519.ts'
import { toHex } from '../../src/core/encoding.ts'
import {
  formatPrivateKey,
  formatPublicKey,
  parsePrivateKey,
  parsePublicKey,
} from '../../src/core/keys.ts'
import { mintVectorThreadToken } from '../helpers/textile-vectors.ts'

const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16))

describe('textile-v1 vectors', () => {
  it('publicKey: decodes the key string to the raw key and back', () => {
    const v = vectors.publicKey
    expect(toHex(parsePublicKey(v.publicKeyString))).toBe(v.rawHex)
    expect(formatPublicKey(hex(v.rawHex))).toBe(v.publicKeyString)
  })

  it('publicKey: the seed derives the public key and the private key string', async () => {
    const v = vectors.publicKey
    const signer = await importSigningKey(hex(v.seedHex))
    expect(toHex(signer.publicKey)).toBe(v.rawHex)
    expect(formatPrivateKey(hex(v.seedHex), signer.publicKey)).toBe(v.privateKeyString)
    expect(toHex(parsePrivateKey(v.privateKeyString)!.seed)).toBe(v.seedHex)
  })

  it('signature: signs to the vector and verifies it', async () => {
    const v = vectors.signature
    const signer = await importSigningKey(hex(v.signerSeedHex))
    const signature = await sign(signer, hex(v.messageHex))
    expect(toHex(signature)).toBe(v.signatureHex)
    await expect(
      verifySignature({ publicKey: signer.publicKey, message: hex(v.messageHex), signature }),
    ).resolves.toBe(true)
  })

  it('apiSignature: mints the vector sig and msg', async () => {
    const v = vectors.apiSignature
    const bytes = decodeApiSecret(v.secret)!
    expect(toHex(bytes)).toBe(v.secretBytesHex)
    const result = await mintApiSignature({
      secret: await importApiSecret(bytes),
      expiresAt: new Date(v.date),
    })
    expect(result).toEqual({ sig: v.sig, msg: v.msg })
  })

  it('threadToken: mints the vector token', async () => {
    const v = vectors.threadToken
    const { issuer, token } = await mintVectorThreadToken()
    expect(formatPublicKey(issuer.publicKey)).toBe(v.issuerPublicKeyString)
    expect(token).toBe(v.token)
  })
})
