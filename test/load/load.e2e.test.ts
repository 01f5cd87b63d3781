// CI-sized load: 300 full logins at concurrency 50, in-process and over HTTP on 127.0.0.1.
// Asserts correctness under concurrency only (every login a 200, one log line per request);
// timings are for `npm run load`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRETS, SITE, deployment, handlersOf, type Deployment } from '../helpers/deployment.ts'
import { serveHandlers, type Served } from '../helpers/serve-handlers.ts'
import { makeIdentityPool } from '../../scripts/load/identities.ts'
import type { Transport } from '../helpers/login.ts'
import { runLogins } from '../../scripts/load/run-logins.ts'

const identities = makeIdentityPool(50)
const COUNT = 300
const CONCURRENCY = 50
/** COUNT logins of the pool's identities at CONCURRENCY over `transport`. */
const run = (transport: Transport) =>
  runLogins({ transport, identities, count: COUNT, concurrency: CONCURRENCY })

describe('concurrent logins', () => {
  let d: Deployment
  let server: Served

  beforeAll(async () => {
    d = deployment({ URL: SITE })
    server = await serveHandlers({ '/api/challenge': d.challenge, '/api/token': d.token })
  })
  afterAll(() => server.close())

  it('completes 300 logins at concurrency 50 in-process, all 200', async () => {
    d.logs.length = 0
    const result = await run(handlersOf(d))
    expect(result).toMatchObject({ errors: 0, statuses: { 200: COUNT } })
    expect(d.logs).toHaveLength(2 * COUNT)
    expect(new Set(d.logs.map((line) => line.requestId)).size).toBe(2 * COUNT)
  })

  it('completes 300 logins at concurrency 50 over HTTP, all 200, no secret on the wire', async () => {
    d.logs.length = 0
    const bodies: string[] = []
    const transport: Transport = async (path, init) => {
      const response = await fetch(server.origin + path, init)
      const text = await response.text()
      bodies.push(text, JSON.stringify([...response.headers]))
      return new Response(text, response)
    }
    const result = await run(transport)
    expect(result).toMatchObject({ errors: 0, statuses: { 200: COUNT } })
    expect(d.logs.filter((line) => line.status === 200)).toHaveLength(2 * COUNT)
    const wire = bodies.join('\n')
    for (const [name, value] of Object.entries(SECRETS)) {
      if (name !== 'USER_API_KEY') expect(wire).not.toContain(value)
    }
  })
})
