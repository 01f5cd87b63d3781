import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/index.ts'
import { SECRETS, deployment, login, post, problem } from '../helpers/deployment.ts'
import { identity } from '../helpers/identity.ts'

describe('configuration', () => {
  it.each<[string, Record<string, string | undefined>, string]>([
    ['USER_API_KEY is missing', { USER_API_KEY: undefined }, 'USER_API_KEY'],
    ['USER_API_KEY is blank', { USER_API_KEY: '   ' }, 'USER_API_KEY'],
    ['USER_API_KEY has spaces inside', { USER_API_KEY: 'a key' }, 'USER_API_KEY'],
    ['USER_API_SECRET is missing', { USER_API_SECRET: undefined }, 'USER_API_SECRET'],
    [
      'USER_API_SECRET is not multibase base32',
      { USER_API_SECRET: 'zSecret!!' },
      'USER_API_SECRET',
    ],
    ['CHALLENGE_SECRET is too short', { CHALLENGE_SECRET: 'short' }, 'CHALLENGE_SECRET'],
    ['HUB_ISSUER_KEY is garbage', { HUB_ISSUER_KEY: 'bnotakey' }, 'HUB_ISSUER_KEY'],
    [
      'HUB_ISSUER_KEY is a public key',
      { HUB_ISSUER_KEY: 'bbaareihkjjwghyu4kifl55kqpmjs5rpzsvdxnlv6xz5zeqq65jurirwsfq' },
      'HUB_ISSUER_KEY',
    ],
    ['API_SIG_TTL_SECONDS is not a number', { API_SIG_TTL_SECONDS: '10m' }, 'API_SIG_TTL_SECONDS'],
    ['API_SIG_TTL_SECONDS is too large', { API_SIG_TTL_SECONDS: '9999999' }, 'API_SIG_TTL_SECONDS'],
    ['CHALLENGE_TTL_SECONDS is zero', { CHALLENGE_TTL_SECONDS: '0' }, 'CHALLENGE_TTL_SECONDS'],
    ['ALLOWED_ORIGINS has a path', { ALLOWED_ORIGINS: 'https://a.example/app' }, 'ALLOWED_ORIGINS'],
    ['ALLOWED_ORIGINS is a bare star', { ALLOWED_ORIGINS: '*' }, 'ALLOWED_ORIGINS'],
    ['ALLOWED_PUBKEYS has a bad key', { ALLOWED_PUBKEYS: 'bbaareinope' }, 'ALLOWED_PUBKEYS'],
    ...['0', '59', '1.5', '1h', '-60', '31536001'].map((ttl): [string, Env, string] => [
      `USER_TOKEN_TTL_SECONDS is ${ttl}`,
      { USER_TOKEN_TTL_SECONDS: ttl },
      'USER_TOKEN_TTL_SECONDS',
    ]),
    [
      'USER_TOKEN_TTL_SECONDS is set without an issuer key (hub tokens carry no exp)',
      { USER_TOKEN_TTL_SECONDS: '3600', HUB_ISSUER_KEY: undefined },
      'USER_TOKEN_TTL_SECONDS',
    ],
    ['DENIED_PUBKEYS has a bad key', { DENIED_PUBKEYS: 'bbaareinope' }, 'DENIED_PUBKEYS'],
    [
      'DENIED_PUBKEYS has an upper-case spelling of a key',
      { DENIED_PUBKEYS: identity().public.toString().toUpperCase() },
      'DENIED_PUBKEYS',
    ],
  ])(
    'throws server_misconfigured when %s, naming the variable only',
    async (_name, env, variable) => {
      const d = deployment(env)
      const response = await d.challenge(
        post('/api/challenge', { pubkey: identity().public.toString() }),
      )
      expect(response.status).toBe(500)
      const text = await response.text()
      const body = JSON.parse(text)
      expect(body).toMatchObject({ code: 'server_misconfigured', status: 500 })
      expect(body.detail).toContain(variable)
      for (const value of Object.values(env)) {
        if (value && value.trim().length > 3) expect(text).not.toContain(value)
      }
    },
  )

  it('rejects an issuer key whose public half does not match its seed', async () => {
    // Same seed as the vector issuer, public half of the vector user.
    const seed = Buffer.alloc(32, 7)
    const pub = Buffer.from(
      '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
      'hex',
    )
    const { formatPrivateKey } = await import('../../src/core/keys.ts')
    const d = deployment({ HUB_ISSUER_KEY: formatPrivateKey(seed, pub) })
    const response = await d.token(post('/api/token', {}))
    expect(await problem(response)).toMatchObject({ code: 'server_misconfigured' })
  })

  it('recovers once the configuration is fixed', async () => {
    const d = deployment({ USER_API_SECRET: undefined })
    expect((await login(d, identity()).catch(() => undefined))?.status ?? 500).toBe(500)
    // The login above stops at any refused challenge: it must be refused for the missing secret.
    const refused = await d.challenge(
      post('/api/challenge', { pubkey: identity().public.toString() }),
    )
    expect(refused.status).toBe(500)
    expect(await problem(refused)).toMatchObject({
      code: 'server_misconfigured',
      detail: expect.stringContaining('USER_API_SECRET'),
    })
    d.env.USER_API_SECRET = SECRETS.USER_API_SECRET
    expect((await login(d, identity())).status).toBe(200)
  })
})

