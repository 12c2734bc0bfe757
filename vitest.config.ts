import { defineConfig } from 'vitest/config';

// The kernel suites (conformance against the reference fixtures, bad input, typed errors) run
// once per backend: `native` (the napi addon) and `wasm` (crates/wasm/pkg, the WebAssembly
// build), with the same tolerances (issue #9). Add a kernel area's suite here when its
// WebAssembly exports land.
const kernelSuites = ['ts/test/indicators.test.ts', 'ts/test/signals.test.ts', 'ts/test/models.test.ts', 'ts/test/stats.test.ts', 'ts/test/wasm-riskmath.test.ts'];

export default defineConfig({
  test: {
    // Native threads and shared memory: keep each test file in its own process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'native',
          include: ['ts/test/**/*.test.ts'],
          exclude: ['ts/test/wasm-backend.test.ts'],
          // No silent fallback to WebAssembly: a broken addon fails these tests.
          env: { TACHYON_BACKEND: 'native' },
        },
      },
      {
        extends: true,
        test: {
          name: 'wasm',
          include: [...kernelSuites, 'ts/test/wasm-backend.test.ts'],
          env: { TACHYON_BACKEND: 'wasm' },
        },
      },
    ],
  },
});
