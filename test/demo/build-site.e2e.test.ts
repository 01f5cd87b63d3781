// The demo's build (site/tools): only public values reach site/build, whatever the environment holds.
import { existsSync, readFileSync, watch } from 'node:fs'
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi, onTestFinished } from 'vitest'
import { DEFAULT_HUB_URL, siteConfig } from '../../site/src/site-config.ts'
import { buildSite } from '../../site/tools/build-site.ts'
import { contentSecurityPolicy, siteHeaders } from '../../site/tools/site-headers.ts'
import { SECRETS } from '../helpers/deployment.ts'

describe('siteConfig()', () => {
  it('keeps HUB_URL, DEMO_BANNER and CONTEXT and nothing else', () => {
    expect(
      siteConfig({
        ...SECRETS,
        HUB_URL: 'https://hub.example/',
        DEMO_BANNER: ' Deploy preview ',
        CONTEXT: 'deploy-preview',
      }),
    ).toEqual({
      hubUrl: 'https://hub.example',
      endpoint: '/api',
      banner: 'Deploy preview',
      context: 'deploy-preview',
    })
  })

  // Issue 23: the local banner said "the hub at HUB_URL", literally.
  it('names the hub in the banner where DEMO_BANNER says {hub}, as netlify.toml’s dev banner does', async () => {
    const toml = await readFile(new URL('../../netlify.toml', import.meta.url), 'utf8')
    const dev = /\[context\.dev\.environment\]\s+DEMO_BANNER = "([^"]*)"/.exec(toml)?.[1]
    const banner = siteConfig({ HUB_URL: 'http://127.0.0.1:6100', DEMO_BANNER: dev }).banner
    expect(banner).toMatch(/^Local development: talking to the hub at http:\/\/127\.0\.0\.1:6100 /)
    expect(banner).not.toMatch(/HUB_URL \(|\{hub\}/)
    expect(
      siteConfig({ HUB_URL: 'https://hub.example', DEMO_BANNER: '{hub} and {hub}' }).banner,
    ).toBe('https://hub.example and https://hub.example')
  })

  it('defaults to the local emulator outside deployed contexts', () => {
    expect(siteConfig({ CONTEXT: 'dev' })).toEqual({
      hubUrl: DEFAULT_HUB_URL,
      endpoint: '/api',
      context: 'dev',
    })
  })

  it('throws naming HUB_URL when a deployed context has none', () => {
    expect(() => siteConfig({ CONTEXT: 'deploy-preview' })).toThrow(/HUB_URL must be set/)
  })

  it('throws naming HUB_URL, not its value, for a non-http URL or one with credentials', () => {
    expect(() => siteConfig({ HUB_URL: 'ftp://hub.example' })).toThrow(/^HUB_URL must be/)
    expect(() => siteConfig({ HUB_URL: 'https://user:pw@hub.example' })).toThrow(
      /^HUB_URL must be an http/,
    )
  })
})

describe('contentSecurityPolicy()', () => {
  it('allows connections to the hub over http and ws when HUB_URL is http', () => {
    expect(contentSecurityPolicy(siteConfig({ HUB_URL: 'http://127.0.0.1:6007' }))).toBe(
      "default-src 'self'; connect-src 'self' http://127.0.0.1:6007 ws://127.0.0.1:6007; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; " +
        "frame-src 'none'; child-src 'none'; worker-src 'none'",
    )
  })

  it('names the hub by origin only, with wss for an https hub on a path', () => {
    const policy = contentSecurityPolicy(siteConfig({ HUB_URL: 'https://hub.example:8443/grpc/' }))
    expect(policy).toContain("connect-src 'self' https://hub.example:8443 wss://hub.example:8443;")
    expect(policy).not.toContain('/grpc')
  })

  it('throws for an IPv6 hub address, which a CSP source list cannot name', () => {
    expect(() => contentSecurityPolicy(siteConfig({ HUB_URL: 'http://[::1]:6007' }))).toThrow(
      /IPv6/,
    )
  })
})

