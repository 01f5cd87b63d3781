// Account links for tests: an account key, a device key and a link the account signed for the
// device (src/core/link-format.ts), with claims a test can change; and the check of a JWT minted
// for a linked device.
import type { PrivateKey } from '@textile/hub'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose'
import { expect } from 'vitest'
import { signLink, type LinkClaims } from '../../src/core/link-format.ts'
import { NOW_SECONDS } from './clock.ts'
import { SITE } from './deployment.ts'
import { identity } from './identity.ts'

/** Claims of a valid link from `account` for `device`: for {@link SITE}, one day, a minute old. */
export function linkClaims(
  account: PrivateKey,
  device: PrivateKey,
  change: Partial<LinkClaims> = {},
): LinkClaims {
  return {
    iss: account.public.toString(),
    sub: device.public.toString(),
    aud: SITE,
    iat: NOW_SECONDS - 60,
    exp: NOW_SECONDS + 86_400,
    ...change,
  }
}

/** The link of `claims` signed by `signer` (the account, unless a test says otherwise). */
export function signedLink(claims: LinkClaims, signer: PrivateKey): Promise<string> {
  return signLink(claims, async (bytes) => signer.sign(bytes))
}

/**
 * A fresh account and device and a valid link between them ({@link linkClaims} with `change`),
 * signed by the account or by `signer`.
 *
 * @example
 * const { account, device, link } = await linked({ aud: 'https://other.example' })
 */
export async function linked(change: Partial<LinkClaims> = {}, signer?: PrivateKey) {
  const account = identity()
  const device = identity()
  const claims = linkClaims(account, device, change)
  const link = await signedLink(claims, signer ?? account)
  return { account, device, link, claims }
}

/**
 * Verifies `token` with jose against `jwks` (issuer and audience `site`, at `now` when given) and
 * asserts that it names the account as `sub` and the device as `act.sub` (RFC 8693); returns what
 * jose read.
 */
export async function expectLinkedJwt(
  token: string,
  jwks: JSONWebKeySet,
  expected: { account: string; device: string; site?: string; now?: Date },
) {
  const site = expected.site ?? SITE
  const verified = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: site,
    audience: site,
    ...(expected.now && { currentDate: expected.now }),
  })
  expect(verified.payload.sub).toBe(expected.account)
  expect(verified.payload.act).toEqual({ sub: expected.device })
  return verified
}
