// The threads API slice with the real @textile/hub Client: store and read something real, scoped
// to the token's subject; plus the hub's routing answers (blocked, unknown, unimplemented).
import { Client, PrivateKey, Where } from '@textile/hub'
import threads from '@textile/threads-client-grpc/threads_pb.js'
import { describe, expect } from 'vitest'
import { descriptor, keyAuth, rawUnary, tokenHeaders } from '../helpers/emulator-calls.ts'
import { it, type KeyedEmulator } from '../helpers/emulator-fixtures.ts'

describe('threads API', () => {
  /** A real client for a fresh identity that went through GetToken. */
  async function userClient(
    { hub, key, secret }: KeyedEmulator,
    identity = PrivateKey.fromRandom(),
  ) {
    const client = Client.withUserAuth(keyAuth(key, secret), hub.url)
    await client.getToken(identity)
    return client
  }

  it('stores and reads instances: newDB, newCollection, create, find, findByID, has, save', async ({
    emulator,
  }) => {
    const client = await userClient(emulator)
    const thread = await client.newDB(undefined, 'demo')
    await client.newCollection(thread, { name: 'notes' })
    const ids = await client.create(thread, 'notes', [
      { _id: '', text: 'hello', n: 1 },
      { text: 'world', n: 2 },
    ])
    expect(ids).toHaveLength(2)
    expect(await client.find(thread, 'notes', {})).toEqual([
      { _id: ids[0], text: 'hello', n: 1 },
      { _id: ids[1], text: 'world', n: 2 },
    ])
    expect(await client.find(thread, 'notes', new Where('text').eq('world'))).toEqual([
      { _id: ids[1], text: 'world', n: 2 },
    ])
    expect(
      await client.find(thread, 'notes', new Where('n').ge(2).or(new Where('n').lt(1))),
    ).toEqual([{ _id: ids[1], text: 'world', n: 2 }])
    await client.save(thread, 'notes', [{ _id: ids[0], text: 'changed' }])
    expect(await client.findByID(thread, 'notes', ids[0]!)).toEqual({
      _id: ids[0],
      text: 'changed',
    })
    expect(await client.has(thread, 'notes', ids)).toBe(true)
    expect(await client.listCollections(thread)).toMatchObject([{ name: 'notes' }])
    expect(await client.listDBs()).toEqual([{ id: thread.toString(), name: 'demo' }])
  })

  it('keeps each user to their own DBs: 7 "User does not own thread"', async ({ emulator }) => {
    const alice = await userClient(emulator)
    const bob = await userClient(emulator)
    const thread = await alice.newDB(undefined, 'private')
    await alice.newCollection(thread, { name: 'notes' })
    await expect(bob.find(thread, 'notes', {})).rejects.toThrow(/^User does not own thread$/)
    expect(await bob.listDBs()).toEqual([])
  })

  it('answers a missing DB or collection with "db not found" / "collection not found"', async ({
    emulator,
  }) => {
    const client = await userClient(emulator)
    const thread = await client.newDB()
    await expect(client.find(thread, 'missing', {})).rejects.toThrow(/^collection not found$/)
    await client.deleteDB(thread)
    await expect(client.find(thread, 'missing', {})).rejects.toThrow(/^db not found$/)
  })

  it('rejects a bad DB id with 3', async ({ emulator: { hub, key, secret } }) => {
    const identity = PrivateKey.fromRandom()
    const request = new threads.NewDBRequest()
    request.setDbid(new Uint8Array([0x02, 0x55, 1]))
    const headers = await tokenHeaders(hub, key, secret, identity)
    const method = descriptor('/threads.pb.API/NewDB', threads.NewDBRequest, threads.NewDBReply)
    expect(await rawUnary(hub.url, method, request, headers)).toMatchObject({
      status: 3,
      message: 'expected 1 as the id version number, got: 2',
    })
  })

  it('blocks threads ListDBs as the hub does: 7 "Method is not accessible"', async ({
    emulator: { hub },
  }) => {
    const method = descriptor('/threads.pb.API/ListDBs')
    expect(await rawUnary(hub.url, method, new threads.ListDBsRequest(), {})).toMatchObject({
      status: 7,
      message: 'Method is not accessible',
    })
  })

  it('answers unknown services and methods with 12 before any auth', async ({
    emulator: { hub },
  }) => {
    const request = new threads.ListDBsRequest()
    expect(await rawUnary(hub.url, descriptor('/foo.Bar/Baz'), request, {})).toMatchObject({
      status: 12,
      message: 'unknown service foo.Bar',
    })
    expect(await rawUnary(hub.url, descriptor('/threads.pb.API/Nope'), request, {})).toMatchObject({
      status: 12,
      message: 'unknown method Nope for service threads.pb.API',
    })
  })

  it('answers a known but unemulated method with 12 after auth', async ({
    emulator: { hub, key, secret },
  }) => {
    const identity = PrivateKey.fromRandom()
    const method = descriptor('/threads.pb.API/Verify', threads.VerifyRequest, threads.VerifyReply)
    const request = new threads.VerifyRequest()
    expect(await rawUnary(hub.url, method, request, {})).toMatchObject({ status: 16 })
    const headers = await tokenHeaders(hub, key, secret, identity)
    expect(await rawUnary(hub.url, method, request, headers)).toMatchObject({
      status: 12,
      message: 'method Verify not implemented',
    })
  })
})
