// The thread token with and without a lifetime (USER_TOKEN_TTL_SECONDS). Without one it stays
// byte-exact go-threads NewToken (test/core/vectors.test.ts); with one, `exp` is a standard JWT
// NumericDate, placed where golang-jwt's StandardClaims puts it.
import { describe, expect, it } from 'vitest'
import vectors from '../vectors/textile-v1.json' with { type: 'json' }
import { importSigningKey, verifySignature } from '../../src/core/ed25519.ts'
import { utf8 } from '../../src/core/encoding.ts'
import { parsePrivateKey } from '../../src/core/keys.ts'
import { mintThreadToken } from '../../src/core/thread-token.ts'
import { THREAD_TOKEN_BACKDATE_SECONDS } from '../../src/core/thread-token.ts'

const v = vectors.threadToken
const NOW = new Date('2030-01-01T00:00:00.700Z') // a fraction of a second past a whole second
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000)
const issuer = () => importSigningKey(parsePrivateKey(v.issuerPrivateKeyString)!.seed)
/** The vector's issuer and subject, minted at NOW with a lifetime of `ttlSeconds`. */
const mintAtNow = async (ttlSeconds: number) =>
  mintThreadToken({
    issuer: await issuer(),
    subject: v.subjectPublicKeyString,
    now: NOW,
    ttlSeconds,
  })
const payloadText = (token: string) => Buffer.from(token.split('.')[1]!, 'base64url').toString()

describe('mintThreadToken()', () => {
  it('puts exp = now (whole seconds) + ttlSeconds first in the payload, as StandardClaims orders it', async () => {
    const token = await mintAtNow(3600)
    const iat = NOW_SECONDS - THREAD_TOKEN_BACKDATE_SECONDS
    // Counted from now, not from the backdated iat: the token lives the full hour.
    expect(payloadText(token)).toBe(
      `{"exp":${NOW_SECONDS + 3600},"iat":${iat},"iss":"${v.issuerPublicKeyString}","sub":"${v.subjectPublicKeyString}"}`,
    )
    const [header, payload, signature] = token.split('.')
    expect(Buffer.from(header!, 'base64url').toString()).toBe('{"alg":"Ed25519","typ":"JWT"}')
    const { publicKey } = await issuer()
    await expect(
      verifySignature({
        publicKey,
        message: utf8(`${header}.${payload}`),
        signature: new Uint8Array(Buffer.from(signature!, 'base64url')),
      }),
    ).resolves.toBe(true)
  })

  it('reads back exp as an integer NumericDate (RFC 7519 §2), as a client would', async () => {
    const token = await mintAtNow(60)
    const { exp } = JSON.parse(payloadText(token)) as { exp: unknown }
    expect(Number.isSafeInteger(exp)).toBe(true)
    expect(new Date((exp as number) * 1000).toISOString()).toBe('2030-01-01T00:01:00.000Z')
  })

  it('mints the vector byte for byte without ttlSeconds (no exp)', async () => {
    const options = { issuer: await issuer(), subject: v.subjectPublicKeyString, now: NOW }
    expect(await mintThreadToken({ ...options, iat: v.iat })).toBe(v.token)
    expect(payloadText(await mintThreadToken(options))).not.toContain('exp')
  })

  it('throws TypeError for a ttlSeconds that is not a positive whole number', async () => {
    const options = { issuer: await issuer(), subject: v.subjectPublicKeyString, now: NOW }
    for (const ttlSeconds of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => mintThreadToken({ ...options, ttlSeconds })).toThrow(TypeError)
    }
  })
})
