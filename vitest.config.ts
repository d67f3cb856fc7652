import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    setupFiles: ['test/setup/quiet-logs.ts'],
    env: {
      // Known and documented (README, "Node.js versions"): this machine runs Node 20, for which the
      // AWS SDK warns once per process that its 2027 releases need Node 22. Said once, not per test file.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
