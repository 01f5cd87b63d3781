// textile-token-provider/verify: checking the provider's JWTs in the services that receive them,
// on Web APIs only (Netlify functions and edge functions, Deno, Cloudflare Workers, Node ≥ 20,
// browsers), with jose doing the cryptography (docs/jwt.md, "Verifying the JWTs").
export {
  createJwtVerifier,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  JWKS_COOLDOWN_SECONDS,
  MAX_TOKEN_LENGTH,
  type JwtAlgorithm,
  type JwtVerifier,
  type JwtVerifierOptions,
  type VerifiedJwt,
} from './create-jwt-verifier.ts'
export { DEFAULT_TOKEN_TYPE, JWKS_CACHE_MAX_AGE_SECONDS } from './defaults.ts'
export { JwtVerifyError, type JwtVerifyErrorCode } from './errors.ts'
export { SESSION_COOKIE } from './session-cookie.ts'
