import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_ORIGIN_LENGTH, compileOriginPattern } from '../../src/http/origin.ts'

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

// The matcher before the linear rewrite: each `*` as a backtracking regex. Kept as the reference
// the new matcher must agree with on inputs short enough for the regex to be quick.
function referenceMatcher(pattern: string): (origin: string) => boolean {
  const text = pattern.trim().toLowerCase().replace(/\/$/, '')
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const regex = new RegExp(`^${text.split('*').map(escape).join('[a-z0-9]+(?:-[a-z0-9]+)*')}$`)
  return (origin) => regex.test(origin)
}

describe('compileOriginPattern() against hostile origins', () => {
  const slug = (pairs: number) => 'a-'.repeat(pairs) + 'a'

  it.each([
    // Over the length cap: the old regex took 2.5 s and 17 s on these.
    ['a slug over the cap, wrong suffix', 'https://*-*-*-*.example.com', slug(250) + '.example.co'],
    ['a slug over the cap, a bad character', 'https://*-*-*-*.example.com', slug(250) + '!.x.com'],
    // Within the cap: only a linear matcher is quick on these (the old one: 0.1 s to 28 s).
    ['a slug at the cap, wrong suffix', 'https://*-*-*-*.example.com', slug(120) + '.example.co'],
    ['six stars, wrong suffix', 'https://*-*-*-*-*-*.example.com', slug(75) + '.example.co'],
    ['six stars, a trailing hyphen', 'https://*-*-*-*-*-*.example.com', slug(75) + '-.example.com'],
    ['stars between literals', 'https://x*-*-*-*y.example.com', `x${slug(75)}z.example.com`],
  ])('refuses %s in well under 50 ms', (_name, pattern, host) => {
    const matches = compileOriginPattern(pattern)!
    const started = performance.now()
    const result = matches(`https://${host}`)
    const ms = performance.now() - started
    expect(result).toBe(false)
    expect(ms).toBeLessThan(50)
  })

  it('refuses an origin over MAX_ORIGIN_LENGTH before matching, even one the pattern fits', () => {
    const matches = compileOriginPattern('https://*.example.com')!
    const fits = `https://${'a'.repeat(MAX_ORIGIN_LENGTH - 'https://.example.com'.length)}.example.com`
    expect(fits.length).toBe(MAX_ORIGIN_LENGTH)
    expect(matches(fits)).toBe(true)
    expect(matches(fits.replace('https://', 'https://a'))).toBe(false)
  })

  it('refuses a pattern longer than MAX_ORIGIN_LENGTH', () => {
    expect(compileOriginPattern(`https://${'a'.repeat(MAX_ORIGIN_LENGTH)}.*`)).toBeUndefined()
  })

  it('agrees with the reference regex on every short origin', () => {
    const patterns = [
      'https://deploy-preview-*--site.netlify.app',
      'https://*-*-*.example.com',
      'http://*.a-*.example:8080',
      'https://x*y.example',
      'https://*-x.*.example',
    ]
    const alphabet = ['a', 'b', '0', '-', '--', '.', ':', '/', 'x', 'y', 'A', '*', '@']
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.array(fc.array(fc.constantFrom(...alphabet), { maxLength: 8 }), {
          minLength: 3,
          maxLength: 3,
        }),
        fc.nat(40),
        (pattern, fills, cut) => {
          // Each star filled with its own random text, so many inputs match; some are cut short.
          let star = 0
          const filled = pattern.replace(/\*/g, () => fills[star++]!.join(''))
          for (const origin of [filled, filled.slice(0, cut), filled.slice(cut)]) {
            expect(compileOriginPattern(pattern)!(origin)).toBe(referenceMatcher(pattern)(origin))
          }
        },
      ),
      { numRuns: 5000 },
    )
  })
})
