// What more than one suite does with the textile-v1 vectors (test/vectors/textile-v1.json).
import vectors from '../vectors/textile-v1.json' with { type: 'json' }
import type { CryptoProvider } from '../../src/core/crypto-provider.ts'
import { importSigningKey, type SigningKey } from '../../src/core/ed25519.ts'
import { parsePrivateKey } from '../../src/core/keys.ts'
import { mintThreadToken } from '../../src/core/thread-token.ts'

/**
 * The thread token vector's issuer, imported with `provider` (default Web Crypto), and the token
 * it mints for the vector's subject at the vector's `iat`.
 */
export async function mintVectorThreadToken(
  provider?: CryptoProvider,
): Promise<{ issuer: SigningKey; token: string }> {
  const v = vectors.threadToken
  const issuer = await importSigningKey(parsePrivateKey(v.issuerPrivateKeyString)!.seed, provider)
  const token = await mintThreadToken({
    issuer,
    subject: v.subjectPublicKeyString,
    now: new Date(0),
    iat: v.iat,
  })
  return { issuer, token }
}
