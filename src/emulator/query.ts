// go-threads' JSON query over instances (db/query.go), as @textile/threads-client sends it:
// {ands: [{fieldPath, operation, value: {string|bool|float}}], ors: [query], sort, seek, skip,
// limit}. Matching follows go-threads: all `ands` true (an empty list is true) or any `ors` true.
// Where go-threads errors on a missing field or a type mismatch, the emulator treats it as no match.

/** One instance: a JSON object with a string `_id`. */
export type Instance = Record<string, unknown> & { _id: string }

interface Criterion {
  fieldPath: string
  operation: number
  value: { string?: string; bool?: boolean; float?: number }
}

/** A parsed query. */
export interface Query {
  ands: Criterion[]
  ors: Query[]
  sort?: { fieldPath: string; desc: boolean }
  seek?: string
  skip?: number
  limit?: number
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Validates a decoded query JSON value; undefined when it is not a query.
 *
 * @example
 * const query = parseQuery(JSON.parse(text))
 */
export function parseQuery(value: unknown, depth = 0): Query | undefined {
  if (value === null) return { ands: [], ors: [] }
  if (!isObject(value) || depth > 16) return undefined
  const ands: Criterion[] = []
  for (const item of Array.isArray(value.ands) ? value.ands : []) {
    if (!isObject(item) || typeof item.fieldPath !== 'string' || !isObject(item.value)) {
      return undefined
    }
    const operation = typeof item.operation === 'number' ? item.operation : 0
    if (!Number.isInteger(operation) || operation < 0 || operation > 5) return undefined
    ands.push({ fieldPath: item.fieldPath, operation, value: item.value })
  }
  const ors: Query[] = []
  for (const item of Array.isArray(value.ors) ? value.ors : []) {
    const sub = parseQuery(item, depth + 1)
    if (!sub) return undefined
    ors.push(sub)
  }
  const query: Query = { ands, ors }
  if (isObject(value.sort) && typeof value.sort.fieldPath === 'string') {
    query.sort = { fieldPath: value.sort.fieldPath, desc: value.sort.desc === true }
  }
  if (typeof value.seek === 'string' && value.seek !== '') query.seek = value.seek
  if (typeof value.skip === 'number' && value.skip > 0) query.skip = Math.floor(value.skip)
  if (typeof value.limit === 'number' && value.limit > 0) query.limit = Math.floor(value.limit)
  return query
}

function field(instance: Record<string, unknown>, path: string): unknown {
  let current: unknown = instance
  for (const name of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, name)) return undefined
    current = current[name]
  }
  return current
}

/** Go's compareValue: 0 equal, -1 less (or bool unequal), 1 greater; undefined on mismatch. */
function compare(actual: unknown, expected: Criterion['value']): number | undefined {
  if (typeof expected.string === 'string') {
    if (typeof actual !== 'string') return undefined
    return actual === expected.string ? 0 : actual < expected.string ? -1 : 1
  }
  if (typeof expected.bool === 'boolean') {
    if (typeof actual !== 'boolean') return undefined
    return actual === expected.bool ? 0 : -1
  }
  if (typeof expected.float === 'number') {
    if (typeof actual !== 'number') return undefined
    return actual === expected.float ? 0 : actual < expected.float ? -1 : 1
  }
  return undefined
}

function matchCriterion(instance: Instance, criterion: Criterion): boolean {
  const result = compare(field(instance, criterion.fieldPath), criterion.value)
  if (result === undefined) return false
  // Eq, Ne, Gt, Lt, Ge, Le (threads-client ComparisonJSON)
  return [result === 0, result !== 0, result > 0, result < 0, result >= 0, result <= 0][
    criterion.operation
  ]!
}

function matches(instance: Instance, query: Query): boolean {
  if (query.ands.every((criterion) => matchCriterion(instance, criterion))) return true
  return query.ors.some((sub) => matches(instance, sub))
}

/**
 * Runs a query over instances in insertion order: filter, sort, seek, skip, limit.
 *
 * @example
 * const found = runQuery([...collection.values()], query)
 */
export function runQuery(instances: Instance[], query: Query): Instance[] {
  let found = instances.filter((instance) => matches(instance, query))
  if (query.sort) {
    const { fieldPath, desc } = query.sort
    found = [...found].sort((a, b) => {
      const x = field(a, fieldPath)
      const y = field(b, fieldPath)
      const order = x === y ? 0 : String(x) < String(y) ? -1 : 1
      const numeric = typeof x === 'number' && typeof y === 'number' ? x - y : order
      return desc ? -numeric : numeric
    })
  }
  if (query.seek) {
    const index = found.findIndex((instance) => instance._id === query.seek)
    found = index < 0 ? [] : found.slice(index)
  }
  if (query.skip) found = found.slice(query.skip)
  if (query.limit) found = found.slice(0, query.limit)
  return found
}
