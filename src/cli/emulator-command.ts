// `textile-token-provider emulator`: the local Textile Hub emulator on its own, until Ctrl-C, for
// offline development of a site that uses the package. Keys come from the environment, then the
// env file (default .env, read by dotenv as netlify dev reads it), so the functions and the
// emulator agree; `--write-env` creates that file with fresh credentials when it does not exist.
// It prints the values it generated and only the names of those it found: a terminal is no place
// for a secret someone else put in the environment (USER_API_SECRET, HUB_ISSUER_KEY).
import { parseArgs } from 'node:util'
import type { Emulator } from '../emulator/index.ts'
import { EMULATOR_PORT, ensureDevEnv, readEnvFile } from './env-file.ts'
import { printable } from './printable.ts'

/** Usage of the command. */
export const EMULATOR_USAGE = `textile-token-provider emulator [options]

Runs the local Textile Hub emulator (gRPC-web over WebSocket, what @textile/hub talks to) and
prints the .env lines that point the functions and clients at it. Ctrl-C stops it. Its host key
is EMULATOR_HOST_KEY, else HUB_ISSUER_KEY (so issuer-mode tokens verify), else a fresh one. It
prints only values it generated; values from the environment or the env file by name only.

  --port <n>          port (default 6007, or EMULATOR_PORT)
  --host <addr>       interface (default 127.0.0.1)
  --dotenv <path>     read keys from this .env file (default .env); the environment wins
  --write-env         create the env file with fresh credentials if it does not exist`

/**
 * Starts the emulator from command-line arguments and prints how to use it: values it generated
 * itself in full, values it took from the environment or the env file by name only.
 *
 * @throws `Error` with a one-line message for bad arguments.
 * @example
 * const hub = await runEmulatorCommand(['--port', '6007'])
 */
export async function runEmulatorCommand(
  argv: string[],
  log: (line: string) => void = console.log,
): Promise<Emulator> {
  const { values: args } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      // Not --env-file: Node 20 takes `--env-file <path>` anywhere on its command line as its own
      // option (and exits when the file is missing), so `npm start` uses --dotenv as well.
      dotenv: { type: 'string', default: '.env' },
      'write-env': { type: 'boolean', default: false },
    },
  })
  const port = Number(args.port ?? process.env.EMULATOR_PORT ?? EMULATOR_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port: ${args.port ?? process.env.EMULATOR_PORT}`)
  }
  const envFile = args.dotenv
  // ensureDevEnv has read (or just written) the file: its values, not a second read.
  const ensured = args['write-env'] ? await ensureDevEnv(envFile, port) : undefined
  const created = ensured?.created ?? false
  const fromFile = ensured?.values ?? readEnvFile(envFile) ?? {}
  const pick = (name: string) => process.env[name] || fromFile[name] || undefined
  const origin = (name: string): Adopted['origin'] | undefined =>
    process.env[name] ? 'environment' : fromFile[name] ? 'file' : undefined
  const key = pick('USER_API_KEY')
  const secret = pick('USER_API_SECRET')
  const hostKeyName = pick('EMULATOR_HOST_KEY') ? 'EMULATOR_HOST_KEY' : 'HUB_ISSUER_KEY'
  const hostKey = pick(hostKeyName)

  // Loaded here, not at the top: `init` shares this module graph (bin.ts) and needs none of the
  // emulator's generated protobuf classes and websocket server.
  const { startEmulator } = await import('../emulator/index.ts')
  const hub = await startEmulator({
    port,
    host: args.host,
    ...(hostKey && { hostKey }),
    ...(key && { apiKeys: [{ key, ...(secret && { secret }) }] }),
  })
  const generated = key ? undefined : hub.addApiKey()
  const lines = emulatorBanner({
    url: hub.url,
    hostPublicKey: hub.hostPublicKey,
    envFile,
    created,
    usesFile: key !== undefined && fromFile.USER_API_KEY === key,
    apiKey: generated?.key ?? { name: 'USER_API_KEY', origin: origin('USER_API_KEY')! },
    apiSecret:
      generated?.secret ??
      (secret ? { name: 'USER_API_SECRET', origin: origin('USER_API_SECRET')! } : ''),
    hostKey: hostKey ? { name: hostKeyName, origin: origin(hostKeyName)! } : hub.hostKey,
  })
  for (const line of lines) log(printable(line))
  return hub
}

/** A value the emulator did not generate: the variable it came from, and where that was set. */
export interface Adopted {
  name: string
  origin: 'environment' | 'file'
}

/** What {@link emulatorBanner} prints. */
export interface EmulatorBannerInput {
  url: string
  hostPublicKey: string
  envFile: string
  /** Whether `--write-env` just created the env file. */
  created: boolean
  /** Whether the keys in use are those of the env file (netlify dev then reads the same). */
  usesFile: boolean
  /** Each value: generated in this run (a string, printed) or adopted (named, never printed). */
  apiKey: string | Adopted
  apiSecret: string | Adopted
  hostKey: string | Adopted
}

/**
 * The emulator's start-up text. Only values the emulator generated in this run appear; a value
 * from the environment or the env file is named, never printed (terminals are logged and shared).
 *
 * @example
 * for (const line of emulatorBanner(input)) console.log(line)
 */
export function emulatorBanner(input: EmulatorBannerInput): string[] {
  const where = ({ name, origin }: Adopted) =>
    `${name} from ${origin === 'environment' ? 'the environment' : input.envFile}`
  const lines = [
    `Textile hub emulator listening on ${input.url} (gRPC-web over WebSocket)`,
    `host public key: ${input.hostPublicKey}`,
  ]
  if (typeof input.hostKey !== 'string') {
    const adopted = input.hostKey.name === 'HUB_ISSUER_KEY'
    lines.push(
      `host key: ${where(input.hostKey)}` +
        (adopted
          ? " (adopted as the emulator's host key: tokens the functions mint verify here)"
          : ''),
    )
  }
  if (input.created) lines.push(`Wrote ${input.envFile} with fresh credentials for this emulator.`)
  if (input.usesFile) {
    lines.push(`Using the keys in ${input.envFile}; netlify dev reads the same file.`)
  } else {
    const line = (name: string, value: string | Adopted) =>
      typeof value === 'string' ? `${name}=${value}` : `# ${name}: ${where(value)} (not shown)`
    lines.push(
      '',
      `# ${input.envFile} for the functions and clients (development only)`,
      `HUB_URL=${input.url}`,
      line('USER_API_KEY', input.apiKey),
      line('USER_API_SECRET', input.apiSecret),
      line('HUB_ISSUER_KEY', input.hostKey),
      line('EMULATOR_HOST_KEY', input.hostKey),
    )
  }
  lines.push('', 'Ctrl-C stops it.')
  return lines
}
