import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** Suites that start netlify, a browser, npm or the packed package: minutes, not seconds. */
const INTEGRATION = [
  'test/netlify/**/*.test.ts',
  'test/demo/browser.test.ts',
  'test/cli/start.test.ts',
  'test/package/**/*.test.ts',
]

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    testTimeout: 20_000,
    hookTimeout: 90_000,
    projects: [
      {
        extends: true,
        // `npm run test:unit`: no netlify dev, no browser, no npm; the inner loop.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          globalSetup: ['test/package/global-setup.ts'],
        },
      },
    ],
  },
})
