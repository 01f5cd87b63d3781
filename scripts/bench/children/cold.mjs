// One cold start: import the bundled function and serve one pre-signed request, then exit.
import { load } from './load.mjs'

const spec = JSON.parse(process.argv[2])
const { prepare, run } = await load(spec)
await run(prepare(1)[0])
