import { describe, expect, it } from 'vitest'
import { compileOriginPattern } from '../../src/http/origin.ts'

describe('compileOriginPattern()', () => {
  const preview = compileOriginPattern('https://deploy-preview-*--site.netlify.app')!

  it.each([
    ['https://deploy-preview-1--site.netlify.app', true],
    ['https://deploy-preview-123--site.netlify.app', true],
    ['http://deploy-preview-1--site.netlify.app', false],
    ['https://deploy-preview---site.netlify.app', false],
    ['https://deploy-preview-1.evil.example--site.netlify.app', false],
    ['https://deploy-preview-1--site.netlify.app.evil.example', false],
    ['https://deploy-preview-1--site.netlify.app:8443', false],
    ['https://evil.example/deploy-preview-1--site.netlify.app', false],
  ])('%s → %s', (origin, expected) => {
    expect(preview(origin)).toBe(expected)
  })

  it('matches exact origins with a port, case-insensitively in the pattern', () => {
    const exact = compileOriginPattern(' HTTP://LOCALHOST:5173/ ')!
    expect(exact('http://localhost:5173')).toBe(true)
    expect(exact('http://localhost:5174')).toBe(false)
  })

  it.each([
    '*',
    'site.example',
    'https://',
    'https://a.example/path',
    'ftp://a.example',
    'https://*.',
    'https://a..b',
    'https://a:*',
  ])('refuses %s', (pattern) => {
    expect(compileOriginPattern(pattern)).toBeUndefined()
  })
})
