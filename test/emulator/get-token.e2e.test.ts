// GetToken against the emulator, driven by the real @textile/hub Client and by raw streams on both
// service paths (docs/protocol.md §5).
import { Client, PrivateKey, PublicKey } from '@textile/hub'
import { describe, expect } from 'vitest'
import { verifySignature } from '../../src/core/ed25519.ts'
import { decodeBase64, utf8 } from '../../src/core/encoding.ts'
import { parsePublicKey } from '../../src/core/keys.ts'
import { NOW } from '../helpers/clock.ts'
import {
  apiHeaders,
  keyAuth,
  keyRequest,
  rawGetToken,
  type GetTokenScript,
  signatureRequest,
} from '../helpers/emulator-calls.ts'
import { it, type KeyedEmulator } from '../helpers/emulator-fixtures.ts'

const PATHS = ['/threads.pb.API/GetToken', '/threads.net.pb.API/GetToken']

/** A raw GetToken stream on `path` with a good API signature of the emulator's key. */
async function keyedGetToken(
  { hub, key, secret }: KeyedEmulator,
  path: string,
  script: GetTokenScript,
) {
  return rawGetToken(hub.url, path, await apiHeaders(key, secret), script)
}

/** What an honest client sends: its key, then its signature of the challenge. */
function honestClient(identity: PrivateKey): GetTokenScript {
  return {
    first: keyRequest(identity.public.toString()),
    answer: async (challenge) => signatureRequest(await identity.sign(challenge)),
  }
}

/** A new identity's key first, then the answer `answer` makes for that identity (none by default). */
function newKeyThen(answer?: (identity: PrivateKey) => GetTokenScript['answer']): GetTokenScript {
  const identity = PrivateKey.fromRandom()
  return { first: keyRequest(identity.public.toString()), answer: answer?.(identity) }
}

describe('GetToken', () => {
  it.override({ emulatorOptions: { challengeTimeoutMs: 200 } })

  it('gives the real client a go-threads token signed by the host key', async ({
    emulator: { hub, key, secret },
  }) => {
    const identity = PrivateKey.fromRandom()
    const client = Client.withUserAuth(keyAuth(key, secret), hub.url)
    const token = await client.getToken(identity)

    const [header, payload, signature] = token.split('.') as [string, string, string]
    const text = (part: string) => new TextDecoder().decode(decodeBase64(part))
    expect(text(header)).toBe('{"alg":"Ed25519","typ":"JWT"}')
    expect(text(payload)).toBe(
      JSON.stringify({
        iat: NOW.getTime() / 1000,
        iss: hub.hostPublicKey,
        sub: identity.public.toString(),
      }),
    )
    const valid = await verifySignature({
      publicKey: parsePublicKey(hub.hostPublicKey),
      message: utf8(`${header}.${payload}`),
      signature: decodeBase64(signature)!,
    })
    expect(valid).toBe(true)
  })

  for (const path of PATHS) {
    it(`answers on ${path} with a 32-byte challenge, then the token and OK`, async ({
      emulator,
    }) => {
      const identity = PrivateKey.fromRandom()
      const result = await keyedGetToken(emulator, path, honestClient(identity))
      expect(result).toMatchObject({ status: 0, response: expect.stringMatching(/^eyJ/) })
      expect(result.challenges.map((challenge) => challenge.length)).toEqual([32])
    })
  }

  it('sends a fresh challenge on every stream', async ({ emulator }) => {
    const identity = PrivateKey.fromRandom()
    const run = async () => keyedGetToken(emulator, PATHS[0]!, honestClient(identity))
    const [a, b] = await Promise.all([run(), run()])
    expect(a.challenges[0]).not.toEqual(b.challenges[0])
  })

  it('rejects a bad signature with code 2 "bad signature"', async ({ emulator }) => {
    const result = await keyedGetToken(
      emulator,
      PATHS[0]!,
      newKeyThen((identity) => async () => signatureRequest(await identity.sign(utf8('other')))),
    )
    expect(result).toMatchObject({ status: 2, message: 'bad signature' })
    expect(result.response).toBeUndefined()
  })

  it('rejects a signature by another key with code 2 "bad signature" (the real client\'s error)', async ({
    emulator: { hub, key, secret },
  }) => {
    const identity = PrivateKey.fromRandom()
    const impostor = PrivateKey.fromRandom()
    const client = Client.withUserAuth(keyAuth(key, secret), hub.url)
    const pretending = {
      public: identity.public as PublicKey,
      sign: (bytes: Uint8Array) => impostor.sign(bytes),
    }
    await expect(client.getToken(pretending as unknown as PrivateKey)).rejects.toThrow(
      /^bad signature$/,
    )
  })

  it('rejects a first message that is not a key with code 3 "Key is required"', async ({
    emulator,
  }) => {
    const result = await keyedGetToken(emulator, PATHS[1]!, {
      first: signatureRequest(new Uint8Array(64)),
    })
    expect(result).toMatchObject({ status: 3, message: 'Key is required' })
  })

  it('rejects an unparseable key with code 2 and the parse error', async ({ emulator }) => {
    const result = await keyedGetToken(emulator, PATHS[0]!, {
      first: keyRequest('bnotakey'),
    })
    expect(result.status).toBe(2)
    expect(result.message).toMatch(/multibase|unmarshal/)
    expect(result.challenges).toEqual([])
  })

  it('rejects a second message that is not a signature with code 3 "Signature is required"', async ({
    emulator,
  }) => {
    const result = await keyedGetToken(
      emulator,
      PATHS[0]!,
      newKeyThen((identity) => () => keyRequest(identity.public.toString())),
    )
    expect(result).toMatchObject({ status: 3, message: 'Signature is required' })
  })

  it('ends an unanswered challenge with code 4 "Challenge deadline exceeded"', async ({
    emulator,
  }) => {
    const result = await keyedGetToken(emulator, PATHS[0]!, newKeyThen())
    expect(result).toMatchObject({ status: 4, message: 'Challenge deadline exceeded' })
    expect(result.challenges).toHaveLength(1)
  })

  it('checks the API signature before the challenge: 16 "Bad API key signature"', async ({
    emulator: { hub, key },
  }) => {
    const identity = PrivateKey.fromRandom()
    const headers = await apiHeaders(key, hub.addApiKey().secret)
    const result = await rawGetToken(hub.url, PATHS[1]!, headers, {
      first: keyRequest(identity.public.toString()),
    })
    expect(result).toMatchObject({ status: 16, message: 'Bad API key signature' })
    expect(result.challenges).toEqual([])
  })

  it('needs no token on either path', async ({ emulator }) => {
    const identity = PrivateKey.fromRandom()
    for (const path of PATHS) {
      const result = await keyedGetToken(emulator, path, honestClient(identity))
      expect(result.status).toBe(0)
    }
  })
})
