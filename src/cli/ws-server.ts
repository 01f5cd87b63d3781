// npm run ws-server: the websocket login server for apps built on Textile's example
// (hub-browser-auth-app), at ws://HOST:PORT/ws/userauth. Configuration as for the functions
// (process env, then .env); PORT defaults to 3001, HOST to all interfaces.
import { config as loadDotenv } from 'dotenv'
import { nodeCryptoProvider } from '../node/crypto.ts'
import { startUserAuthServer } from '../ws/userauth-server.ts'

loadDotenv({ quiet: true })

const port = Number(process.env.PORT || 3001)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error('ws-server: PORT must be a port number')
  process.exit(1)
}
const server = await startUserAuthServer({
  port,
  host: process.env.HOST || undefined,
  crypto: nodeCryptoProvider,
})
console.log(`ws-server: listening on ${server.url}`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0))
  })
}
