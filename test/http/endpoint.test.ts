import { describe, expect, it } from 'vitest'
import { TokenProviderError } from '../../src/core/errors.ts'
import type { ConfigSource } from '../../src/http/config-source.ts'
import { createEndpoint, type LogAnnotations } from '../../src/http/endpoint.ts'
import type { LogRecord } from '../../src/http/log.ts'

const SECRET = 'field-secret-0123456789abcdef'
const config: ConfigSource<{ ok: true }> = {
  variables: ['FIELD_SECRET'],
  secrets: ['FIELD_SECRET'],
  parse: async () => ({ ok: true }),
}

async function run(annotate: (log: LogAnnotations) => void, fail = false) {
  const logs: LogRecord[] = []
  const handler = createEndpoint(
    {
      name: 'fields',
      methods: ['POST'],
      body: 'ignore',
      config,
      origins: 'none',
      async run({ log }) {
        annotate(log)
        if (fail) throw new TokenProviderError('invalid_request')
        return { body: {} }
      },
    },
    { env: () => ({ FIELD_SECRET: SECRET }), logger: (record) => logs.push(record) },
  )
  const response = await handler(new Request('https://site.example/api/fields', { method: 'POST' }))
  return { response, logs }
}

describe('createEndpoint() log fields', () => {
  it('logs an endpoint’s fields with string values redacted and undefined values left out', async () => {
    const { response, logs } = await run((log) => {
      log.fields = { note: `store said ${SECRET}`, count: 2, done: true, later: undefined }
    })
    expect(response.status).toBe(200)
    expect(logs).toHaveLength(1)
    expect(logs[0]!.fields).toEqual({ note: 'store said [redacted]', count: 2, done: true })
    expect(JSON.stringify(logs)).not.toContain(SECRET)
  })

  it('cuts a string field to 300 characters after redaction', async () => {
    const { logs } = await run((log) => {
      log.fields = { long: `${SECRET}${'x'.repeat(400)}` }
    })
    expect(logs[0]!.fields!.long).toBe(`[redacted]${'x'.repeat(290)}`)
  })

  it('logs the fields of a run that fails with a coded error, and none when it sets none', async () => {
    const failed = await run((log) => {
      log.fields = { step: 'verify' }
    }, true)
    expect(failed.response.status).toBe(400)
    expect(failed.logs[0]).toMatchObject({
      level: 'warn',
      code: 'invalid_request',
      fields: { step: 'verify' },
    })
    const plain = await run(() => {})
    expect(plain.logs[0]).not.toHaveProperty('fields')
  })
})
