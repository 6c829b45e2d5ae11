// Test runner settings: unit tests beside the code, integration tests in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'docs/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
