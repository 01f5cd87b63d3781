// `textile-token-provider init` as its command line runs it, with what it prints caught: the one
// call of the CLI suites.
import { runInitCommand } from '../../src/cli/init-command.ts'

/**
 * Runs `init --dir <dir> <args…>`: its exit code and its output, the printed lines joined.
 *
 * @example
 * const { code, output } = init(site(), '--dry-run')
 */
export function init(dir: string, ...args: string[]): { code: number; output: string } {
  const lines: string[] = []
  const code = runInitCommand(['--dir', dir, ...args], (line) => lines.push(line))
  return { code, output: lines.join('\n') }
}
