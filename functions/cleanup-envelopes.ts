// @hourly (scheduled, no route): delete expired single-use envelope entries from Netlify Blobs.
// Netlify reads `config` from this file only: keep it a literal here (textile-token-provider).
export { default } from '../src/netlify/cleanup-envelopes.ts'

export const config = {
  schedule: '@hourly',
}
