// /api/jwks, /.well-known/jwks.json: the public keys that verify the JWT function's EdDSA tokens.
// Netlify reads `config` from this file only: keep it a literal here (textile-token-provider).
export { default } from '../src/netlify/jwks.ts'

export const config = {
  path: ['/api/jwks', '/.well-known/jwks.json'],
}
