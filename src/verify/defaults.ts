// What a verifier's defaults and the minter's must agree on, in one place: the minter
// (src/http/jwt-config.ts, src/http/jwks-handler.ts) imports these, as it imports the session
// cookie's name (session-cookie.ts). No jose here, so the functions' bundles stay without it.

/** The default `typ` a token carries and a verifier requires (JWT_TYPE changes the minter's). */
export const DEFAULT_TOKEN_TYPE = 'ttp+jwt'
/** How long a key set may be kept (seconds): /api/jwks's max-age and a verifier's cache. */
export const JWKS_CACHE_MAX_AGE_SECONDS = 300
