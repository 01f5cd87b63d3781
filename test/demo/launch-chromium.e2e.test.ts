// The flags the browser test runs Chromium with: @sparticuz/chromium's, minus those that switch off
// the web's security model (the test checks CSP and framing, so they must be enforced).
import { describe, expect, it } from 'vitest'
import { chromiumArgs } from './launch-chromium.ts'

describe('chromiumArgs()', () => {
  it('drops the flags that switch off web security and site isolation', () => {
    const args = chromiumArgs([
      '--no-pings',
      '--single-process',
      '--disable-features=AudioServiceOutOfProcess,IsolateOrigins,site-per-process',
      '--allow-running-insecure-content',
      '--disable-site-isolation-trials',
      '--disable-web-security',
      "--headless='shell'",
    ])
    expect(args.slice(0, 3)).toEqual([
      '--no-pings',
      '--disable-features=AudioServiceOutOfProcess',
      "--headless='shell'",
    ])
    expect(args.join(' ')).not.toMatch(/web-security|insecure|isolation|IsolateOrigins|single/)
  })

  it('keeps the flags of the installed @sparticuz/chromium that do not weaken security', () => {
    const args = chromiumArgs()
    expect(args).toContain('--no-sandbox')
    expect(args).toContain('--disable-background-networking')
    expect(args.join(' ')).not.toMatch(/--disable-web-security|site-per-process/)
  })
})
