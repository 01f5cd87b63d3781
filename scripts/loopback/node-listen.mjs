// Preloaded into `netlify dev` by `npm start` (NODE_OPTIONS=--import): netlify dev has no host
// option and its proxy and functions server listen on every interface (netlify-cli 27:
// `primaryServer.listen({ port })`, `server.listen(functionsPort)`), so anyone on the network
// could mint development credentials. Here a listen that names no host listens on 127.0.0.1; one
// that names a host, a path, a handle or a file descriptor is left as it is. Plain JavaScript:
// it runs in every Node process of netlify dev, before any loader.
import net from 'node:net'

/** Where a listen without a host goes. */
export const LOOPBACK = '127.0.0.1'

const listen = net.Server.prototype.listen
const isPort = (value) =>
  typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))

net.Server.prototype.listen = function (...args) {
  const [first, second] = args
  // listen(), listen(callback)
  if (first === undefined || typeof first === 'function') {
    return listen.call(this, 0, LOOPBACK, ...args.filter((arg) => arg !== undefined))
  }
  // listen(port[, backlog][, callback]) without a host
  if (isPort(first) && typeof second !== 'string') {
    return listen.call(this, first, LOOPBACK, ...args.slice(1))
  }
  // listen({ port }) without host, path, handle or fd
  if (
    typeof first === 'object' &&
    first !== null &&
    !(first instanceof net.Server) &&
    ['host', 'path', 'handle', '_handle', 'fd'].every((key) => first[key] === undefined)
  ) {
    return listen.call(this, { ...first, host: LOOPBACK }, ...args.slice(1))
  }
  return listen.apply(this, args)
}
