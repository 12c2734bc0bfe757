#!/usr/bin/env node
// Builds the WebAssembly kernels (crates/wasm) into crates/wasm/pkg: wasm-bindgen's ESM glue
// (`--target web`: one output for Node and browsers), the .wasm and the .d.ts.
//
// The one verified toolchain path here (ENVIRONMENT.md, "WebAssembly"): Debian's rustc 1.63 with
// its wasm32 std, wasm-bindgen 0.2.83 and js-sys 0.3.60 from Debian's crate sources
// (/usr/share/cargo/registry, offline), and the exactly matching wasm-bindgen-cli 0.2.83 built
// from crates.io with the rustup cargo. Debian's cargo (1.65) cannot read the root workspace
// manifest (`[lints]`, …), so this script writes a standalone workspace under
// target/wasm-build/: one manifest per kernel crate pointing at its real `src/lib.rs`, and the
// facade's manifest with its path dependencies rewritten. Same sources as the native addon.
//
//   node scripts/build-wasm.mjs              build (incremental; skipped when nothing changed)
//   node scripts/build-wasm.mjs --force      rebuild even if the inputs are unchanged
//   node scripts/build-wasm.mjs --if-present build only if the toolchain is installed (else exit 0)
//   node scripts/build-wasm.mjs --check      exit 1 if crates/wasm/pkg is missing or stale
//   node scripts/build-wasm.mjs --lint       clippy (Debian's 1.63, wasm32, -D warnings) and
//                                            rustfmt --check on crates/wasm (part of `npm run lint`)
//
// Needs: apt-get install rustc cargo libstd-rust-dev-wasm32 lld librust-wasm-bindgen-dev
// librust-js-sys-dev. wasm-bindgen-cli is installed on first use into
// $TACHYON_TOOLS_DIR (default ~/.cache/tachyon/tools) with `cargo install --locked`, so its
// dependency tree is the one published with 0.2.83: reproducible, and reused by later runs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const WASM_BINDGEN_VERSION = '0.2.83';
const RUSTC = process.env.TACHYON_WASM_RUSTC ?? '/usr/bin/rustc';
const CARGO = process.env.TACHYON_WASM_CARGO ?? '/usr/bin/cargo';
const REGISTRY = '/usr/share/cargo/registry';
const TOOLS = process.env.TACHYON_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tachyon', 'tools');
const BINDGEN_ROOT = join(TOOLS, `wasm-bindgen-cli-${WASM_BINDGEN_VERSION}`);
const buildDir = join(root, 'target', 'wasm-build');
const pkgDir = join(root, 'crates', 'wasm', 'pkg');
const OUT_NAME = 'tachyon_wasm';

