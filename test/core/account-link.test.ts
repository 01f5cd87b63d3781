import { PrivateKey } from '@textile/hub'
import { compactVerify, importJWK } from 'jose'
import { describe, expect, it } from 'vitest'
import vectors from '../vectors/account-link-v1.json' with { type: 'json' }
import { LINK_MAX_TTL, verifyAccountLink } from '../../src/core/account-link.ts'
import { encodeBase64Url } from '../../src/core/encoding.ts'
import { importSigningKey, sign } from '../../src/core/ed25519.ts'
import { readLink, signLink, type LinkClaims } from '../../src/core/link-format.ts'
import { linkClaims, signedLink } from '../helpers/account-link.ts'
import { NOW } from '../helpers/clock.ts'
import { identity } from '../helpers/identity.ts'

const hex = (text: string) => Uint8Array.from(text.match(/../g)!, (b) => parseInt(b, 16))
const AUD = 'https://app.example'
const now = NOW.getTime() / 1000

/** A link signed by `signer` (the account, unless a test says otherwise). */
const linkOf = (signer: PrivateKey, claims: LinkClaims) => signedLink(claims, signer)

/** An account, a device and the claims of a valid link between them for AUD. */
function keys() {
  const account = identity()
  const device = identity()
  return { account, device, claims: linkClaims(account, device, { aud: AUD }) }
}

const verify = (link: string, device: string, overrides: { audience?: string; now?: Date } = {}) =>
  verifyAccountLink({
    link,
    device,
    audience: overrides.audience ?? AUD,
    now: overrides.now ?? NOW,
    maxTtlSeconds: LINK_MAX_TTL.default,
  })

describe('account-link-v1 vectors', () => {
  it('signLink reproduces the jose-made link byte for byte', async () => {
    const signer = await importSigningKey(hex(vectors.account.seedHex))
    const link = await signLink(vectors.cases.valid.claims, (bytes) => sign(signer, bytes))
    expect(link).toBe(vectors.cases.valid.link)
  })

  it('verifyAccountLink accepts the valid vector and names its account', async () => {
    const v = vectors.cases.valid
    const result = await verifyAccountLink({
      link: v.link,
      device: vectors.device.publicKeyString,
      audience: AUD,
      now: new Date((v.claims.iat + 1) * 1000),
      maxTtlSeconds: LINK_MAX_TTL.default,
    })
    expect(result).toEqual({
      account: vectors.account.publicKeyString,
      device: vectors.device.publicKeyString,
      expiresAt: new Date(v.claims.exp * 1000),
    })
  })

  it('throws invalid_link for the vector signed by the device instead of the account', async () => {
    const v = vectors.cases.signedByDevice
    await expect(
      verifyAccountLink({
        link: v.link,
        device: vectors.device.publicKeyString,
        audience: AUD,
        now: new Date((v.claims.iat + 1) * 1000),
        maxTtlSeconds: LINK_MAX_TTL.default,
      }),
    ).rejects.toMatchObject({ code: 'invalid_link' })
  })
})

describe('signLink()', () => {
  it('makes a compact JWS that jose verifies with the account key', async () => {
    const { account, claims } = keys()
    const link = await linkOf(account, claims)
    const jwk = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: encodeBase64Url(account.public.pubKey),
    }
    const { payload, protectedHeader } = await compactVerify(link, await importJWK(jwk, 'EdDSA'))
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'ttp-link+jwt' })
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims)
  })

  it('throws a TypeError for claims it would not read back (empty aud, exp ≤ iat)', async () => {
    const { account, claims } = keys()
    await expect(linkOf(account, { ...claims, aud: '' })).rejects.toBeInstanceOf(TypeError)
    await expect(linkOf(account, { ...claims, exp: claims.iat })).rejects.toBeInstanceOf(TypeError)
  })
})

describe('readLink()', () => {
  it('reads the claims of a well-formed link', async () => {
    const { account, claims } = keys()
    expect(readLink(await linkOf(account, claims))?.claims).toEqual(claims)
  })

  it.each([
    ['not a string', 42],
    ['two segments', 'a.b'],
    ['four segments', 'a.b.c.d'],
    ['padding', 'eyJ9.eyJ9.AA=='],
    ['an empty segment', '.eyJ9.AA'],
  ])('refuses %s', (_name, link) => {
    expect(readLink(link)).toBeUndefined()
  })

  it('refuses a link longer than 2048 characters', async () => {
    const { account, claims } = keys()
    const link = await linkOf(account, { ...claims, aud: 'https://' + 'a'.repeat(2100) })
    expect(readLink(link)).toBeUndefined()
  })

  it.each([
    ['another alg', { alg: 'Ed25519', typ: 'ttp-link+jwt' }],
    ['another typ', { alg: 'EdDSA', typ: 'JWT' }],
    ['an extra member', { alg: 'EdDSA', typ: 'ttp-link+jwt', kid: 'x' }],
    ['no typ', { alg: 'EdDSA' }],
    ['alg none', { alg: 'none', typ: 'ttp-link+jwt' }],
  ])('refuses a header with %s', async (_name, header) => {
    const { account, claims } = keys()
    const [, payload, signature] = (await linkOf(account, claims)).split('.')
    const forged = `${encodeBase64Url(new TextEncoder().encode(JSON.stringify(header)))}.${payload}.${signature}`
    expect(readLink(forged)).toBeUndefined()
  })

  it.each([
    ['an extra claim', { extra: 1 }],
    ['a number iss', { iss: 1 }],
    ['a fractional iat', { iat: now + 0.5 }],
    ['exp equal to iat', { exp: now - 60 }],
    ['an empty aud', { aud: '' }],
  ])('refuses a payload with %s', async (_name, change) => {
    const { claims } = keys()
    const payload = encodeBase64Url(
      new TextEncoder().encode(JSON.stringify({ ...claims, ...change })),
    )
    const header = encodeBase64Url(new TextEncoder().encode('{"alg":"EdDSA","typ":"ttp-link+jwt"}'))
    expect(readLink(`${header}.${payload}.${'A'.repeat(86)}`)).toBeUndefined()
  })
})

