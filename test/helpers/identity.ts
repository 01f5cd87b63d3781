// The one identity factory of the test suites: a fresh Ed25519 key from the real @textile/hub, as
// an app makes it (and the same with its `sign` spied on).
import { PrivateKey } from '@textile/hub'
import { vi } from 'vitest'

/** A fresh random identity (`@textile/hub` `PrivateKey`). */
export function identity(): PrivateKey {
  return PrivateKey.fromRandom()
}

/** An identity whose `sign` is a vitest spy over a real key: tests see what it was asked to sign. */
export function spiedIdentity() {
  const id = identity()
  const sign = vi.fn((bytes: Uint8Array) => id.sign(bytes))
  return { identity: { public: id.public, sign }, sign, pubkey: id.public.toString() }
}
