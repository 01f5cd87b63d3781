// Baseline: a token function written the way Textile's examples do it (hub-browser-auth-app's
// login server), as a Netlify Functions v2 module: @textile/hub's PublicKey to verify the user's
// signature and createAPISig to mint the API signature. Same request and same work as the
// project's token function: parse the body, verify one Ed25519 signature over the envelope bytes,
// mint one API signature. The pubkey is read from the envelope's claims (no MAC check here).
import { createAPISig, PublicKey } from '@textile/hub'

const API_SIG_TTL_MS = 600_000

/** POST {envelope, signature} → {key, sig, msg}. */
export default async function handler(request: Request): Promise<Response> {
  try {
    const { envelope, signature } = (await request.json()) as {
      envelope: string
      signature: string
    }
    const claims = JSON.parse(Buffer.from(envelope.split('.')[2]!, 'base64url').toString('utf8'))
    const pubkey = PublicKey.fromString(claims.sub as string)
    const ok = await pubkey.verify(Buffer.from(envelope), Buffer.from(signature, 'base64url'))
    if (!ok) return Response.json({ error: 'bad signature' }, { status: 401 })
    const expiry = new Date(Date.now() + API_SIG_TTL_MS)
    const { sig, msg } = await createAPISig(process.env.USER_API_SECRET!, expiry)
    return Response.json({ key: process.env.USER_API_KEY, sig, msg })
  } catch (error) {
    return Response.json({ error: String(error) }, { status: 400 })
  }
}

// Its own base path, so the pair can sit in one site beside the project's functions (the bench).
export const config = { path: '/baseline/token' }
