#!/usr/bin/env node
// Checks that tachyon_stats produces bit-identical random draws and Monte Carlo paths natively
// (x86-64, glibc) and in WebAssembly: compiles wasm/probe.rs against the crate with Debian's
// rustc 1.63 for wasm32-unknown-unknown and for the host, runs both on the same seeds and
// compares the hashes. Needs `apt-get install rustc libstd-rust-dev-wasm32 lld`.
//   node scripts/refs/stats/wasm_determinism.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const rustc = '/usr/bin/rustc';
const out = mkdtempSync(join(tmpdir(), 'stats-wasm-'));
const lib = join(root, 'crates', 'stats', 'src', 'lib.rs');
const probe = join(here, 'wasm', 'probe.rs');
const SEEDS = [0n, 1n, 42n, 2n ** 64n - 1n];
const N = 20000;

function build(target, kind) {
  const dir = join(out, target ?? 'host');
  const t = target ? ['--target', target] : [];
  execFileSync(rustc, ['--edition', '2021', '-O', '--crate-type', 'rlib', '--crate-name', 'tachyon_stats', ...t, lib, '--out-dir', dir]);
  execFileSync(rustc, ['--edition', '2021', '-O', '--crate-type', kind, '--crate-name', 'probe', ...t, probe, '--out-dir', dir,
    '--extern', `tachyon_stats=${join(dir, 'libtachyon_stats.rlib')}`, '-L', dir]);
  return dir;
}

// WebAssembly
const wdir = build('wasm32-unknown-unknown', 'cdylib');
const { instance } = await WebAssembly.instantiate(readFileSync(join(wdir, 'probe.wasm')));
const wasm = SEEDS.map((s) => BigInt.asUintN(64, instance.exports.tachyon_stats_probe(BigInt.asIntN(64, s), N)));

// Native: a tiny binary around the same probe.
const main = join(out, 'main.rs');
writeFileSync(main, `extern crate probe;\nfn main() {\n  for s in [${SEEDS.map((s) => `${s}u64`).join(', ')}] { println!("{}", probe::tachyon_stats_probe(s, ${N})); }\n}\n`);
const hdir = build(undefined, 'rlib');
execFileSync(rustc, ['--edition', '2021', '-O', main, '-o', join(out, 'main'), '--extern', `probe=${join(hdir, 'libprobe.rlib')}`, '-L', hdir]);
const native = execFileSync(join(out, 'main'), { encoding: 'utf8' }).trim().split('\n').map((l) => BigInt(l));

let ok = true;
SEEDS.forEach((s, i) => {
  const same = native[i] === wasm[i];
  ok &&= same;
  console.log(`seed ${s}: native ${native[i].toString(16)}  wasm32 ${wasm[i].toString(16)}  ${same ? 'identical' : 'DIFFERENT'}`);
});
console.log(ok ? `wasm_determinism: ${N} draws × 7 distributions + 4 processes × 8 paths × 64 steps, bit-identical` : 'wasm_determinism: MISMATCH');
process.exit(ok ? 0 : 1);
