// The local Textile Hub emulator: what the real, unmodified @textile/hub client talks to when no
// hub is reachable (docs/protocol.md). It speaks gRPC-web over WebSocket, checks user-group API
// keys and signatures, runs the GetToken challenge, validates bearer tokens against its Ed25519
// host key and stores threads in memory. Node only. Not a security boundary: a dev and test tool.
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { importSigningKey } from '../core/ed25519.ts'
import { formatPrivateKey, formatPublicKey, parsePrivateKey } from '../core/keys.ts'
import { createApiKeyRecord, generateApiKey, type ApiKeyRecord } from './api-keys.ts'
import { createEmulatorServer } from './server.ts'
import { ThreadsStore } from './threads-store.ts'

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** 0 = random free port (default 0). */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Textile Ed25519 private key string; random if absent. */
  hostKey?: string
  /** User-group keys; `secure` defaults to true when a secret is given. */
  apiKeys?: Array<{ key: string; secret?: string; secure?: boolean }>
  /** Clock, for tests. */
  now?: () => Date
  /** How long GetToken waits for the signature (default 60_000). */
  challengeTimeoutMs?: number
}

/** A running emulator. */
export interface Emulator {
  /** 'http://127.0.0.1:PORT' (what @textile/hub takes as host). */
  url: string
  /** The host private key string. */
  hostKey: string
  /** The host public key string. */
  hostPublicKey: string
  /** Generates and registers a user-group key (secure unless told otherwise). */
  addApiKey(options?: { secure?: boolean }): { key: string; secret: string }
  /** Closes the server and every open socket. */
  close(): Promise<void>
}

/**
 * Starts the emulator and resolves once it listens.
 *
 * @throws TypeError for a `hostKey` that is not a Textile Ed25519 private key string, or a secure
 * API key without a multibase secret.
 * @example
 * const hub = await startEmulator({ apiKeys: [{ key, secret }] })
 * const client = Client.withUserAuth(provider, hub.url)
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  let seed: Uint8Array
  if (options.hostKey !== undefined) {
    const parsed = parsePrivateKey(options.hostKey)
    if (!parsed) throw new TypeError('hostKey is not a Textile Ed25519 private key string')
    seed = parsed.seed
  } else seed = new Uint8Array(randomBytes(32))
  const hostKey = await importSigningKey(seed)
  const hostKeyString = formatPrivateKey(seed, hostKey.publicKey)

  const keys = new Map<string, ApiKeyRecord>()
  for (const item of options.apiKeys ?? []) keys.set(item.key, createApiKeyRecord(item))
  const now = options.now ?? (() => new Date())
  const { http, sockets } = createEmulatorServer({
    keys,
    hostKey,
    store: new ThreadsStore(now),
    now,
    challengeTimeoutMs: options.challengeTimeoutMs ?? 60_000,
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject)
      resolve()
    })
  })
  const { port } = http.address() as AddressInfo
  let closing: Promise<void> | undefined

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    hostKey: hostKeyString,
    hostPublicKey: formatPublicKey(hostKey.publicKey),
    addApiKey(addOptions = {}) {
      const generated = generateApiKey()
      const secure = addOptions.secure ?? true
      keys.set(generated.key, createApiKeyRecord({ ...generated, secure }))
      return generated
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate()
        http.close(() => resolve())
        http.closeAllConnections()
      })
      return closing
    },
  }
}
