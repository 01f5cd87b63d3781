#!/usr/bin/env node
// The `textile-token-provider` command: `init` adds the functions to a Netlify site, `emulator`
// runs the local hub for offline development.
import { readFileSync } from 'node:fs'
import { EMULATOR_USAGE, runEmulatorCommand } from './emulator-command.ts'
import { INIT_USAGE, runInitCommand } from './init-command.ts'
import { printable } from './printable.ts'

const USAGE = `Usage: textile-token-provider <command> [options]

Commands:
  init       add POST /api/challenge and POST /api/token to the Netlify site in this folder
  emulator   run the local Textile Hub emulator and print the .env lines
  help       this text, or \`help <command>\`

${INIT_USAGE}

${EMULATOR_USAGE}`

const [command, ...rest] = process.argv.slice(2)
try {
  switch (command) {
    case 'init':
      process.exitCode = runInitCommand(rest)
      break
    case 'emulator': {
      const hub = await runEmulatorCommand(rest)
      const stop = () => void hub.close().then(() => process.exit(0))
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      break
    }
    case '--version':
    case '-v': {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
      console.log(pkg.version)
      break
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(rest[0] === 'init' ? INIT_USAGE : rest[0] === 'emulator' ? EMULATOR_USAGE : USAGE)
      break
    default:
      console.error(
        `textile-token-provider: unknown command ${printable(JSON.stringify(command))}\n\n${USAGE}`,
      )
      process.exitCode = 2
  }
} catch (error) {
  // Argument errors (parseArgs, init, emulator) as one line, no stack; the message may carry a
  // site's file names or netlify.toml values, so it is escaped for the terminal.
  const message = `textile-token-provider ${command}: ${(error as Error).message}`
  console.error(printable(message))
  process.exitCode = 2
}
