// hubd's checks as the emulator applies them: API keys and signatures, then bearer tokens
// (docs/protocol.md §3 and §4), asserted by code and message.
import { Client, PrivateKey } from '@textile/hub'
import threads from '@textile/threads-client-grpc/threads_pb.js'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import { importSigningKey, sign } from '../../src/core/ed25519.ts'
import { encodeBase64Url, utf8 } from '../../src/core/encoding.ts'
import { parsePrivateKey } from '../../src/core/keys.ts'
import { mintThreadToken } from '../../src/core/thread-token.ts'
import { startEmulator, type Emulator } from '../../src/emulator/index.ts'
import { NOW, clock } from '../helpers/clock.ts'
import {
  apiHeaders,
  descriptor,
  hostToken,
  keyAuth,
  rawUnary,
  VALID_UNTIL,
} from '../helpers/emulator-calls.ts'

const NEW_DB = descriptor('/threads.pb.API/NewDB', threads.NewDBRequest, threads.NewDBReply)
const LIST_THREADS = descriptor('/api.usersd.pb.APIService/ListThreads')

/** A NewDB request for a fresh random DB id (version 1, variant Raw, 32 random bytes). */
function newDbRequest() {
  const request = new threads.NewDBRequest()
  request.setDbid(new Uint8Array([0x01, 0x55, ...crypto.getRandomValues(new Uint8Array(32))]))
  return request
}

/** The emulator's host key seed. */
const hostSeed = (hub: Emulator) => parsePrivateKey(hub.hostKey)!.seed

/** A JWT over arbitrary header and payload JSON, signed with `seed`. */
async function jwt(header: object, payload: object, seed: Uint8Array) {
  const input = `${encodeBase64Url(utf8(JSON.stringify(header)))}.${encodeBase64Url(utf8(JSON.stringify(payload)))}`
  const signature = await sign(await importSigningKey(seed), utf8(input))
  return `${input}.${encodeBase64Url(signature)}`
}

