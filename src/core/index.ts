export * from './api-signature.ts'
export * from './ed25519.ts'
export {
  getCryptoProvider,
  setCryptoProvider,
  type CryptoProvider,
  type NativeKey,
} from './crypto-provider.ts'
export * from './encoding.ts'
export * from './envelope.ts'
export * from './errors.ts'
export * from './hmac.ts'
export * from './keys.ts'
export * from './thread-token.ts'
