// The emulator's in-memory ThreadDB: DBs owned by a user (token subject) under one API key,
// collections with their config, and JSON instances. Errors carry go-threads' texts: its plain Go
// errors reach the client as gRPC 2, "not found" ones as 5, and the hub's ownership checks as 7.
// Not emulated: JSON-schema validation, write validators / read filters, indexes, listeners.
import { GrpcError, GrpcStatus } from './grpc-error.ts'
import { newInstanceId } from './instance-id.ts'
import { runQuery, type Instance, type Query } from './query.ts'

/** A collection's configuration, as CollectionConfig carries it. */
export interface CollectionConfigState {
  name: string
  schema: Uint8Array
  indexes: Array<{ path: string; unique: boolean }>
  writeValidator: string
  readFilter: string
}

/** One collection and its instances, in insertion order. */
export interface CollectionState extends CollectionConfigState {
  instances: Map<string, Instance>
}

/** One DB. */
export interface DbState {
  /** 'b' + base32 of the id bytes. */
  id: string
  idBytes: Uint8Array
  name: string
  /** The owner's public key string (the token subject). */
  owner: string
  /** The user-group key it was created under. */
  apiKey: string
  /** A random thread key (service + read key), for GetDBInfo. */
  threadKey: Uint8Array
  collections: Map<string, CollectionState>
}

/** Who is asking: the token subject and the API key of the call. */
export interface Actor {
  owner: string
  apiKey: string
}

const NAME = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/
const unknown = (message: string) => new GrpcError(GrpcStatus.UNKNOWN, message)

/**
 * The in-memory store behind the emulator's threads API.
 *
 * @example
 * const store = new ThreadsStore(() => new Date())
 */
export class ThreadsStore {
  readonly #dbs = new Map<string, DbState>()
  readonly #now: () => Date

  constructor(now: () => Date) {
    this.#now = now
  }

  /** Creates a DB owned by the actor. */
  newDb(
    actor: Actor,
    id: string,
    idBytes: Uint8Array,
    name: string,
    collections: CollectionConfigState[],
  ): void {
    if (this.#dbs.has(id)) throw unknown('db already exists')
    if (name !== '' && !NAME.test(name)) {
      throw unknown(
        'name may only contain alphanumeric characters or non-consecutive hyphens, and cannot begin or end with a hyphen',
      )
    }
    const db: DbState = {
      id,
      idBytes,
      name,
      owner: actor.owner,
      apiKey: actor.apiKey,
      threadKey: crypto.getRandomValues(new Uint8Array(64)),
      collections: new Map(),
    }
    for (const config of collections) addCollection(db, config)
    this.#dbs.set(id, db)
  }

  /** The actor's DBs, in creation order. */
  listDbs(actor: Actor): DbState[] {
    return [...this.#dbs.values()].filter((db) => db.owner === actor.owner)
  }

  /**
   * A DB the actor may use.
   *
   * @throws GrpcError 5 "db not found"; 7 "User does not own thread" / "Bad API key".
   */
  getDb(actor: Actor, id: string): DbState {
    const db = this.#dbs.get(id)
    if (!db) throw new GrpcError(GrpcStatus.NOT_FOUND, 'db not found')
    if (db.owner !== actor.owner) {
      throw new GrpcError(GrpcStatus.PERMISSION_DENIED, 'User does not own thread')
    }
    if (db.apiKey !== actor.apiKey) throw new GrpcError(GrpcStatus.PERMISSION_DENIED, 'Bad API key')
    return db
  }

  /** Deletes a DB the actor may use. */
  deleteDb(actor: Actor, id: string): void {
    this.#dbs.delete(this.getDb(actor, id).id)
  }

  /** Registers a collection. */
  newCollection(actor: Actor, id: string, config: CollectionConfigState): void {
    addCollection(this.getDb(actor, id), config)
  }

  /**
   * A collection of a DB the actor may use.
   *
   * @throws GrpcError 5 "collection not found", and those of {@link getDb}.
   */
  getCollection(actor: Actor, id: string, name: string): CollectionState {
    const collection = this.getDb(actor, id).collections.get(name)
    if (!collection) throw new GrpcError(GrpcStatus.NOT_FOUND, 'collection not found')
    return collection
  }

  /** Adds JSON instances, giving each without an `_id` a new one; returns the ids. */
  create(collection: CollectionState, documents: Uint8Array[]): string[] {
    const parsed = documents.map((bytes) => {
      const instance = parseInstance(bytes)
      if (instance._id === '') instance._id = newInstanceId(this.#now())
      if (collection.instances.has(instance._id)) {
        throw unknown("can't create already existing instance")
      }
      return instance
    })
    const ids = new Set(parsed.map((instance) => instance._id))
    if (ids.size !== parsed.length) throw unknown("can't create already existing instance")
    for (const instance of parsed) collection.instances.set(instance._id, instance)
    return parsed.map((instance) => instance._id)
  }

  /** Replaces existing instances (matched by `_id`). */
  save(collection: CollectionState, documents: Uint8Array[]): void {
    const parsed = documents.map(parseInstance)
    for (const instance of parsed) {
      if (instance._id === '') throw unknown('invalid instance: missing _id attribute')
      if (!collection.instances.has(instance._id)) throw unknown('instance not found')
    }
    for (const instance of parsed) collection.instances.set(instance._id, instance)
  }

  /** Runs a query. */
  find(collection: CollectionState, query: Query): Instance[] {
    return runQuery([...collection.instances.values()], query)
  }
}

function addCollection(db: DbState, config: CollectionConfigState): void {
  if (config.name === '' || !NAME.test(config.name)) {
    throw unknown(
      'name may only contain alphanumeric characters or non-consecutive hyphens, and cannot begin or end with a hyphen',
    )
  }
  if (db.collections.has(config.name)) throw unknown('collection already registered')
  db.collections.set(config.name, { ...config, instances: new Map() })
}

/** A JSON object instance; `_id` must be a string when present ('' when absent). */
function parseInstance(bytes: Uint8Array): Instance {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    throw unknown(`unmarshaling json instance: ${(error as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unknown('unmarshaling json instance: not an object')
  }
  const record = value as Record<string, unknown>
  const id = record._id ?? ''
  if (typeof id !== 'string') throw unknown('invalid instance: missing _id attribute')
  return { ...record, _id: id }
}
