// Baseline: the challenge half of a login written the way Textile's examples do it, as a Netlify
// Functions v2 module: @textile/hub's PublicKey to read the user's key, and an HMAC-signed
// envelope in the project's wire format (`ttp1.<kid>.<payload>.<mac>`) so that the baseline token
// function (token.ts) can redeem it. Same request and answer as the project's challenge function;
// the cost that matters on a cold start is the import of @textile/hub.
import { createHmac, randomBytes } from 'node:crypto'
import { PublicKey } from '@textile/hub'

const CHALLENGE_TTL_SECONDS = 60

/** POST {pubkey} → {envelope, expiresAt}. */
export default async function handler(request: Request): Promise<Response> {
  try {
    const { pubkey } = (await request.json()) as { pubkey: string }
    const sub = PublicKey.fromString(pubkey).toString()
    const iat = Math.floor(Date.now() / 1000)
    const exp = iat + CHALLENGE_TTL_SECONDS
    const nonce = randomBytes(16).toString('base64url')
    const claims = { sub, aud: request.headers.get('origin') ?? '', iat, exp, nonce }
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url')
    const signed = `ttp1.k0.${payload}`
    const mac = createHmac('sha256', process.env.CHALLENGE_SECRET!)
      .update(signed)
      .digest('base64url')
    const expiresAt = new Date(exp * 1000).toISOString()
    return Response.json({ envelope: `${signed}.${mac}`, expiresAt })
  } catch (error) {
    return Response.json({ error: String(error) }, { status: 400 })
  }
}

// Its own base path, so the pair can sit in one site beside the project's functions (the bench).
export const config = { path: '/baseline/challenge' }
