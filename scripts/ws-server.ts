// npm run ws-server: the websocket login server for apps built on Textile's example
// (hub-browser-auth-app), at ws://HOST:PORT/ws/userauth. Configuration as for the functions
// (process env, then .env); PORT defaults to 3001, HOST to all interfaces; the WS_* variables set
// the socket limits and proxy trust (src/ws/userauth-server-env.ts).
import { readEnvFile } from '../src/cli/env-file.ts'
import { TokenProviderError } from '../src/core/errors.ts'
import { nodeCryptoProvider } from '../src/node/crypto.ts'
import { userAuthServerOptionsFromEnv } from '../src/ws/userauth-server-env.ts'
import { startUserAuthServer } from '../src/ws/userauth-server.ts'

// .env fills in what the process environment does not set (as netlify dev reads it).
for (const [name, value] of Object.entries(readEnvFile('.env') ?? {})) process.env[name] ??= value

let options
try {
  options = userAuthServerOptionsFromEnv(process.env)
} catch (error) {
  const coded = TokenProviderError.from(error)
  console.error(`ws-server: ${coded.detail ?? coded.message}`)
  process.exit(1)
}
const server = await startUserAuthServer({ ...options, crypto: nodeCryptoProvider })
console.log(`ws-server: listening on ${server.url}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0))
  })
}
