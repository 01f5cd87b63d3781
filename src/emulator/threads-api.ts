// The slice of go-threads' `threads.pb.API` the emulator serves (api/service.go): enough for the
// real @textile/hub Client's newDB, getDBInfo, deleteDB, newCollection, listCollections, create,
// save, find, findByID and has. (ListDBs is blocked by the hub; its Client lists through usersd.)
// Each handler checks the DB id first (3), then validates the bearer token against the host key
// (2 "invalid thread token"), then acts as the token's subject.
import threads from '@textile/threads-client-grpc/threads_pb.js'
import type { Message } from 'google-protobuf'
import type { CallAuth } from './authenticate.ts'
import { GrpcError, GrpcStatus } from './grpc-error.ts'
import { parseQuery } from './query.ts'
import { validateThreadToken } from './thread-token.ts'
import { castThreadId } from './thread-id.ts'
import type { Actor, CollectionConfigState, ThreadsStore } from './threads-store.ts'

const pb = threads

/** What a unary handler sees besides its request. */
export interface UnaryContext {
  auth: CallAuth
  store: ThreadsStore
  hostPublicKey: Uint8Array
  now: Date
}

/** A unary method: request class and handler. */
export interface UnaryMethod<Req extends Message = Message> {
  requestType: { deserializeBinary(bytes: Uint8Array): Req }
  handle(request: Req, context: UnaryContext): Promise<Message>
}

/** The token's subject and the call's API key, once the token verifies against the host key. */
export async function actorOf(context: UnaryContext): Promise<Actor> {
  const token = context.auth.token
  // The hub lets no user-group call past its interceptor without one; keep the check anyway.
  if (!token) throw new GrpcError(GrpcStatus.UNAUTHENTICATED, 'Token required')
  await validateThreadToken({
    token: token.parsed,
    hostPublicKey: context.hostPublicKey,
    now: context.now,
  })
  return { owner: token.subject.text, apiKey: context.auth.apiKey.key }
}

/** The collection a request names: the DB id is checked first (3), then the token (2). */
async function collectionOf(
  request: { getDbid_asU8(): Uint8Array; getCollectionname(): string },
  context: UnaryContext,
) {
  const id = castThreadId(request.getDbid_asU8())
  return context.store.getCollection(await actorOf(context), id, request.getCollectionname())
}

function configOf(
  config: InstanceType<typeof pb.CollectionConfig> | undefined,
): CollectionConfigState {
  const schema = config?.getSchema_asU8() ?? new Uint8Array(0)
  try {
    JSON.parse(new TextDecoder().decode(schema))
  } catch {
    throw new GrpcError(GrpcStatus.INVALID_ARGUMENT, 'unexpected end of JSON input')
  }
  return {
    name: config?.getName() ?? '',
    schema,
    indexes: (config?.getIndexesList() ?? []).map((index) => ({
      path: index.getPath(),
      unique: index.getUnique(),
    })),
    writeValidator: config?.getWritevalidator() ?? '',
    readFilter: config?.getReadfilter() ?? '',
  }
}

function collectionInfo(collection: CollectionConfigState) {
  const reply = new pb.GetCollectionInfoReply()
  reply.setName(collection.name)
  reply.setSchema(collection.schema)
  reply.setIndexesList(
    collection.indexes.map(({ path, unique }) => {
      const index = new pb.Index()
      index.setPath(path)
      index.setUnique(unique)
      return index
    }),
  )
  reply.setWritevalidator(collection.writeValidator)
  reply.setReadfilter(collection.readFilter)
  return reply
}

