/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// One Vite config for the whole repo. The userscript and extension builds join it in their own
// issues; today it configures the test runner.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
  },
});
