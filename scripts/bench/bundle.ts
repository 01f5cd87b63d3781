// What each function costs to ship: one esbuild bundle (bytes, gzip) and the files Netlify would
// deploy for a v2 function (nft trace of the source, TypeScript transpiled as Netlify does).
import { nodeFileTrace } from '@vercel/nft'
import { build, transformSync } from 'esbuild'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const REQUIRE_BANNER =
  "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);\n"

/** Sizes of one function. */
export interface BundleResult {
  /** The bundle file, for the cold-start and throughput children. */
  file: string
  bytes: number
  gzipBytes: number
  nftFiles: number
  nftBytes: number
}

/** Bundles `entry` (`--bundle --minify --platform=node --format=esm`) into `dir/name.mjs`. */
export async function bundle(root: string, entry: string, dir: string, name: string) {
  const file = join(dir, `${name}.mjs`)
  await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    outfile: file,
    // An optional peer, loaded by a dynamic import only with SINGLE_USE_ENVELOPES=true; on Netlify
    // nft ships it as files beside the function, never in the entry bundle.
    external: ['@netlify/blobs'],
    logLevel: 'error',
  })
  const code = readFileSync(file)
  // Measured as built; run with a `require` for CommonJS dependencies that load Node built-ins
  // (the baseline's do; esbuild's ESM output cannot), the usual banner for bundled ESM on Node.
  writeFileSync(file, Buffer.concat([Buffer.from(REQUIRE_BANNER), code]))
  const trace = await nodeFileTrace([entry], { base: root, readFile: transpiling })
  let nftBytes = 0
  for (const path of trace.fileList) nftBytes += statSync(join(root, path)).size
  return {
    file,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    nftFiles: trace.fileList.size,
    nftBytes,
  } satisfies BundleResult
}

// nft parses JavaScript only; Netlify transpiles TypeScript functions before tracing.
async function transpiling(path: string): Promise<string | Buffer | null> {
  let source: Buffer
  try {
    source = readFileSync(path)
  } catch {
    return null
  }
  if (!/\.[mc]?ts$/.test(path)) return source
  return transformSync(source.toString('utf8'), { loader: 'ts', format: 'esm' }).code
}