describe('siteHeaders()', () => {
  it('sets the CSP on every path in Netlify _headers syntax', () => {
    const config = siteConfig({ HUB_URL: 'https://hub.example' })
    expect(siteHeaders(config).split('\n').slice(1)).toEqual([
      '/*',
      `  Content-Security-Policy: ${contentSecurityPolicy(config)}`,
      '',
    ])
  })
})

describe('buildSite()', () => {
  let publishDir: string | undefined
  afterAll(() => (publishDir ? rm(publishDir, { recursive: true, force: true }) : undefined))

  it('writes a browser bundle, config.json and _headers with no secret in any file', async () => {
    publishDir = await mkdtemp(join(tmpdir(), 'ttp-site-'))
    const outdir = join(publishDir, 'build')
    const { files, config } = await buildSite({
      publishDir,
      env: { ...SECRETS, HUB_URL: 'https://hub.example' },
    })
    expect(config).toEqual({ hubUrl: 'https://hub.example', endpoint: '/api' })
    expect(files.map((file) => file.path)).toContain(join(outdir, 'app.js'))
    const written = JSON.parse(await readFile(join(outdir, 'config.json'), 'utf8'))
    expect(written).toEqual(config)
    await expect(readFile(join(publishDir, '_headers'), 'utf8')).resolves.toBe(siteHeaders(config))
    for (const entry of await readdir(publishDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue
      const text = await readFile(join(entry.parentPath, entry.name), 'utf8')
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret)
      // The page's CSP has no 'unsafe-eval': the bundle must not build code from strings as it loads.
      if (entry.name.endsWith('.js')) expect(text).not.toMatch(/\bFunction\(['"]return this/)
    }
  })

  it('in watch mode, warns about a stale _headers and removes _headers when it stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ttp-site-watch-'))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    onTestFinished(async () => {
      warn.mockRestore()
      await rm(dir, { recursive: true, force: true })
    })
    await writeFile(join(dir, '_headers'), siteHeaders(siteConfig({ HUB_URL: 'http://old:1' })))
    const env = { HUB_URL: 'https://hub.example' }
    const { stop } = await buildSite({ publishDir: dir, env, watch: true })
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/restart netlify dev/))
    await expect(readFile(join(dir, '_headers'), 'utf8')).resolves.toBe(
      siteHeaders(siteConfig(env)),
    )
    await stop()
    await expect(access(join(dir, '_headers'))).rejects.toThrow(/ENOENT/)
  })

  // netlify dev re-reads _headers on every change event, with no debounce: a read between
  // writeFile's truncation and its write took an empty file, and the demo was served with no CSP
  // until the next change (seen as a failing CSP check in the demo's hub-challenge suite).
  it('in watch mode, a watcher reading _headers and config.json on each change never reads either short', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ttp-site-race-'))
    const env = { HUB_URL: 'https://hub.example' }
    const reads: Record<string, string[]> = { _headers: [], 'config.json': [] }
    const readOnChange = (folder: string) =>
      watch(folder, (_event, name) => {
        const path = join(folder, String(name))
        if (name && name in reads && existsSync(path)) reads[name]!.push(readFileSync(path, 'utf8'))
      })
    const watchers = [readOnChange(dir)]
    const { stop, config } = await buildSite({ publishDir: dir, env, watch: true })
    watchers.push(readOnChange(join(dir, 'build')))
    onTestFinished(async () => {
      for (const watcher of watchers) watcher.close()
      await stop()
      await rm(dir, { recursive: true, force: true })
    })
    // esbuild's watch() builds once more: both files are written again.
    await vi.waitFor(() => expect(reads['config.json']!.length).toBeGreaterThan(0), 10_000)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(reads._headers!.length).toBeGreaterThan(1)
    expect(new Set(reads._headers)).toEqual(new Set([siteHeaders(config)]))
    expect(new Set(reads['config.json'])).toEqual(new Set([JSON.stringify(config, null, 2) + '\n']))
  })
})
