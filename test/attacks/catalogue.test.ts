import { describe, expect, it } from 'vitest'
import { STATUS } from '../../src/http/problem.ts'
import { SECRETS } from '../helpers/deployment.ts'
import { CATALOGUE } from './catalogue.ts'
import { interpret } from './interpret.ts'

const secrets = Object.values(SECRETS).filter((value) => value !== SECRETS.USER_API_KEY)

describe('attack catalogue', () => {
  it('has at least 60 uniquely named cases against both endpoints', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(60)
    expect(new Set(CATALOGUE.map((c) => c.name + c.endpoint)).size).toBe(CATALOGUE.length)
    expect(new Set(CATALOGUE.map((c) => c.endpoint))).toEqual(new Set(['challenge', 'token']))
  })

  it.each(CATALOGUE)(
    '$endpoint: $name → $expect.status $expect.code',
    async ({ build, endpoint, expect: expected }) => {
      const { response, logs } = await interpret(build, endpoint)
      const text = await response.text()
      const headers = JSON.stringify([...response.headers])
      if (expected.code) {
        expect(response.headers.get('content-type')).toBe('application/problem+json')
        if (text) {
          expect(JSON.parse(text)).toMatchObject({ code: expected.code, status: response.status })
        }
        expect({ status: response.status, code: JSON.parse(text || '{}').code }).toEqual(expected)
        expect(STATUS[expected.code]).toBe(expected.status)
      } else {
        expect({ status: response.status, body: text.slice(0, 200) }).toMatchObject({
          status: expected.status,
        })
      }
      // Nothing the attacker sent reached Object.prototype, and no secret left the function.
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      const everything = [text, headers, ...logs.map((line) => JSON.stringify(line))].join('\n')
      for (const secret of secrets) expect(everything).not.toContain(secret)
      expect(logs.every((line) => typeof line.requestId === 'string' && line.requestId)).toBe(true)
    },
  )
})
