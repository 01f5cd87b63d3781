// The scheduled clean-up of single-use envelopes as a ready-made Netlify function (v2). A site's
// function file re-exports it and declares its own literal `config = { schedule: '@hourly' }`
// (`npx textile-token-provider init --single-use`). No crypto: it lists and deletes.
import { createEnvelopeCleanupHandler } from '../http/envelope-cleanup.ts'

/**
 * The clean-up with the default options: `SINGLE_USE_ENVELOPES` from the environment, Netlify
 * Blobs, no new work after 20 s per run.
 *
 * @example
 * export { default } from 'textile-token-provider/netlify/cleanup-envelopes'
 */
const cleanupEnvelopes = createEnvelopeCleanupHandler()
export default cleanupEnvelopes
