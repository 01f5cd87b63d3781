// The browser SDK's main entry as an app's bundler ships it: esbuild `--bundle --minify
// --platform=browser --format=esm --splitting`, the entry file plus the chunks it imports
// statically; the hub-challenge chunk (a dynamic import, hub-challenge mode only) is counted apart.
// Beside it, in the same run, the baseline: the same hub leg with GetToken's messages through the
// generated protobuf classes (scripts/bench/baseline/get-token-messages-generated.ts), as before the
// SDK wrote them itself.
import { build, type Plugin } from 'esbuild'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

/** Sizes in bytes. */
export interface ClientSize {
  mainBytes: number
  mainGzipBytes: number
  /** Loaded on demand in hub-challenge mode only. */
  lazyBytes: number
  lazyGzipBytes: number
  /** The same lazy chunk with the generated protobuf classes (the baseline). */
  lazyGeneratedBytes: number
  lazyGeneratedGzipBytes: number
  budgetGzipBytes: number
}

/** Replaces the SDK's GetToken messages with the generated classes' (the baseline build). */
function generatedMessages(root: string): Plugin {
  return {
    name: 'generated-get-token-messages',
    setup(plugin) {
      plugin.onResolve({ filter: /\/get-token-messages\.ts$/ }, (args) =>
        args.importer.endsWith('get-hub-token.ts')
          ? { path: join(root, 'scripts/bench/baseline/get-token-messages-generated.ts') }
          : undefined,
      )
    },
  }
}

/** The budget for the main entry without the hub-challenge chunk, gzipped. */
export const CLIENT_GZIP_BUDGET = 5000

/**
 * Bundles `src/client/index.ts` into `dir/client` and sums the main entry and its static imports.
 *
 * @example
 * const size = await measureClientSize(root, tmp)
 */
export async function measureClientSize(root: string, dir: string): Promise<ClientSize> {
  const current = await measureBuild(root, join(dir, 'client'), [])
  const generated = await measureBuild(root, join(dir, 'client-generated'), [
    generatedMessages(root),
  ])
  return {
    mainBytes: current.main.bytes,
    mainGzipBytes: current.main.gzipBytes,
    lazyBytes: current.lazy.bytes,
    lazyGzipBytes: current.lazy.gzipBytes,
    lazyGeneratedBytes: generated.lazy.bytes,
    lazyGeneratedGzipBytes: generated.lazy.gzipBytes,
    budgetGzipBytes: CLIENT_GZIP_BUDGET,
  }
}

async function measureBuild(root: string, outdir: string, plugins: Plugin[]) {
  mkdirSync(outdir, { recursive: true })
  const { metafile } = await build({
    entryPoints: [join(root, 'src/client/index.ts')],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    outdir,
    metafile: true,
    logLevel: 'error',
    plugins,
  })
  const outputs = metafile.outputs
  const entry = Object.keys(outputs).find((path) => outputs[path]!.entryPoint)!
  const main = new Set<string>()
  const visit = (path: string) => {
    if (main.has(path)) return
    main.add(path)
    for (const imported of outputs[path]!.imports) {
      if (imported.kind === 'import-statement') visit(imported.path)
    }
  }
  visit(entry)
  const size = (paths: string[]) => {
    let bytes = 0
    let gzipBytes = 0
    for (const path of paths) {
      const code = readFileSync(path) // metafile paths are relative to the working directory
      bytes += code.length
      gzipBytes += gzipSync(code, { level: 9 }).length
    }
    return { bytes, gzipBytes }
  }
  return {
    main: size([...main]),
    lazy: size(Object.keys(outputs).filter((p) => !main.has(p) && p.endsWith('.js'))),
  }
}

/** One markdown line for the bench report. */
export function formatClientSize(size: ClientSize): string {
  const status = size.mainGzipBytes <= size.budgetGzipBytes ? 'met' : 'MISSED'
  return (
    `\n## Browser SDK size (esbuild --bundle --minify --platform=browser --format=esm --splitting)\n\n` +
    `Main entry (index + static chunks): ${size.mainBytes} B minified, ${size.mainGzipBytes} B gzip ` +
    `(budget ${size.budgetGzipBytes} B gzip: ${status}); hub-challenge chunk, loaded on demand: ` +
    `${size.lazyBytes} B, ${size.lazyGzipBytes} B gzip; the same chunk with the generated ` +
    `protobuf classes (baseline): ${size.lazyGeneratedBytes} B, ${size.lazyGeneratedGzipBytes} B gzip.\n`
  )
}