describe('emulator auth', () => {
  let hub: Emulator
  let key: string
  let secret: string
  const time = clock()
  const identity = PrivateKey.fromRandom()

  beforeEach(async () => {
    time.set(NOW)
    hub = await startEmulator({ now: time.now })
    ;({ key, secret } = hub.addApiKey())
  })
  afterEach(() => hub.close())

  const newDb = async (headers: Record<string, string>) =>
    rawUnary(hub.url, NEW_DB, newDbRequest(), headers)
  const withToken = async (token: string) => ({
    ...(await apiHeaders(key, secret)),
    authorization: `bearer ${token}`,
  })

  describe('API keys', () => {
    it('accepts a createAPISig signature and a host-key token', async () => {
      expect(await newDb(await withToken(await hostToken(hub, identity)))).toMatchObject({
        status: 0,
      })
    })

    it('rejects a call without key or session with 16 "Session or API key required"', async () => {
      expect(await newDb({})).toMatchObject({ status: 16, message: 'Session or API key required' })
    })

    it('rejects an unknown key with 5 "API key not found or is invalid"', async () => {
      const headers = await apiHeaders('bunknownkey', secret)
      expect(await newDb(headers)).toMatchObject({
        status: 5,
        message: 'API key not found or is invalid',
      })
    })

    it('looks the key up before it checks for a signature: an unknown key without one gets 5', async () => {
      // hubd's order (docs/protocol.md §9): the lookup answers first, so no 16 leaks whether a
      // signature would have been needed.
      expect(await newDb({ 'x-textile-api-key': 'bunknownkey' })).toMatchObject({
        status: 5,
        message: 'API key not found or is invalid',
      })
    })

    it('rejects a missing signature with 16 "API key signature required"', async () => {
      expect(await newDb({ 'x-textile-api-key': key })).toMatchObject({
        status: 16,
        message: 'API key signature required',
      })
      const { 'x-textile-api-sig-msg': _, ...noMsg } = await apiHeaders(key, secret)
      expect(await newDb(noMsg)).toMatchObject({
        status: 16,
        message: 'API key signature required',
      })
    })

    it('rejects a signature made with another secret with 16 "Bad API key signature"', async () => {
      const headers = await apiHeaders(key, hub.addApiKey().secret)
      expect(await newDb(headers)).toMatchObject({ status: 16, message: 'Bad API key signature' })
    })

    it('rejects a msg that has passed on the hub clock with 16 "Bad API key signature"', async () => {
      const headers = await apiHeaders(key, secret, new Date(NOW.getTime() - 1))
      expect(await newDb(headers)).toMatchObject({ status: 16, message: 'Bad API key signature' })
    })

    it('accepts a msg equal to the hub clock (Go: not before now)', async () => {
      const headers = {
        ...(await apiHeaders(key, secret, NOW)),
        authorization: `bearer ${await hostToken(hub, identity)}`,
      }
      expect(await newDb(headers)).toMatchObject({ status: 0 })
    })

    it('rejects a well-signed msg that is not RFC 3339 with 16 "Bad API key signature"', async () => {
      // createAPISig signs whatever toISOString gives; a year past 9999 is not RFC 3339.
      const headers = await apiHeaders(key, secret, new Date('+010000-01-01T00:00:00.000Z'))
      expect(headers['x-textile-api-sig-msg']).toBe('+010000-01-01T00:00:00.000Z')
      expect(await newDb(headers)).toMatchObject({ status: 16, message: 'Bad API key signature' })
    })

    it('lets an insecure key through without a signature, ignoring a bad one', async () => {
      const insecure = hub.addApiKey({ secure: false })
      const token = await hostToken(hub, identity)
      expect(
        await newDb({ 'x-textile-api-key': insecure.key, authorization: `bearer ${token}` }),
      ).toMatchObject({ status: 0 })
      expect(
        await newDb({
          'x-textile-api-key': insecure.key,
          'x-textile-api-sig': 'bgarbage',
          'x-textile-api-sig-msg': '2000-01-01T00:00:00Z',
          authorization: `bearer ${token}`,
        }),
      ).toMatchObject({ status: 0 })
    })

    it('registers keys given at start, secure by default when a secret is given', async () => {
      const other = await startEmulator({
        now: time.now,
        hostKey: hub.hostKey,
        apiKeys: [{ key: 'bsecure', secret }, { key: 'binsecure' }],
      })
      onTestFinished(async () => {
        await other.close()
      })
      const token = await hostToken(other, identity)
      const bare = (name: string) => ({
        'x-textile-api-key': name,
        authorization: `bearer ${token}`,
      })
      expect(await rawUnary(other.url, NEW_DB, newDbRequest(), bare('bsecure'))).toMatchObject({
        status: 16,
        message: 'API key signature required',
      })
      expect(await rawUnary(other.url, NEW_DB, newDbRequest(), bare('binsecure'))).toMatchObject({
        status: 0,
      })
    })

    it('reaches the real client as its error message', async () => {
      const client = Client.withUserAuth(
        { key, sig: 'bwrong', msg: VALID_UNTIL.toISOString() },
        hub.url,
      )
      await expect(client.getToken(identity)).rejects.toThrow(/^Bad API key signature$/)
    })
  })

  describe('bearer tokens', () => {
    it('rejects a call without a token with 16 "Token required"', async () => {
      expect(await newDb(await apiHeaders(key, secret))).toMatchObject({
        status: 16,
        message: 'Token required',
      })
      const client = Client.withUserAuth(keyAuth(key, secret), hub.url)
      await expect(client.newDB(undefined, 'nope')).rejects.toThrow(/^Token required$/)
    })

    it('accepts a token minted by mintThreadToken with the host key (the real client, end to end)', async () => {
      const token = await hostToken(hub, identity)
      const client = Client.withUserAuth(keyAuth(key, secret, token), hub.url)
      const thread = await client.newDB(undefined, 'minted')
      expect(await client.listDBs()).toEqual([{ id: thread.toString(), name: 'minted' }])
    })

    it('rejects a token signed by another key with 2 "invalid thread token"', async () => {
      const impostor = await startEmulator({ now: time.now })
      const token = await hostToken(impostor, identity)
      await impostor.close()
      expect(await newDb(await withToken(token))).toMatchObject({
        status: 2,
        message: 'invalid thread token',
      })
      expect(
        await rawUnary(hub.url, LIST_THREADS, new threads.ListDBsRequest(), await withToken(token)),
      ).toMatchObject({
        status: 2,
        message: 'invalid thread token',
      })
    })

    it('rejects an iat one second ahead of the hub clock with 2 "invalid thread token"', async () => {
      const issuer = await importSigningKey(hostSeed(hub))
      const subject = identity.public.toString()
      const ahead = await mintThreadToken({
        issuer,
        subject,
        now: NOW,
        iat: NOW.getTime() / 1000 + 1,
      })
      expect(await newDb(await withToken(ahead))).toMatchObject({
        status: 2,
        message: 'invalid thread token',
      })
      const exact = await mintThreadToken({ issuer, subject, now: NOW, iat: NOW.getTime() / 1000 })
      expect(await newDb(await withToken(exact))).toMatchObject({ status: 0 })
    })

    it('rejects a token minted with a lifetime once the hub clock passes exp (jwt-go: valid while now <= exp)', async () => {
      const issuer = await importSigningKey(hostSeed(hub))
      const subject = identity.public.toString()
      const token = await mintThreadToken({ issuer, subject, now: NOW, ttlSeconds: 60 })
      time.set(new Date(NOW.getTime() + 60_000)) // at exp: still valid
      expect(await newDb(await withToken(token))).toMatchObject({ status: 0 })
      time.set(new Date(NOW.getTime() + 61_000))
      expect(await newDb(await withToken(token))).toMatchObject({
        status: 2,
        message: 'invalid thread token',
      })
      // The same moment, a token without exp (go-threads NewToken) still passes: exp is the bound.
      expect(await newDb(await withToken(await hostToken(hub, identity)))).toMatchObject({
        status: 0,
      })
    })

    it('rejects a host-signed token whose alg is not "Ed25519" with 2 "invalid thread token"', async () => {
      const payload = {
        iat: NOW.getTime() / 1000 - 60,
        iss: hub.hostPublicKey,
        sub: identity.public.toString(),
      }
      const token = await jwt({ alg: 'EdDSA', typ: 'JWT' }, payload, hostSeed(hub))
      expect(await newDb(await withToken(token))).toMatchObject({
        status: 2,
        message: 'invalid thread token',
      })
    })

    it('rejects an unknown alg or a malformed token with 7 "Bad authorization"', async () => {
      const payload = { iat: 1, sub: identity.public.toString() }
      const unknownAlg = await jwt({ alg: 'Ed448' }, payload, hostSeed(hub))
      for (const token of [unknownAlg, 'not.a.jwt', 'onlyonesegment']) {
        expect(await newDb(await withToken(token))).toMatchObject({
          status: 7,
          message: 'Bad authorization',
        })
      }
    })

    it('rejects an authorization header that is not "bearer <token>" with 16', async () => {
      const headers = await apiHeaders(key, secret)
      expect(await newDb({ ...headers, authorization: 'bearer' })).toMatchObject({
        status: 16,
        message: 'Bad authorization string',
      })
      expect(await newDb({ ...headers, authorization: 'basic abc' })).toMatchObject({
        status: 16,
        message: 'Request unauthenticated with bearer',
      })
    })
  })
})
