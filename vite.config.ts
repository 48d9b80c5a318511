/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The test runner's config. The userscript and the extension build with their own configs
// (userscript/vite.config.ts, extension/build/). Unit tests run in parallel; the end-to-end tests
// drive Debian's Chromium against the built bundles (`npm run build` first), one file at a time.
export default defineConfig({
  test: {
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
