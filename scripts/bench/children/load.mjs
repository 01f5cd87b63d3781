// Shared by the child processes: loads a bundled function and turns the fixtures into calls.
// Plain JavaScript so the children run on bare `node`, with no loader in the measurement.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const SITE = 'https://site.example'

/** Imports the bundle and returns `call(i)` → a thunk that serves pre-built request i. */
export async function load(spec) {
  const fixtures = JSON.parse(readFileSync(spec.fixtures, 'utf8'))
  const mod = await import(pathToFileURL(spec.bundle).href)
  if (spec.kind === 'handler') {
    const bodies = fixtures[spec.target].bodies
    const path = `/api/${spec.target}`
    return {
      /** Builds requests ahead of timing: the host, not the handler, pays for Request objects. */
      prepare: (n) =>
        Array.from(
          { length: n },
          (_, i) =>
            new Request(SITE + path, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: bodies[i % bodies.length],
            }),
        ),
      run: async (request) => {
        const response = await mod.default(request, {})
        if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`)
      },
    }
  }
  const floor = fixtures.floor
  const hex = (text) => Buffer.from(text, 'hex')
  const run = mod.default({
    secret: hex(floor.secretHex),
    hmacData: Buffer.from(floor.hmacData),
    ...(spec.kind === 'floor-sign' && {
      seed: hex(floor.seedHex),
      signData: Buffer.from(floor.signData),
    }),
  })
  const inputs = floor.inputs.map((input) => ({
    publicKey: hex(input.publicKeyHex),
    message: Buffer.from(input.message),
    signature: Buffer.from(input.signature, 'base64url'),
  }))
  return {
    prepare: (n) => Array.from({ length: n }, (_, i) => inputs[i % inputs.length]),
    run: async (input) => run(input),
  }
}
