// The contract's error codes have one list (src/core/error-codes.ts): the server's titles and
// statuses, the SDK's check and docs/http-api.md's table all follow it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isContractCode, UserAuthError } from '../../src/client/errors.ts'
import { ERROR_CODES } from '../../src/core/error-codes.ts'
import { isErrorCode, TokenProviderError } from '../../src/core/errors.ts'
import { STATUS } from '../../src/http/problem.ts'

const ROOT = join(import.meta.dirname, '../..')

describe('ERROR_CODES', () => {
  it('is what the server, its status table and the SDK accept, and nothing else', () => {
    for (const code of ERROR_CODES) {
      expect(isErrorCode(code)).toBe(true)
      expect(isContractCode(code)).toBe(true)
      expect(TokenProviderError.title(code)).toMatch(/^[A-Z]/)
      expect(new UserAuthError(code).message).toBe(`The token provider refused the login (${code})`)
    }
    expect(Object.keys(STATUS).sort()).toEqual([...ERROR_CODES].sort())
    for (const other of ['rate_limited', 'jwt_invalid', 'toString', '__proto__', 'constructor']) {
      expect(isErrorCode(other)).toBe(false)
      expect(isContractCode(other)).toBe(false)
    }
  })

  it("is exactly docs/http-api.md's table of error codes, each with its status", () => {
    const text = readFileSync(join(ROOT, 'docs/http-api.md'), 'utf8')
    const section = text.slice(text.indexOf('## Error codes'))
    const rows = [...section.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)].map(
      ([, status, code]) => [code!, Number(status)] as const,
    )
    expect(rows.map(([code]) => code).sort()).toEqual([...ERROR_CODES].sort())
    for (const [code, status] of rows) expect(STATUS[code as keyof typeof STATUS]).toBe(status)
  })
})
