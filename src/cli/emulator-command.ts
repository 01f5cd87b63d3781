// `textile-token-provider emulator`: the local Textile Hub emulator on its own, until Ctrl-C, for
// offline development of a site that uses the package. Keys come from the environment, then the
// env file (default .env, as netlify dev reads it), so the functions and the emulator agree;
// `--write-env` creates that file with fresh credentials when it does not exist.
import { parseArgs } from 'node:util'
import { startEmulator, type Emulator } from '../emulator/index.ts'
import { EMULATOR_PORT, ensureDevEnv, readEnvFile } from './env-file.ts'

/** Usage of the command. */
export const EMULATOR_USAGE = `textile-token-provider emulator [options]

Runs the local Textile Hub emulator (gRPC-web over WebSocket, what @textile/hub talks to) and
prints the .env lines that point the functions and clients at it. Ctrl-C stops it.

  --port <n>          port (default 6007, or EMULATOR_PORT)
  --host <addr>       interface (default 127.0.0.1)
  --env-file <path>   read keys from this file (default .env); the environment wins
  --write-env         create the env file with fresh credentials if it does not exist`

/**
 * Starts the emulator from command-line arguments and prints how to use it.
 *
 * @throws `Error` with a one-line message for bad arguments.
 * @example
 * const hub = await runEmulatorCommand(['--port', '6007'])
 */
export async function runEmulatorCommand(argv: string[]): Promise<Emulator> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'env-file': { type: 'string', default: '.env' },
      'write-env': { type: 'boolean', default: false },
    },
  })
  const port = Number(args.port ?? process.env.EMULATOR_PORT ?? EMULATOR_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port: ${args.port ?? process.env.EMULATOR_PORT}`)
  }
  const envFile = args['env-file']
  const created = args['write-env'] ? (await ensureDevEnv(envFile, port)).created : false
  const fromFile = readEnvFile(envFile) ?? {}
  const pick = (name: string) => process.env[name] || fromFile[name] || undefined
  const key = pick('USER_API_KEY')
  const secret = pick('USER_API_SECRET')
  const hostKey = pick('EMULATOR_HOST_KEY') ?? pick('HUB_ISSUER_KEY')

  const hub = await startEmulator({
    port,
    host: args.host,
    ...(hostKey && { hostKey }),
    ...(key && { apiKeys: [{ key, ...(secret && { secret }) }] }),
  })
  const credentials = key ? { key, secret: secret ?? '' } : hub.addApiKey()

  console.log(`Textile hub emulator listening on ${hub.url} (gRPC-web over WebSocket)`)
  console.log(`host public key: ${hub.hostPublicKey}`)
  if (created) console.log(`Wrote ${envFile} with fresh credentials for this emulator.`)
  if (key && fromFile.USER_API_KEY === key) {
    console.log(`Using the keys in ${envFile}; netlify dev reads the same file.`)
  } else {
    console.log(`\n# ${envFile} for the functions and clients (development only)`)
    console.log(`HUB_URL=${hub.url}`)
    console.log(`USER_API_KEY=${credentials.key}`)
    console.log(`USER_API_SECRET=${credentials.secret}`)
    console.log(`HUB_ISSUER_KEY=${hub.hostKey}`)
    console.log(`EMULATOR_HOST_KEY=${hub.hostKey}`)
  }
  console.log('\nCtrl-C stops it.')
  return hub
}
