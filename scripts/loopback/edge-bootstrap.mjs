// netlify dev's edge-function server on loopback. `npm start` hands this module to netlify dev as
// NETLIFY_EDGE_BOOTSTRAP: it re-exports the pinned bootstrap of @netlify/edge-functions-dev, whose
// `boot` calls `Deno.serve({ port })` with no hostname, which Deno binds to every interface; here a
// Deno.serve without a hostname (or path) binds 127.0.0.1. Runs in Deno; plain JavaScript.
export * from '../../node_modules/@netlify/edge-functions-dev/dist/deno/bootstrap.mjs'

const LOOPBACK = '127.0.0.1'
const serve = Deno.serve

Deno.serve = function (options, ...rest) {
  if (typeof options === 'function')
    return serve.call(this, { hostname: LOOPBACK }, options, ...rest)
  if (typeof options === 'object' && options !== null && !options.hostname && !options.path) {
    return serve.call(this, { ...options, hostname: LOOPBACK }, ...rest)
  }
  return serve.call(this, options, ...rest)
}
