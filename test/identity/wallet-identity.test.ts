// walletIdentity() in Node (Web Crypto has Ed25519 and HKDF here; the identity code is the
// browser's, byte for byte): a test wallet that really signs (test/helpers/test-wallet.ts), the real challenge
// and token handlers in-process, and @textile/hub's PublicKey as the judge of keys and signatures.
import { ed25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { PublicKey } from '@textile/hub'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createUserAuthProvider } from '../../src/client/index.ts'
import { walletIdentity, walletMessage, type WalletIdentity } from '../../src/identity/index.ts'
import { deployment, SITE } from '../helpers/deployment.ts'
import { testWallet } from '../helpers/test-wallet.ts'

const ORIGIN = 'https://app.example'
const keys = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)]

function pubkeyOf(identity: WalletIdentity): string {
  return identity.public.toString()
}

describe('walletIdentity()', () => {
  it('signs the fixed message naming the origin, and derives the same identity every time', async () => {
    const wallet = testWallet(keys)
    const requests: unknown[] = []
    const provider = {
      request: (args: { method: string; params?: readonly unknown[] }) => {
        requests.push(args)
        return wallet.provider.request(args)
      },
    }
    const first = await walletIdentity(provider, { origin: ORIGIN })
    const second = await walletIdentity(provider, { origin: ORIGIN })
    expect(pubkeyOf(second)).toBe(pubkeyOf(first))
    expect(first.account).toBe(wallet.accounts[0])
    expect(first.message).toBe(walletMessage(ORIGIN))
    expect(first.message).toMatch(/^Textile identity for https:\/\/app\.example\n/)
    expect(first.message).toContain('Sign this only on https://app.example.')
    expect(first.message).toMatch(/\nVersion: 1$/)
    const hexMessage = '0x' + Buffer.from(walletMessage(ORIGIN)).toString('hex')
    expect(requests.slice(0, 2)).toEqual([
      { method: 'eth_requestAccounts', params: [] },
      { method: 'personal_sign', params: [hexMessage, wallet.accounts[0]] },
    ])
  })

  it('pins version 1 of the message (changing it changes every user’s identity)', () => {
    expect(walletMessage(ORIGIN)).toBe(
      'Textile identity for https://app.example\n\n' +
        'Sign this only on https://app.example. The signature is your Textile identity there: a ' +
        'site that gets it can act as you. It is not a transaction and costs nothing.\n\n' +
        'Purpose: textile-token-provider/wallet-identity\nVersion: 1',
    )
  })

  it('pins version 1 of the derivation: Ed25519(HKDF-SHA-256(r ‖ s, fixed info)), computed apart', async () => {
    const wallet = testWallet(keys)
    const identity = await walletIdentity(wallet.provider, { origin: ORIGIN })
    const hex = (await wallet.provider.request({
      method: 'personal_sign',
      params: ['0x' + Buffer.from(walletMessage(ORIGIN)).toString('hex'), wallet.accounts[0]],
    })) as string
    const rs = Buffer.from(hex.slice(2, 2 + 128), 'hex') // the test wallet signs low-s already
    const info = 'textile-token-provider/wallet-identity/v1 ed25519-seed'
    const seed = hkdf(sha256, rs, new Uint8Array(0), new TextEncoder().encode(info), 32)
    expect(identity.public.bytes.subarray(4)).toEqual(ed25519.getPublicKey(seed))
  })

  it('derives a different identity per account and per origin', async () => {
    const wallet = testWallet(keys)
    const [a, b] = wallet.accounts
    const ids = await Promise.all([
      walletIdentity(wallet.provider, { origin: ORIGIN, account: a }),
      walletIdentity(wallet.provider, { origin: ORIGIN, account: b }),
      walletIdentity(wallet.provider, { origin: 'https://other.example', account: a }),
    ])
    expect(new Set(ids.map(pubkeyOf)).size).toBe(3)
  })

  it('gives the same identity for the high-s twin of the signature', async () => {
    const wallet = testWallet(keys)
    const low = await walletIdentity(wallet.provider, { origin: ORIGIN })
    wallet.highS(true)
    const high = await walletIdentity(wallet.provider, { origin: ORIGIN })
    expect(pubkeyOf(high)).toBe(pubkeyOf(low))
  })

  it('has @textile/hub’s key encodings, and signatures its PublicKey verifies', async () => {
    const identity = await walletIdentity(testWallet(keys).provider, { origin: ORIGIN })
    const hubKey = PublicKey.fromString(identity.public.toString())
    expect(identity.public.bytes).toEqual(hubKey.bytes)
    expect(identity.public.pubKey).toEqual(hubKey.pubKey)
    expect(identity.public.bytes).toHaveLength(36)
    const data = new TextEncoder().encode('envelope')
    const signature = await identity.sign(data)
    expect(signature).toHaveLength(64)
    await expect(hubKey.verify(data, signature)).resolves.toBe(true)
    await expect(identity.public.verify(data, signature)).resolves.toBe(true)
    signature[0]! ^= 1
    await expect(identity.public.verify(data, signature)).resolves.toBe(false)
  })

  it('logs in through the real challenge and token handlers', async () => {
    const d = deployment()
    const identity = await walletIdentity(testWallet(keys).provider, { origin: ORIGIN })
    const provider = createUserAuthProvider({
      endpoint: `${SITE}/api`,
      identity,
      now: () => d.clock.now,
      prefetch: false,
      fetch: (url, init) => {
        const request = new Request(url, init)
        const handler = new URL(request.url).pathname === '/api/token' ? d.token : d.challenge
        return handler(request, {})
      },
    })
    onTestFinished(async () => {
      provider.dispose()
    })
    const auth = await provider()
    const payload = JSON.parse(Buffer.from(auth.token!.split('.')[1]!, 'base64url').toString())
    expect(payload.sub).toBe(identity.public.toString())
  })

  it('throws wallet_rejected when the user refuses to connect or to sign', async () => {
    const wallet = testWallet(keys)
    wallet.refuse(true)
    await expect(walletIdentity(wallet.provider, { origin: ORIGIN })).rejects.toMatchObject({
      name: 'IdentityError',
      code: 'wallet_rejected',
    })
    const empty = { request: async () => [] }
    await expect(walletIdentity(empty, { origin: ORIGIN })).rejects.toMatchObject({
      code: 'wallet_rejected',
    })
  })

  it('throws wallet_rejected for an account the wallet has not authorised (4100)', async () => {
    const wallet = testWallet(keys)
    const account = '0x' + '11'.repeat(20)
    await expect(
      walletIdentity(wallet.provider, { origin: ORIGIN, account }),
    ).rejects.toMatchObject({ code: 'wallet_rejected' })
  })

  it.each([
    ['a short signature', '0x' + 'ab'.repeat(64)],
    ['a non-hex signature', '0x' + 'zz'.repeat(65)],
    ['r = 0', '0x' + '00'.repeat(32) + '01'.repeat(32) + '1b'],
    [
      's = n',
      '0x' +
        '01'.repeat(32) +
        'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141' +
        '1b',
    ],
    ['no string', 42],
  ])('throws wallet_failed for %s', async (_name, signature) => {
    const wallet = testWallet(keys)
    const provider = {
      request: async (args: { method: string; params?: readonly unknown[] }) =>
        args.method === 'personal_sign' ? signature : wallet.provider.request(args),
    }
    await expect(walletIdentity(provider, { origin: ORIGIN })).rejects.toMatchObject({
      code: 'wallet_failed',
    })
  })

  it('throws wallet_failed when the wallet fails with another error', async () => {
    const provider = {
      request: async () => {
        throw Object.assign(new Error('Internal JSON-RPC error.'), { code: -32603 })
      },
    }
    const error = await walletIdentity(provider, { origin: ORIGIN }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'wallet_failed' })
    // The wallet's own words stay in `cause`, not in the message.
    expect((error as Error).message).not.toContain('JSON-RPC')
  })

  it('throws TypeError without an origin (Node has no location) or for a non-origin', async () => {
    const wallet = testWallet(keys)
    await expect(walletIdentity(wallet.provider)).rejects.toThrow(TypeError)
    await expect(
      walletIdentity(wallet.provider, { origin: 'https://app.example/path' }),
    ).rejects.toThrow(TypeError)
  })
})
