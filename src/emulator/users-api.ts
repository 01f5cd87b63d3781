// The two methods of hubd's users API (`api.usersd.pb.APIService`) that @textile/hub's threads
// Client calls: listDBs → ListThreads and getThread → GetThread, over the DBs the token's subject
// owns. The real hub trusts the token's subject here after parsing it unverified; the emulator
// verifies it against the host key, as on every other method.
import users from '@textile/users-grpc/api/usersd/pb/usersd_pb.js'
import { GrpcError, GrpcStatus } from './grpc-error.ts'
import { actorOf, type UnaryMethod } from './threads-api.ts'
import type { DbState } from './threads-store.ts'

const pb = users

function threadInfo(db: DbState) {
  const reply = new pb.GetThreadResponse()
  reply.setId(db.idBytes)
  reply.setName(db.name)
  reply.setIsDb(true)
  return reply
}

/** The implemented usersd methods, by gRPC path. */
export const USERS_METHODS: ReadonlyMap<string, UnaryMethod> = new Map<string, UnaryMethod>([
  [
    '/api.usersd.pb.APIService/ListThreads',
    {
      requestType: pb.ListThreadsRequest,
      async handle(_request, context) {
        const reply = new pb.ListThreadsResponse()
        reply.setListList(context.store.listDbs(await actorOf(context)).map(threadInfo))
        return reply
      },
    },
  ],
  [
    '/api.usersd.pb.APIService/GetThread',
    {
      requestType: pb.GetThreadRequest,
      async handle(request, context) {
        const name = (request as InstanceType<typeof pb.GetThreadRequest>).getName()
        const actor = await actorOf(context)
        const db = context.store.listDbs(actor).find((item) => item.name === name)
        if (!db) throw new GrpcError(GrpcStatus.NOT_FOUND, 'Thread not found')
        return threadInfo(db)
      },
    },
  ],
])
