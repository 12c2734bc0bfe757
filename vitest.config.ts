import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['ts/test/**/*.test.ts'],
    // Native threads and shared memory: keep each test file in its own process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