function dbInfo(db: { name: string; threadKey: Uint8Array }) {
  const reply = new pb.GetDBInfoReply()
  reply.setName(db.name)
  reply.setKey(db.threadKey)
  return reply
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

function method<Req extends Message>(
  requestType: UnaryMethod<Req>['requestType'],
  handle: UnaryMethod<Req>['handle'],
): UnaryMethod {
  return { requestType, handle } as unknown as UnaryMethod
}

/** The implemented unary methods, by gRPC path. */
export const THREADS_METHODS: ReadonlyMap<string, UnaryMethod> = new Map([
  [
    '/threads.pb.API/NewDB',
    method(pb.NewDBRequest, async (request, context) => {
      const idBytes = request.getDbid_asU8()
      const id = castThreadId(idBytes)
      const collections = request.getCollectionsList().map(configOf)
      const actor = await actorOf(context)
      context.store.newDb(actor, id, idBytes, request.getName(), collections)
      return new pb.NewDBReply()
    }),
  ],
  [
    '/threads.pb.API/GetDBInfo',
    method(pb.GetDBInfoRequest, async (request, context) => {
      const id = castThreadId(request.getDbid_asU8())
      return dbInfo(context.store.getDb(await actorOf(context), id))
    }),
  ],
  [
    '/threads.pb.API/DeleteDB',
    method(pb.DeleteDBRequest, async (request, context) => {
      const id = castThreadId(request.getDbid_asU8())
      context.store.deleteDb(await actorOf(context), id)
      return new pb.DeleteDBReply()
    }),
  ],
  [
    '/threads.pb.API/NewCollection',
    method(pb.NewCollectionRequest, async (request, context) => {
      const id = castThreadId(request.getDbid_asU8())
      const actor = await actorOf(context)
      context.store.getDb(actor, id)
      context.store.newCollection(actor, id, configOf(request.getConfig()))
      return new pb.NewCollectionReply()
    }),
  ],
  [
    '/threads.pb.API/ListCollections',
    method(pb.ListCollectionsRequest, async (request, context) => {
      const id = castThreadId(request.getDbid_asU8())
      const db = context.store.getDb(await actorOf(context), id)
      const reply = new pb.ListCollectionsReply()
      reply.setCollectionsList([...db.collections.values()].map(collectionInfo))
      return reply
    }),
  ],
  [
    '/threads.pb.API/Create',
    method(pb.CreateRequest, async (request, context) => {
      const collection = await collectionOf(request, context)
      const reply = new pb.CreateReply()
      reply.setInstanceidsList(context.store.create(collection, request.getInstancesList_asU8()))
      return reply
    }),
  ],
  [
    '/threads.pb.API/Save',
    method(pb.SaveRequest, async (request, context) => {
      const collection = await collectionOf(request, context)
      context.store.save(collection, request.getInstancesList_asU8())
      return new pb.SaveReply()
    }),
  ],
  [
    '/threads.pb.API/Has',
    method(pb.HasRequest, async (request, context) => {
      const collection = await collectionOf(request, context)
      const reply = new pb.HasReply()
      reply.setExists(request.getInstanceidsList().every((key) => collection.instances.has(key)))
      return reply
    }),
  ],
  [
    '/threads.pb.API/Find',
    method(pb.FindRequest, async (request, context) => {
      const collection = await collectionOf(request, context)
      let value: unknown
      try {
        value = JSON.parse(new TextDecoder().decode(request.getQueryjson_asU8()))
      } catch (error) {
        throw new GrpcError(GrpcStatus.UNKNOWN, (error as Error).message)
      }
      const query = parseQuery(value)
      if (!query) throw new GrpcError(GrpcStatus.UNKNOWN, 'invalid query')
      const reply = new pb.FindReply()
      reply.setInstancesList(context.store.find(collection, query).map(json))
      return reply
    }),
  ],
  [
    '/threads.pb.API/FindByID',
    method(pb.FindByIDRequest, async (request, context) => {
      const collection = await collectionOf(request, context)
      const instance = collection.instances.get(request.getInstanceid())
      if (!instance) throw new GrpcError(GrpcStatus.UNKNOWN, 'instance not found')
      const reply = new pb.FindByIDReply()
      reply.setInstance(json(instance))
      return reply
    }),
  ],
])