const log = (m) => process.stderr.write(`[build-wasm] ${m}\n`);
function fail(m) {
  log(m);
  process.exit(1);
}
function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  if (r.error || r.status !== 0) fail(`${cmd} ${argv.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}`})`);
}
const version = (cmd) => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';

// ---------------------------------------------------------------- the crates and their inputs

/** `[dependencies]` of a manifest: name → path (for path deps), or the raw spec. */
function dependencies(toml) {
  const body = /^\[dependencies\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? '';
  const deps = [];
  for (const line of body.split('\n')) {
    const m = /^([A-Za-z0-9_-]+)(\.workspace)?\s*=\s*(.+)$/.exec(line.trim());
    if (m) deps.push({ name: m[1], workspace: Boolean(m[2]), spec: m[3] });
  }
  return deps;
}

/** Kernel crates by package name → directory (from crates/<dir>/Cargo.toml). */
function kernelDirs() {
  const map = new Map();
  for (const dir of readdirSync(join(root, 'crates'))) {
    const manifest = join(root, 'crates', dir, 'Cargo.toml');
    if (!existsSync(manifest) || dir === 'wasm') continue;
    const toml = readFileSync(manifest, 'utf8');
    const name = /^name\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
    if (name && /^rust-version\s*=\s*"1\.63"/m.test(toml)) map.set(name, join(root, 'crates', dir));
  }
  return map;
}

const facadeToml = readFileSync(join(root, 'crates', 'wasm', 'Cargo.toml'), 'utf8');
const kernels = kernelDirs();
// The facade's kernel dependencies and, transitively, theirs.
const needed = new Map();
function need(name, from) {
  if (needed.has(name)) return;
  const dir = kernels.get(name);
  if (!dir) fail(`${from} depends on ${name}, which is not a kernel crate (rust-version = "1.63")`);
  const deps = dependencies(readFileSync(join(dir, 'Cargo.toml'), 'utf8'));
  const foreign = deps.filter((d) => !d.name.startsWith('tachyon-'));
  if (foreign.length) fail(`kernel crate ${name} depends on ${foreign.map((d) => d.name).join(', ')}; kernels may depend only on std and other kernels`);
  needed.set(name, { dir, deps: deps.map((d) => d.name) });
  for (const d of deps) need(d.name, name);
}
for (const d of dependencies(facadeToml)) if (d.name.startsWith('tachyon-')) need(d.name, 'tachyon-wasm');

/** Hash of every input: sources of the facade and its kernels, manifests, this script, tools. */
function inputHash() {
  const h = createHash('sha256');
  const walk = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (e !== 'pkg' && e !== 'target') walk(join(p, e));
    } else if (/\.(rs|toml)$/.test(p)) {
      h.update(relative(root, p));
      h.update(readFileSync(p));
    }
  };
  walk(join(root, 'crates', 'wasm'));
  for (const [, c] of [...needed].sort()) {
    walk(join(c.dir, 'src'));
    walk(join(c.dir, 'Cargo.toml'));
  }
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  h.update(WASM_BINDGEN_VERSION);
  return h.digest('hex');
}

const stampFile = join(pkgDir, 'build.json');
const hash = inputHash();
const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : null;
const fresh = stamp?.inputs === hash && existsSync(join(pkgDir, `${OUT_NAME}_bg.wasm`));

if (args.has('--check')) {
  if (fresh) process.exit(0);
  log(stamp ? 'crates/wasm/pkg is stale: run `npm run build:wasm`' : 'crates/wasm/pkg is missing: run `npm run build:wasm`');
  process.exit(1);
}
if (fresh && !args.has('--force') && !args.has('--lint')) {
  log('crates/wasm/pkg is up to date');
  process.exit(0);
}

// ---------------------------------------------------------------- toolchain

const missing = [];
if (!existsSync(RUSTC)) missing.push(`${RUSTC} (apt-get install rustc libstd-rust-dev-wasm32 lld)`);
if (!existsSync(CARGO)) missing.push(`${CARGO} (apt-get install cargo)`);
for (const c of [`wasm-bindgen-${WASM_BINDGEN_VERSION}`, 'js-sys-0.3.60'])
  if (!existsSync(join(REGISTRY, c))) missing.push(`${REGISTRY}/${c} (apt-get install librust-wasm-bindgen-dev librust-js-sys-dev)`);
if (missing.length) {
  if (args.has('--if-present')) {
    log(`skipped: no WebAssembly toolchain (${missing.join('; ')})`);
    process.exit(0);
  }
  fail(`missing:\n  ${missing.join('\n  ')}\nSee ENVIRONMENT.md ("WebAssembly").`);
}
const rustcVersion = version(RUSTC);
if (!/^rustc 1\.63\./.test(rustcVersion)) log(`warning: expected rustc 1.63 (the kernel MSRV), found ${rustcVersion}`);

function wasmBindgen() {
  const bin = join(BINDGEN_ROOT, 'bin', 'wasm-bindgen');
  if (existsSync(bin) && version(bin) === `wasm-bindgen ${WASM_BINDGEN_VERSION}`) return bin;
  log(`installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} into ${BINDGEN_ROOT} (cargo install --locked; a few minutes, once)`);
  const t0 = Date.now();
  mkdirSync(BINDGEN_ROOT, { recursive: true });
  // The rustup cargo and rustc (the defaults in PATH). The wrapper lets rustc ≥ 1.82 build the
  // CLI's binary, which is named `wasm_bindgen` like the runtime crate (see the script).
  run('cargo', ['install', 'wasm-bindgen-cli', '--version', `=${WASM_BINDGEN_VERSION}`, '--locked', '--root', BINDGEN_ROOT], {
    env: {
      ...process.env,
      RUSTC_WRAPPER: join(root, 'scripts', 'rustc-wrapper-wasm-bindgen-cli.sh'),
      CARGO_TARGET_DIR: join(root, 'target', 'wasm-bindgen-cli'),
    },
  });
  log(`wasm-bindgen-cli installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return bin;
}

// ---------------------------------------------------------------- the standalone workspace

