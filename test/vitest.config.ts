import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The test tiers (docs/architecture.md, "Tests"). `npm test` runs all three.
 * - unit: pure and in-process, no socket, no child process: the inner loop (`npm run test:watch`).
 * - e2e: sockets, the hub emulator, the Blobs sandbox, fuzz, load, `netlify dev`, the shipped
 *   zips, the browser, and the snippet typecheck of README.md and docs/.
 * - package: the packed tarball installed into sites that are not this repository; the only tier
 *   that runs `npm pack`.
 */
const E2E = [
  'test/**/*.e2e.test.ts',
  'test/attacks/fuzz.test.ts',
  'test/cli/start.test.ts',
  'test/demo/**/*.test.ts',
  'test/emulator/**/*.test.ts',
  'test/http/envelope-cleanup.test.ts',
  'test/http/envelope-store.test.ts',
  'test/load/**/*.test.ts',
  'test/netlify/**/*.test.ts',
  'test/ws/userauth-server.test.ts',
  'test/docs.test.ts',
]
const PACKAGE = ['test/package/**/*.test.ts']

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    testTimeout: 20_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...E2E, ...PACKAGE] },
      },
      { extends: true, test: { name: 'e2e', include: E2E } },
      {
        extends: true,
        test: {
          name: 'package',
          include: PACKAGE,
          globalSetup: ['test/package/global-setup.ts'],
        },
      },
    ],
  },
})