describe('secrets', () => {
  const secretValues = Object.values(SECRETS).filter((value) => value !== SECRETS.USER_API_KEY)

  it('never appear in any response or log line, on success or failure', async () => {
    const d = deployment({ ALLOWED_ORIGINS: 'https://app.example' })
    const id = identity()
    const seen: string[] = []
    const record = async (response: Response) => {
      seen.push(JSON.stringify([...response.headers]), await response.text())
    }
    await record(await login(d, id))
    await record(await login(d, id, { origin: 'https://app.example' }))
    await record(await d.token(post('/api/token', { envelope: 'ttp1.x.y.z', signature: 'AA' })))
    await record(await d.token(post('/api/token', '[]')))
    await record(await d.challenge(post('/api/challenge', { pubkey: 'bad' })))
    await record(await d.challenge(new Request('https://site.example/api/challenge')))
    d.env.CHALLENGE_SECRET = 'short'
    await record(await d.challenge(post('/api/challenge', { pubkey: id.public.toString() })))
    seen.push(...d.logs.map((line) => JSON.stringify(line)))
    expect(seen.length).toBeGreaterThan(10)
    const all = seen.join('\n')
    for (const secret of [...secretValues, 'short']) expect(all).not.toContain(secret)
    // The challenge secret's bytes in any common encoding never show either.
    expect(all).not.toContain(Buffer.from(SECRETS.CHALLENGE_SECRET).toString('base64url'))
  })

  it('logs one structured line per request with its id and outcome code', async () => {
    const d = deployment()
    await login(d, identity())
    await d.token(post('/api/token', '[]', { 'x-nf-request-id': 'req-42' }))
    expect(d.logs).toHaveLength(3)
    expect(d.logs[0]).toMatchObject({ level: 'info', fn: 'challenge', status: 200 })
    expect(d.logs[2]).toMatchObject({
      level: 'warn',
      fn: 'token',
      requestId: 'req-42',
      status: 400,
      code: 'invalid_request',
    })
  })

  it('turns an unexpected failure into internal_error with a redacted log line', async () => {
    const d = deployment(
      {},
      {
        policy: () => {
          throw new Error(`database said no to ${SECRETS.USER_API_SECRET}`)
        },
      },
    )
    const response = await d.challenge(
      post('/api/challenge', { pubkey: identity().public.toString() }),
    )
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(JSON.parse(text)).toMatchObject({ code: 'internal_error' })
    expect(text).not.toContain('database')
    const line = d.logs.at(-1)!
    expect(line).toMatchObject({ level: 'error', code: 'internal_error' })
    expect(line.error).toContain('database said no to [redacted]')
    expect(JSON.stringify(line)).not.toContain(SECRETS.USER_API_SECRET)
  })

  it('redacts each item of a rotated CHALLENGE_SECRET list in an internal_error line', async () => {
    const old = 'old-secret-000000000000000000000000'
    const d = deployment(
      { CHALLENGE_SECRET: `new-secret-111111111111111111111111 , ${old}` },
      {
        policy: () => {
          throw new Error(`cannot use ${old}`)
        },
      },
    )
    await d.challenge(post('/api/challenge', { pubkey: identity().public.toString() }))
    const line = d.logs.at(-1)!
    expect(line).toMatchObject({ code: 'internal_error', error: 'Error: cannot use [redacted]' })
  })
})
