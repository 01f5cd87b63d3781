// The core's crypto seam: every textile-v1 vector and the envelope round trip give the same bytes
// with Web Crypto and with the node:crypto provider, passed explicitly; keys stay with the
// provider that imported them, and Ed25519 strictness (S < L) runs before any provider sees a
// signature.
import { webcrypto } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import vectors from '../vectors/textile-v1.json' with { type: 'json' }
import { decodeApiSecret, importApiSecret, mintApiSignature } from '../../src/core/api-signature.ts'
import { type CryptoProvider } from '../../src/core/crypto-provider.ts'
import { importSigningKey, sign, verifySignature } from '../../src/core/ed25519.ts'
import { toHex, utf8 } from '../../src/core/encoding.ts'
import {
  createChallengeKeyring,
  deriveChallengeSecret,
  issueChallenge,
  openChallenge,
} from '../../src/core/envelope.ts'
import { hmacSha256, importHmacKey } from '../../src/core/hmac.ts'
import { formatPublicKey } from '../../src/core/keys.ts'
import { webCryptoProvider } from '../../src/core/web-crypto.ts'
import { nodeCryptoProvider } from '../../src/node/crypto.ts'
import { NOW } from '../helpers/clock.ts'
import { mintVectorThreadToken } from '../helpers/textile-vectors.ts'

const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16))
const PUBKEY = vectors.threadToken.subjectPublicKeyString

/** A provider that records what reaches it. */
function spyProvider(base: CryptoProvider): CryptoProvider & { verifies: number } {
  const spy = {
    ...base,
    name: 'spy',
    verifies: 0,
    ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) {
      spy.verifies++
      return base.ed25519Verify(publicKey, message, signature)
    },
  }
  return spy
}

describe.each([
  ['Web Crypto', webCryptoProvider],
  ['node:crypto', nodeCryptoProvider],
] as const)('core vectors with %s', (name, provider) => {
  it('publicKey: the seed derives the vector public key', async () => {
    const signer = await importSigningKey(hex(vectors.publicKey.seedHex), provider)
    expect(toHex(signer.publicKey)).toBe(vectors.publicKey.rawHex)
    expect(signer.provider).toBe(provider)
  })

  it('signature: signs to the vector and verifies it', async () => {
    const v = vectors.signature
    const signer = await importSigningKey(hex(v.signerSeedHex), provider)
    const signature = await sign(signer, hex(v.messageHex))
    expect(toHex(signature)).toBe(v.signatureHex)
    await expect(
      verifySignature({
        publicKey: signer.publicKey,
        message: hex(v.messageHex),
        signature,
        crypto: provider,
      }),
    ).resolves.toBe(true)
    const flipped = signature.slice()
    flipped[0]! ^= 1
    await expect(
      verifySignature({
        publicKey: signer.publicKey,
        message: hex(v.messageHex),
        signature: flipped,
        crypto: provider,
      }),
    ).resolves.toBe(false)
  })

  it('apiSignature: mints the vector sig and msg', async () => {
    const v = vectors.apiSignature
    const secret = await importApiSecret(decodeApiSecret(v.secret)!, provider)
    expect(secret.provider).toBe(provider)
    const result = await mintApiSignature({ secret, expiresAt: new Date(v.date) })
    expect(result).toEqual({ sig: v.sig, msg: v.msg })
  })

  it('threadToken: mints the vector token', async () => {
    const v = vectors.threadToken
    const { issuer, token } = await mintVectorThreadToken(provider)
    expect(formatPublicKey(issuer.publicKey)).toBe(v.issuerPublicKeyString)
    expect(token).toBe(v.token)
  })

  it('deriveChallengeSecret: equals Web Crypto HKDF-SHA256 deriveBits', async () => {
    const secret = vectors.apiSignature.secret
    const base = await webcrypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, [
      'deriveBits',
    ])
    const params = {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(0),
      info: utf8('textile-token-provider/v1 challenge-hmac'),
    }
    const expected = new Uint8Array(await webcrypto.subtle.deriveBits(params, base, 256))
    expect(toHex(await deriveChallengeSecret(secret, provider))).toBe(toHex(expected))
  })

  it('envelopes: one issued with this provider opens with the other, and vice versa', async () => {
    const secret = utf8('bench-challenge-secret-0123456789abcdef')
    const mine = await createChallengeKeyring([secret], provider)
    const other = await createChallengeKeyring(
      [secret],
      provider === nodeCryptoProvider ? webCryptoProvider : nodeCryptoProvider,
    )
    expect(mine.signing.kid).toBe(other.signing.kid)
    for (const [issuer, opener] of [
      [mine, other],
      [other, mine],
    ]) {
      const { envelope } = await issueChallenge({
        keyring: issuer!,
        pubkey: PUBKEY,
        audience: '',
        now: NOW,
        ttlSeconds: 60,
      })
      await expect(openChallenge({ keyring: opener!, envelope, now: NOW })).resolves.toMatchObject({
        pubkey: PUBKEY,
      })
    }
  })

  it(`rejects S = L + S' (non-canonical) before ${name} sees it`, async () => {
    const spy = spyProvider(provider)
    const v = vectors.signature
    const signer = await importSigningKey(hex(v.signerSeedHex), provider)
    const signature = hex(v.signatureHex)
    // S + L: the same point equation holds, so only the strict check can refuse it.
    const L = hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
    let carry = 0
    for (let i = 0; i < 32; i++) {
      const sum = signature[32 + i]! + L[i]! + carry
      signature[32 + i] = sum & 0xff
      carry = sum >> 8
    }
    expect(carry).toBe(0)
    await expect(
      verifySignature({
        publicKey: signer.publicKey,
        message: hex(v.messageHex),
        signature,
        crypto: spy,
      }),
    ).resolves.toBe(false)
    expect(spy.verifies).toBe(0)
  })

  it('returns false (never throws) for a public key that is not a point', async () => {
    const publicKey = new Uint8Array(32).fill(0xff)
    await expect(
      verifySignature({
        publicKey,
        message: new Uint8Array(0),
        signature: new Uint8Array(64),
        crypto: provider,
      }),
    ).resolves.toBe(false)
  })
})

describe('crypto providers', () => {
  it('keep their keys: a key made by one provider is used by that provider only', async () => {
    const webKey = await importHmacKey(utf8('key'))
    const nodeKey = await importHmacKey(utf8('key'), nodeCryptoProvider)
    expect(webKey.provider).toBe(webCryptoProvider)
    expect(nodeKey.provider).toBe(nodeCryptoProvider)
    expect(nodeKey.handle).not.toBeInstanceOf(CryptoKey)
    const data = utf8('data')
    expect(toHex(await hmacSha256(nodeKey, data))).toBe(toHex(await hmacSha256(webKey, data)))
  })

  it('are per handler: a node:crypto handler and a Web Crypto handler in one process', async () => {
    const { deployment, login } = await import('../helpers/deployment.ts')
    const { identity } = await import('../helpers/identity.ts')
    const spy = spyProvider(nodeCryptoProvider)
    const withSpy = deployment({}, { crypto: spy })
    const plain = deployment()
    expect((await login(withSpy, identity())).status).toBe(200)
    expect(spy.verifies).toBe(1)
    expect((await login(plain, identity())).status).toBe(200)
    expect(spy.verifies).toBe(1)
  })
})