describe('verifyAccountLink()', () => {
  it('returns the account, the device and the expiry of a valid link', async () => {
    const { account, device, claims } = keys()
    const result = await verify(await linkOf(account, claims), claims.sub)
    expect(result).toEqual({
      account: account.public.toString(),
      device: device.public.toString(),
      expiresAt: new Date(claims.exp * 1000),
    })
  })

  it('throws invalid_link when the link is for another device key', async () => {
    const { account, claims } = keys()
    const other = identity().public.toString()
    await expect(verify(await linkOf(account, claims), other)).rejects.toMatchObject({
      code: 'invalid_link',
    })
  })

  it('throws invalid_link when the link is for another site', async () => {
    const { account, claims } = keys()
    const link = await linkOf(account, claims)
    await expect(
      verify(link, claims.sub, { audience: 'https://evil.example' }),
    ).rejects.toMatchObject({ code: 'invalid_link' })
  })

  it('throws invalid_link for a client without an Origin (audience ""), whatever aud says', async () => {
    const { account, claims } = keys()
    await expect(
      verify(await linkOf(account, claims), claims.sub, { audience: '' }),
    ).rejects.toMatchObject({ code: 'invalid_link' })
  })

  it('throws invalid_link when signed by another key than its iss', async () => {
    const { device, claims } = keys()
    await expect(verify(await linkOf(device, claims), claims.sub)).rejects.toMatchObject({
      code: 'invalid_link',
    })
  })

  it('throws invalid_link when a bit of the payload is flipped', async () => {
    const { account, claims } = keys()
    const link = await linkOf(account, claims)
    const [header, payload, signature] = link.split('.') as [string, string, string]
    const bytes = Buffer.from(payload, 'base64url')
    const text = bytes.toString().replace(`"iat":${claims.iat}`, `"iat":${claims.iat - 1}`)
    const tampered = `${header}.${Buffer.from(text).toString('base64url')}.${signature}`
    await expect(verify(tampered, claims.sub)).rejects.toMatchObject({ code: 'invalid_link' })
  })

  it('throws invalid_link for a non-canonical S (strict RFC 8032)', async () => {
    const { account, claims } = keys()
    const link = await linkOf(account, claims)
    const [header, payload, signature] = link.split('.') as [string, string, string]
    const sig = Buffer.from(signature, 'base64url')
    // S + L: the same point equation, a second spelling of the signature.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n
    let s = 0n
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!)
    s += L
    for (let i = 0; i < 32; i++) {
      sig[32 + i] = Number(s & 0xffn)
      s >>= 8n
    }
    const malleated = `${header}.${payload}.${sig.toString('base64url')}`
    await expect(verify(malleated, claims.sub)).rejects.toMatchObject({ code: 'invalid_link' })
  })

  it('throws invalid_link when iss is not an Ed25519 key string', async () => {
    const { account, claims } = keys()
    await expect(
      verify(await linkOf(account, { ...claims, iss: 'bnot-a-key' }), claims.sub),
    ).rejects.toMatchObject({ code: 'invalid_link' })
  })

  it('throws invalid_link when exp - iat is over the maximum lifetime', async () => {
    const { account, claims } = keys()
    const link = await linkOf(account, { ...claims, exp: claims.iat + LINK_MAX_TTL.default + 1 })
    await expect(verify(link, claims.sub)).rejects.toMatchObject({ code: 'invalid_link' })
  })

  it('accepts exactly the maximum lifetime', async () => {
    const { account, claims } = keys()
    const link = await linkOf(account, { ...claims, exp: claims.iat + LINK_MAX_TTL.default })
    await expect(verify(link, claims.sub)).resolves.toMatchObject({ device: claims.sub })
  })

  it('throws invalid_link when issued more than 5 s in the future, accepts 5 s', async () => {
    const { account, claims } = keys()
    const ahead = await linkOf(account, { ...claims, iat: now + 6 })
    await expect(verify(ahead, claims.sub)).rejects.toMatchObject({ code: 'invalid_link' })
    const skewed = await linkOf(account, { ...claims, iat: now + 5 })
    await expect(verify(skewed, claims.sub)).resolves.toMatchObject({ device: claims.sub })
  })

  it('throws link_expired at exp, and only for an authentic link', async () => {
    const { account, device, claims } = keys()
    const link = await linkOf(account, claims)
    const atExp = new Date(claims.exp * 1000)
    await expect(verify(link, claims.sub, { now: atExp })).rejects.toMatchObject({
      code: 'link_expired',
    })
    await expect(
      verify(link, claims.sub, { now: new Date(atExp.getTime() - 1000) }),
    ).resolves.toMatchObject({ device: claims.sub })
    const forged = await linkOf(device, claims)
    await expect(verify(forged, claims.sub, { now: atExp })).rejects.toMatchObject({
      code: 'invalid_link',
    })
  })
})
