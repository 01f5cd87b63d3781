// GET /api/jwks (and /.well-known/jwks.json): the public keys of the JWT minter, for services that
// verify its EdDSA and ES256 tokens. Public data only: any origin may read it, and caches should:
// Netlify's CDN keeps one copy (durable) until the next deploy (every key change is one) or an
// hour, revalidating with the ETag; browsers and other caches keep it 5 minutes
// (docs/netlify-platform.md §12). An HS256 deployment has nothing to publish (its key is a shared
// secret) and says so.
import { encodeBase64Url, utf8 } from '../core/encoding.ts'
import { TokenProviderError } from '../core/errors.ts'
import { createEndpoint, type HandlerOptions, type RequestHandler } from './endpoint.ts'
import { jwtConfig, type PublicJwk } from './jwt-config.ts'
import { JWKS_CACHE_MAX_AGE_SECONDS } from '../verify/defaults.ts'

/** How long verifiers, browsers and caches outside Netlify may keep the key set (seconds). */
export const JWKS_MAX_AGE_SECONDS = JWKS_CACHE_MAX_AGE_SECONDS
/** How long Netlify's CDN keeps it at most (seconds); a deploy invalidates it before that. */
export const JWKS_CDN_MAX_AGE_SECONDS = 3600

/** The cache headers of every JWKS answer, 200 and 304 alike. */
export const JWKS_CACHE_HEADERS = {
  'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
  // Netlify's CDN only, stripped before the browser; `durable`: one copy for all edge nodes.
  'Netlify-CDN-Cache-Control': `public, durable, s-maxage=${JWKS_CDN_MAX_AGE_SECONDS}, must-revalidate`,
} as const

/**
 * Creates the JWKS function: `{"keys": [...]}` (RFC 7517 §5) of every `JWT_EDDSA_KEY` and
 * `JWT_ES256_KEY` item, each with `kid`, `alg` and `use: "sig"`, and an `ETag`: a request whose
 * `If-None-Match` names it gets 304 with no body.
 *
 * @throws (as problem+json) `server_misconfigured` when no public key is configured (also in HS256
 *   mode: a shared secret is never published), `method_not_allowed` for anything but GET and HEAD.
 * @example
 * export default createJwksHandler()
 */
export function createJwksHandler(options: HandlerOptions = {}): RequestHandler {
  const etags = new WeakMap<object, Promise<string>>()
  return createEndpoint(
    {
      name: 'jwks',
      methods: ['GET', 'HEAD'],
      config: jwtConfig,
      origins: 'any',
      async run({ config, request }) {
        if (config.jwks.keys.length === 0) {
          throw new TokenProviderError(
            'server_misconfigured',
            'JWT_EDDSA_KEY or JWT_ES256_KEY is not set (an HS256 secret is never published).',
          )
        }
        let etag = etags.get(config.jwks)
        if (!etag) {
          etag = entityTag(config.jwks.keys)
          etags.set(config.jwks, etag)
        }
        const headers = {
          'Content-Type': 'application/jwk-set+json',
          ...JWKS_CACHE_HEADERS,
          ETag: await etag,
        }
        const matched = matchesEntityTag(request.headers.get('if-none-match'), await etag)
        return { body: config.jwks, headers, ...(matched && { status: 304 as const }) }
      },
    },
    options,
  )
}

/** A strong ETag: 128 bits of SHA-256 over the served JSON (RFC 9110 §8.8.3). */
async function entityTag(keys: readonly PublicJwk[]): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(JSON.stringify({ keys })))
  return `"${encodeBase64Url(new Uint8Array(digest).subarray(0, 16))}"`
}

/**
 * `If-None-Match` (RFC 9110 §13.1.2, weak comparison) against the ETag. Netlify's CDN appends `-df`
 * to the ETag of a copy it compressed and sends that back when it revalidates, so it matches too.
 */
function matchesEntityTag(header: string | null, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((item) => {
    const tag = item.trim().replace(/^W\//, '').replace(/-df"$/, '"')
    return tag === '*' || tag === etag
  })
}
