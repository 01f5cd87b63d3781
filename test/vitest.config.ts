import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

/**
 * The test tiers (docs/architecture.md, "Tests"), each decided by one rule on the file's path, no
 * list. `npm test` runs all four.
 * - package: every test under `test/package/`: the packed tarball installed into sites that are
 *   not this repository.
 * - adopter: every test under `test/adopter/`: apps built as adopters build them (Vite, webpack)
 *   from fixtures, with the packed tarball and @textile/hub from the registry, run in Chromium.
 *   Shares the package tier's tarball (one `npm pack` per run).
 * - e2e: every other `*.e2e.test.ts`: sockets, the hub emulator, the Blobs sandbox, fuzz, load,
 *   `netlify dev`, the shipped zips, the browser, child processes, and the snippet typecheck of
 *   README.md and docs/.
 * - unit: every other `*.test.ts`: pure and in-process, no child process: the inner loop
 *   (`npm run test:watch`). A few SDK tests of hub-challenge mode talk to a fake hub on loopback
 *   in this process.
 */
const PACKAGE = 'test/package/**/*.test.ts'
const ADOPTER = 'test/adopter/**/*.test.ts'
const E2E = 'test/**/*.e2e.test.ts'

export default defineConfig({
  // `textile-token-provider/…` resolves to src/ through tsconfig.json's `paths`, as in the demo's
  // build: the demo's modules that tests import use the package name.
  resolve: { tsconfigPaths: true },
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    testTimeout: 20_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, E2E, PACKAGE, ADOPTER],
          // One module graph per worker, not per file: halves the tier's time. Unit tests restore
          // what they change (fetch, WebSocket, env), which this holds them to.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [E2E],
          exclude: [...configDefaults.exclude, PACKAGE, ADOPTER],
        },
      },
      {
        extends: true,
        test: {
          name: 'package',
          include: [PACKAGE],
          globalSetup: ['test/package/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'adopter',
          include: [ADOPTER],
          globalSetup: ['test/package/global-setup.ts'],
          // Every page of every app at once: each waits out an API signature's lifetime.
          maxConcurrency: 16,
        },
      },
    ],
  },
})