const crateDir = (name) => join(buildDir, 'crates', name);
mkdirSync(join(buildDir, '.cargo'), { recursive: true });
writeFileSync(
  join(buildDir, '.cargo', 'config.toml'),
  `# generated by scripts/build-wasm.mjs: Debian's crate sources, offline
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "${REGISTRY}"
[net]
offline = true
`,
);
const members = [];
for (const [name, c] of needed) {
  mkdirSync(crateDir(name), { recursive: true });
  writeFileSync(
    join(crateDir(name), 'Cargo.toml'),
    `# generated by scripts/build-wasm.mjs from ${relative(root, join(c.dir, 'Cargo.toml'))}
[package]
name = "${name}"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
path = ${JSON.stringify(join(c.dir, 'src', 'lib.rs'))}

[dependencies]
${c.deps.map((d) => `${d} = { path = "../${d}" }`).join('\n')}
`,
  );
  members.push(`crates/${name}`);
}
// The facade: its own manifest with kernel path dependencies pointed at the generated crates.
mkdirSync(crateDir('tachyon-wasm'), { recursive: true });
let facade = facadeToml.replace(
  /^(tachyon-[a-z-]+)\s*=\s*\{\s*path\s*=\s*"[^"]*"\s*\}/gm,
  (_, n) => `${n} = { path = "../${n}" }`,
);
facade = facade.replace(/^\[lib\]\s*$/m, `[lib]\npath = ${JSON.stringify(join(root, 'crates', 'wasm', 'src', 'lib.rs'))}`);
writeFileSync(join(crateDir('tachyon-wasm'), 'Cargo.toml'), `# generated by scripts/build-wasm.mjs from crates/wasm/Cargo.toml\n${facade}`);
members.push('crates/tachyon-wasm');
writeFileSync(
  join(buildDir, 'Cargo.toml'),
  `# generated by scripts/build-wasm.mjs: a standalone workspace Debian's cargo can read
[workspace]
resolver = "2"
members = ${JSON.stringify(members)}

[profile.release]
opt-level = 3
lto = "fat"
codegen-units = 1
debug = false
# No unwinding on wasm32-unknown-unknown: a panic traps; the loader reports it (ERR_WASM_PANIC).
panic = "abort"
`,
);

// ---------------------------------------------------------------- lint

const debianEnv = {
  ...process.env,
  RUSTC,
  // Isolated from the user's cargo configuration and caches; the sources are local.
  CARGO_HOME: join(buildDir, 'cargo-home'),
  // `wasm_compat`: the cfg a kernel may test if it must differ for 1.63/wasm (avoid it).
  CARGO_BUILD_RUSTFLAGS: '--cfg wasm_compat',
  RUSTFLAGS: '--cfg wasm_compat',
};

if (args.has('--lint')) {
  // Debian's clippy (rust-clippy, 1.63) on the facade only (the kernels are linted by the
  // workspace's clippy); /usr/bin first so cargo finds Debian's cargo-clippy, not rustup's.
  if (!existsSync('/usr/bin/cargo-clippy')) fail('missing /usr/bin/cargo-clippy (apt-get install rust-clippy)');
  run(CARGO, ['clippy', '--offline', '--target', 'wasm32-unknown-unknown', '-p', 'tachyon-wasm', '--no-deps', '--', '-D', 'warnings', '-W', 'missing_debug_implementations', '-W', 'rust_2018_idioms'], {
    cwd: buildDir,
    env: { ...debianEnv, PATH: `/usr/bin:${process.env.PATH}`, CARGO_TARGET_DIR: join(buildDir, 'target-clippy') },
  });
  run('rustfmt', ['--check', '--edition', '2021', join(root, 'crates', 'wasm', 'src', 'lib.rs')]);
  log('clippy and rustfmt: clean');
  process.exit(0);
}

// ---------------------------------------------------------------- build

const t0 = Date.now();
log(`${rustcVersion}; ${version(CARGO)}; kernels: ${[...needed.keys()].join(', ')}`);
run(CARGO, ['build', '--release', '--offline', '--target', 'wasm32-unknown-unknown', '-p', 'tachyon-wasm'], {
  cwd: buildDir,
  env: { ...debianEnv, CARGO_TARGET_DIR: join(buildDir, 'target') },
});
const wasm = join(buildDir, 'target', 'wasm32-unknown-unknown', 'release', 'tachyon_wasm.wasm');
const bindgen = wasmBindgen();
rmSync(pkgDir, { recursive: true, force: true });
mkdirSync(pkgDir, { recursive: true });
run(bindgen, ['--target', 'web', '--weak-refs', '--out-dir', pkgDir, '--out-name', OUT_NAME, wasm]);
writeFileSync(
  stampFile,
  `${JSON.stringify(
    {
      inputs: hash,
      rustc: rustcVersion,
      wasmBindgen: version(bindgen),
      kernels: [...needed.keys()],
      wasmBytes: statSync(join(pkgDir, `${OUT_NAME}_bg.wasm`)).size,
    },
    null,
    1,
  )}\n`,
);
log(`crates/wasm/pkg built in ${((Date.now() - t0) / 1000).toFixed(1)} s (${(statSync(join(pkgDir, `${OUT_NAME}_bg.wasm`)).size / 1024).toFixed(0)} KiB .wasm)`);
