// `npm run build:site` (netlify.toml's build command; `--watch` is its [dev] command): the demo's
// build (site/tools/build-site.ts) from the command line, printing each file's size. `--watch`
// rebuilds on every change; `--publish-dir` writes elsewhere (tests serve a copy of site/ so
// parallel dev servers never share site/build).
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { buildSite } from '../site/tools/build-site.ts'

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

const { values } = parseArgs({
  options: {
    watch: { type: 'boolean', default: false },
    'publish-dir': { type: 'string' },
    outdir: { type: 'string' },
  },
})
const result = await buildSite({
  watch: values.watch,
  publishDir: values['publish-dir'],
  outdir: values.outdir,
}).catch((error: unknown) => {
  // Configuration mistakes get one clear line; esbuild has already printed compile errors.
  if (error instanceof TypeError) console.error(`build-site: ${error.message}`)
  process.exit(1)
})
for (const file of result.files) {
  const name = relative(process.cwd(), file.path)
  console.log(`build-site: ${name}  ${kib(file.bytes)} (gzip ${kib(file.gzipBytes)})`)
}
// `npm start` waits for this line before it says "ready" (scripts/start.ts).
if (result.built) {
  console.log(`build-site: config.json and _headers (CSP) → hub ${result.config.hubUrl}`)
} else {
  console.error('build-site: the first build failed (above); watching for a fix')
}
if (values.watch) {
  console.log('build-site: watching site/src/ and src/ for changes')
  const stop = () => void result.stop().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
