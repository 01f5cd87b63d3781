// The demo's build script: only public values reach site/build, whatever the environment holds.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildSite, DEFAULT_HUB_URL, siteConfig } from '../../src/cli/build-site.ts'
import { SECRETS } from '../helpers/fixtures.ts'

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

describe('buildSite()', () => {
  let outdir: string | undefined
  afterAll(() => (outdir ? rm(outdir, { recursive: true, force: true }) : undefined))

  it('writes a browser bundle and a config.json with no secret in any file', async () => {
    outdir = await mkdtemp(join(tmpdir(), 'ttp-site-'))
    const { files, config } = await buildSite({
      outdir,
      env: { ...SECRETS, HUB_URL: 'https://hub.example' },
    })
    expect(config).toEqual({ hubUrl: 'https://hub.example', endpoint: '/api' })
    expect(files.map((file) => file.path)).toContain(join(outdir, 'app.js'))
    const written = JSON.parse(await readFile(join(outdir, 'config.json'), 'utf8'))
    expect(written).toEqual(config)
    for (const entry of await readdir(outdir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue
      const text = await readFile(join(entry.parentPath, entry.name), 'utf8')
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret)
    }
  })
})
