import { defineConfig } from 'vitest/config'

// Two projects, one runner: unit tests are pure and fast; integration tests start the real
// registry lab once (global setup) and share it with the e2e tests, which drive Debian's Chromium
// against web mode: one lab start per run, not two.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Component specs live beside their components and declare `@vitest-environment happy-dom`.
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx', 'renderer/src/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/lab/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
