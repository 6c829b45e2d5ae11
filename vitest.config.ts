// Test runner settings: unit tests beside the code, integration tests in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'docs/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // dist/web for the browser tests (test/ui) and servers that serve the UI: built when web/ changed.
    globalSetup: ['test/support/web-build-setup.ts'],
  },
});
