// `npm run emulator`: the local Textile Hub emulator on its own, until Ctrl-C.
// Options: --port <6007> (or EMULATOR_PORT), --host <127.0.0.1>. Host key: EMULATOR_HOST_KEY, else
// a fresh one. User-group key: USER_API_KEY / USER_API_SECRET, else a fresh pair.
// Prints the URL and the .env lines that point the functions and clients at it.
import { parseArgs } from 'node:util'
import { startEmulator } from '../emulator/index.ts'

const { values: args } = parseArgs({
  options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } },
})
const port = Number(args.port ?? process.env.EMULATOR_PORT ?? 6007)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port: ${args.port ?? process.env.EMULATOR_PORT}`)
  process.exit(1)
}
const { USER_API_KEY: key, USER_API_SECRET: secret, EMULATOR_HOST_KEY: hostKey } = process.env

const hub = await startEmulator({
  port,
  host: args.host,
  ...(hostKey && { hostKey }),
  ...(key && { apiKeys: [{ key, ...(secret && { secret }) }] }),
})
const credentials = key ? { key, secret: secret ?? '' } : hub.addApiKey()

console.log(`Textile hub emulator listening on ${hub.url} (gRPC-web over WebSocket)`)
console.log(`host public key: ${hub.hostPublicKey}`)
console.log('\n# .env for the functions and clients (development only)')
console.log(`HUB_URL=${hub.url}`)
console.log(`USER_API_KEY=${credentials.key}`)
console.log(`USER_API_SECRET=${credentials.secret}`)
console.log(`HUB_ISSUER_KEY=${hub.hostKey}`)
console.log('\nCtrl-C stops it.')

const stop = () => void hub.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
