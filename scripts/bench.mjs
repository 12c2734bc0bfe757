#!/usr/bin/env node
// `npm run bench`: every benchmark beside its anchor, in one run.
//   1. Rust percentile cases (crates/bench: tachyon-bench) → bench/results/rust.json
//   2. N-API boundary cases (bench/*.bench.ts, tinybench)   → bench/results/<name>.json
// Options: --quick (CI-sized), --filter TEXT (cases whose group/name contains TEXT),
//          --rust-only, --js-only
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const opt = (f) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
const quick = flag('--quick');
const filter = opt('--filter');
const t0 = Date.now();

function sh(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error || r.status !== 0) {
    process.stderr.write(`bench: ${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`})\n`);
    process.exit(r.status || 1);
  }
}
const out = (cmd, args) => spawnSync(cmd, args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '?';

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
  `node ${process.version}; ${out('rustc', ['--version'])}; commit ${out('git', ['rev-parse', '--short', 'HEAD'])}` +
  (quick ? '; quick mode' : ''));

if (!flag('--js-only')) {
  console.log('\n== Rust (tachyon-bench: per-op p50/p99/p99.9, batched timing; see crates/bench/src/lib.rs)');
  sh('cargo', ['build', '--release', '--quiet', '-p', 'tachyon-bench']);
  sh(join(root, 'target', 'release', 'tachyon-bench'), [
    ...(quick ? ['--quick'] : []),
    ...(filter ? ['--filter', filter] : []),
    '--json', join(root, 'bench', 'results', 'rust.json'),
  ]);
}

if (!flag('--rust-only')) {
  const files = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts')).sort();
  for (const f of files) {
    console.log(`\n== N-API boundary: bench/${f} (tinybench)`);
    sh(process.execPath, ['--import', 'tsx', join('bench', f)], {
      TACHYON_BENCH_QUICK: quick ? '1' : '',
      TACHYON_BENCH_FILTER: filter ?? '',
    });
  }
}
console.log(`\nbench: done in ${((Date.now() - t0) / 1000).toFixed(0)} s; results in bench/results/`);
