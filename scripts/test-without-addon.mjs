#!/usr/bin/env node
// Issue #9's "done" check: on a machine where the native addon is absent, the kernel examples
// and tests run through WebAssembly. Builds such a machine's view of the package in a temp
// directory — the TypeScript sources and tests, native/index.js and index.d.ts but no
// native/*.node, the WebAssembly build, the fixtures — and there, with TACHYON_BACKEND unset
// (auto), checks that importing the copy's native/index.js fails, then runs:
//   1. the README's "Analytics without the addon" example (it must print `backend: 'wasm'`);
//   2. the kernel conformance suites of vitest.config.ts (`kernelSuites`), behind a setup file
//      that fails unless the loader fell back to WebAssembly by itself.
//
//   node scripts/test-without-addon.mjs [--keep]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const log = (m) => process.stderr.write(`[no-addon] ${m}\n`);

if (!existsSync(join(root, 'crates/wasm/pkg/tachyon_wasm_bg.wasm'))) {
  log('crates/wasm/pkg is missing: run `npm run build:wasm` first');
  process.exit(1);
}
if (!existsSync(join(root, 'native/index.js'))) {
  log('native/index.js is missing: run `npm run build:native` first (the loader is kept, the .node is not)');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'tachyon-no-addon-'));
let failed = false;
try {
  // The package without its addon binary.
  cpSync(join(root, 'ts/src'), join(dir, 'ts/src'), { recursive: true });
  cpSync(join(root, 'ts/test'), join(dir, 'ts/test'), { recursive: true, filter: (p) => !p.includes(`${join('ts', 'test', '.tmp')}`) });
  mkdirSync(join(dir, 'native'));
  for (const f of ['index.js', 'index.d.ts']) cpSync(join(root, 'native', f), join(dir, 'native', f));
  cpSync(join(root, 'crates/wasm/pkg'), join(dir, 'crates/wasm/pkg'), { recursive: true });
  for (const f of ['package.json', 'README.md', 'tsconfig.json']) cpSync(join(root, f), join(dir, f));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  for (const c of readdirSync(join(root, 'crates'))) {
    const fx = join(root, 'crates', c, 'tests', 'fixtures');
    if (!existsSync(fx)) continue;
    mkdirSync(join(dir, 'crates', c, 'tests'), { recursive: true });
    symlinkSync(fx, join(dir, 'crates', c, 'tests', 'fixtures'));
  }
  if (readdirSync(join(dir, 'native')).some((f) => f.endsWith('.node'))) throw new Error('an addon binary was copied');

  const env = { ...process.env };
  delete env.TACHYON_BACKEND;
  // napi's loader would take an addon from elsewhere on these.
  delete env.NAPI_RS_NATIVE_LIBRARY_PATH;
  delete env.NAPI_RS_FORCE_WASI;

  // 0. The copy's addon loader really finds no addon (no .node beside it, no platform package
  // in node_modules): importing it must fail with napi's "Cannot find native binding".
  const addon = pathToFileURL(join(dir, 'native', 'index.js')).href;
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(addon)})`], { cwd: dir, env, encoding: 'utf8' });
  if (probe.status === 0 || !/Cannot find native binding/.test(probe.stderr)) {
    process.stderr.write(probe.stderr);
    throw new Error('native/index.js in the copy did not fail to find its addon: the check would prove nothing');
  }
  log('the addon cannot load in the copy (napi: "Cannot find native binding")');

  // 1. The README example.
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Analytics without the addon'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README has no "Analytics without the addon" example');
  const example = join(dir, 'ts', 'example.ts');
  writeFileSync(example, code.replace(/from 'tachyon'/g, "from './src/index.js'"));
  const r = spawnSync(process.execPath, ['--import', 'tsx', example], { cwd: root, env, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  if (r.status !== 0 || !/backend: 'wasm'/.test(r.stdout)) {
    process.stderr.write(r.stderr);
    throw new Error(`the README example did not run through WebAssembly (exit ${r.status})`);
  }
  log('README example ran through WebAssembly');

  // 2. The kernel suites, auto backend, with a guard that the fallback happened.
  const config = readFileSync(join(root, 'vitest.config.ts'), 'utf8');
  const suites = /const kernelSuites = (\[[^\]]*\])/.exec(config)?.[1];
  if (!suites) throw new Error('vitest.config.ts has no kernelSuites');
  writeFileSync(
    join(dir, 'ts', 'test', 'no-addon.setup.ts'),
    `import { backend, backendInfo } from '../src/index.js';
if (backend !== 'wasm' || backendInfo.requested !== 'auto' || !backendInfo.nativeError)
  throw new Error('expected an automatic fallback to WebAssembly, got ' + JSON.stringify(backendInfo));
`,
  );
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ${suites}, setupFiles: ['ts/test/no-addon.setup.ts'], pool: 'forks', testTimeout: 60_000 } });
`,
  );
  const t = spawnSync(join(root, 'node_modules/.bin/vitest'), ['run', '--root', dir], { cwd: dir, env, stdio: 'inherit' });
  if (t.status !== 0) throw new Error(`kernel suites failed without the addon (exit ${t.status})`);
  log(`kernel suites passed through WebAssembly with no addon on disk: ${suites}`);
} catch (e) {
  failed = true;
  log(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  if (keep) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
