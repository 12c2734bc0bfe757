#!/usr/bin/env node
// Compiles every kernel crate (those declaring `rust-version = "1.63"`) with Debian's rustc 1.63
// — for the host and for wasm32-unknown-unknown — exactly as the WASM build will. Catches a
// language feature or std API newer than 1.63, or a dependency that is not a kernel crate,
// long before the WASM build does. Needs `apt-get install rustc libstd-rust-dev-wasm32`
// (installs /usr/bin/rustc; the rustup toolchain in ~/.cargo/bin stays the default).
//   node scripts/check-msrv.mjs [--rustc /usr/bin/rustc]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rustc = process.argv.includes('--rustc') ? process.argv[process.argv.indexOf('--rustc') + 1] : '/usr/bin/rustc';
if (!existsSync(rustc)) {
  console.error(`check-msrv: ${rustc} not found (apt-get install rustc libstd-rust-dev-wasm32)`);
  process.exit(1);
}
console.log(`check-msrv: ${spawnSync(rustc, ['--version'], { encoding: 'utf8' }).stdout.trim()}`);

// Kernel crates and their tachyon-* dependencies, from the manifests.
const crates = new Map();
for (const dir of readdirSync(join(root, 'crates'))) {
  const manifest = join(root, 'crates', dir, 'Cargo.toml');
  if (!existsSync(manifest)) continue;
  const toml = readFileSync(manifest, 'utf8');
  if (!/^rust-version\s*=\s*"1\.63"/m.test(toml)) continue;
  const name = /^name\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const deps = /\[dependencies\]([\s\S]*?)(\n\[|$)/.exec(toml)?.[1] ?? '';
  const depNames = [...deps.matchAll(/^([A-Za-z0-9_-]+)(?:\.workspace)?\s*=/gm)].map((m) => m[1]);
  const foreign = depNames.filter((d) => !d.startsWith('tachyon-'));
  if (foreign.length) {
    console.error(`check-msrv: kernel crate ${name} depends on ${foreign.join(', ')}; kernels may depend only on std and other kernels`);
    process.exit(1);
  }
  crates.set(name, { dir: join(root, 'crates', dir), deps: depNames });
}
if (crates.size === 0) {
  console.log('check-msrv: no kernel crates yet');
  process.exit(0);
}
// Topological order.
const order = [];
const seen = new Set();
function visit(n, stack = []) {
  if (seen.has(n)) return;
  if (!crates.has(n)) {
    console.error(`check-msrv: ${stack.at(-1)} depends on ${n}, which is not a kernel crate (no rust-version = "1.63")`);
    process.exit(1);
  }
  for (const d of crates.get(n).deps) visit(d, [...stack, n]);
  seen.add(n);
  order.push(n);
}
for (const n of crates.keys()) visit(n);

let failed = false;
for (const target of [null, 'wasm32-unknown-unknown']) {
  const out = mkdtempSync(join(tmpdir(), 'tachyon-msrv-'));
  for (const n of order) {
    const c = crates.get(n);
    const lib = n.replaceAll('-', '_');
    const args = [
      '--edition', '2021', '--crate-type', 'rlib', '--crate-name', lib, '-O',
      '--cfg', 'wasm_compat', '--out-dir', out, '-L', out,
      ...(target ? ['--target', target] : []),
      ...c.deps.flatMap((d) => ['--extern', `${d.replaceAll('-', '_')}=${join(out, `lib${d.replaceAll('-', '_')}.rlib`)}`]),
      join(c.dir, 'src', 'lib.rs'),
    ];
    const r = spawnSync(rustc, args, { encoding: 'utf8' });
    const where = `${n} (${target ?? 'host'})`;
    if (r.status !== 0) {
      failed = true;
      console.error(`FAIL ${where}\n${r.stderr.split('\n').slice(0, 40).join('\n')}`);
    } else {
      console.log(`ok   ${where}`);
    }
  }
}
process.exit(failed ? 1 : 0);
