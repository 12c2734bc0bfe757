#!/usr/bin/env node
// Builds everything `npm install` needs: the native addon (release, via @napi-rs/cli, which also
// generates native/index.js and native/index.d.ts — never edit those by hand) and the
// TypeScript package (ts/dist).
//
//   node scripts/build.mjs               addon + TypeScript
//   node scripts/build.mjs --native-only addon only
//   node scripts/build.mjs --debug       addon in debug mode (faster to build, slow to run)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, argv, what) {
  const t0 = Date.now();
  process.stderr.write(`[build] ${what}…\n`);
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit code ${r.status}`;
    process.stderr.write(`[build] ${what} failed (${why})\n`);
    process.exit(r.status || 1);
  }
  process.stderr.write(`[build] ${what} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

if (spawnSync('cargo', ['--version'], { stdio: 'ignore' }).status !== 0) {
  process.stderr.write(
    '[build] cargo was not found. Tachyon builds its native addon from source: install Rust ' +
      '(https://rustup.rs) and run `npm run build` again.\n',
  );
  process.exit(1);
}
if (!existsSync(bin('napi'))) {
  process.stderr.write('[build] @napi-rs/cli is missing: run `npm install` first.\n');
  process.exit(1);
}

run(
  bin('napi'),
  [
    'build',
    '--platform',
    ...(args.has('--debug') ? [] : ['--release']),
    '--esm',
    '--no-const-enum',
    '--manifest-path',
    'native/Cargo.toml',
    '--package-json-path',
    'package.json',
    '--output-dir',
    'native',
    '--js',
    'index.js',
    '--dts',
    'index.d.ts',
  ],
  'native addon (cargo build' + (args.has('--debug') ? '' : ' --release') + ')',
);

if (!args.has('--native-only')) run(bin('tsc'), ['-p', 'tsconfig.json'], 'TypeScript (tsc)');
