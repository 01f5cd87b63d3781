// The members-only gate's edge function file, as `init --gate` writes it into a site and as this
// repository keeps it (netlify/edge-functions/gate.ts, held to this text by a test). Netlify reads
// an edge function's `config` by running the module, but a literal keeps it obvious and matches
// the serverless files (docs/netlify-platform.md §4).

/** The gate's defaults: the paths it protects and where it sends navigations without a session. */
export const GATE_DEFAULTS = {
  /** The file's name in the edge functions folder (`netlify/edge-functions/` by default). */
  fileName: 'textile-gate.ts',
  paths: ['/members', '/members/*'],
  loginPath: '/',
} as const

/** Options of {@link gateFileText}. */
export interface GateFileOptions {
  /** Where `createGate` comes from, e.g. `'textile-token-provider/netlify/gate'`. */
  from: string
  /** URL patterns of the members-only pages; default {@link GATE_DEFAULTS}.paths. */
  paths?: readonly string[]
  /** The login page (never gated); default `/`. */
  loginPath?: string
}

/**
 * The text of the gate's edge function file.
 *
 * @throws TypeError for no paths, a path or login path that is not `/…`, or a quote in one.
 * @example
 * gateFileText({ from: 'textile-token-provider/netlify/gate', paths: ['/members/*'] })
 */
export function gateFileText(options: GateFileOptions): string {
  const paths = options.paths ?? GATE_DEFAULTS.paths
  const loginPath = options.loginPath ?? GATE_DEFAULTS.loginPath
  const safe = (path: string) => /^\/[^'"\\\s]*$/.test(path) && !path.startsWith('//')
  if (paths.length === 0 || ![...paths, loginPath].every(safe)) {
    throw new TypeError('gate paths and the login path must be paths such as /members/*')
  }
  const path = paths.length === 1 ? `'${paths[0]}'` : `[${paths.map((p) => `'${p}'`).join(', ')}]`
  return [
    `// ${paths.join(', ')}: members only. Without a valid session (JWT_SESSION_COOKIE=true on /api/jwt)`,
    `// a page load goes to ${loginPath}?next=…, anything else gets 401 (textile-token-provider, docs/edge.md).`,
    `// Keep Netlify's default onError ('fail'): 'bypass' would serve the pages to anyone when it fails.`,
    `import { createGate } from '${options.from}'`,
    '',
    `export default createGate({ loginPath: '${loginPath}' })`,
    '',
    'export const config = {',
    `  path: ${path},`,
    '}',
    '',
  ].join('\n')
}
