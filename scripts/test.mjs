#!/usr/bin/env node
// `npm test`: the Rust workspace tests, then the TypeScript tests (vitest) against the built
// addon and the WebAssembly build (rebuilt first if its sources changed), then the kernel
// suites in a copy of the package with no addon on disk (scripts/test-without-addon.mjs).
// Fails on the first failing step.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const steps = [
  ['cargo', ['test', '--workspace', '--quiet'], 'Rust tests (cargo test --workspace)'],
  [process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], 'WebAssembly build (skipped when up to date)'],
  [join(root, 'node_modules', '.bin', 'vitest'), ['run'], 'TypeScript tests (vitest run)'],
  [process.execPath, [join(root, 'scripts', 'test-without-addon.mjs')], 'no addon on disk: README example and kernel suites through WebAssembly'],
];
for (const [cmd, argv, what] of steps) {
  const t0 = Date.now();
  process.stderr.write(`\n[test] ${what}\n`);
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  if (r.error || r.status !== 0) {
    process.stderr.write(`[test] ${what} FAILED (${r.error ? r.error.message : `exit ${r.status}`})\n`);
    process.exit(r.status || 1);
  }
  process.stderr.write(`[test] ${what} passed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
