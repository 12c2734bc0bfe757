// The native-or-WebAssembly loader (ts/src/native.ts). This file runs in the `wasm` vitest
// project (TACHYON_BACKEND=wasm); the cases that need another environment (no addon on disk,
// a bad TACHYON_BACKEND, a trap, --expose-gc) run in child processes.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as tachyon from '../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('WebAssembly backend (TACHYON_BACKEND=wasm)', () => {
  it('reports the backend and the build', () => {
    expect(tachyon.backend).toBe('wasm');
    expect(tachyon.backendInfo).toMatchObject({ backend: 'wasm', requested: 'wasm' });
    const crate = readFileSync(join(root, 'crates/wasm/Cargo.toml'), 'utf8');
    expect(tachyon.backendInfo.wasmVersion).toBe(/^version\s*=\s*"([^"]+)"/m.exec(crate)![1]);
  });

  it('kernel areas work through the same public API', () => {
    const ema = new tachyon.Ema({ period: 3 });
    expect(Array.from(ema.batch(Float64Array.of(1, 2, 3, 4)))).toEqual([Number.NaN, Number.NaN, 2, 3]);
    expect(ema.update(5)).toBe(4);
    expect(code(() => ema.update(Number.NaN))).toBe('ERR_MISSING_BAR');
    expect(ema.stats).toMatchObject({ accepted: 5, missing: 1 });
    expect(tachyon.varHistorical([-10, -4, -2, -1, 0, 1, 2, 3, 4, 5], 0.9)).toEqual({ var: expect.closeTo(4.6, 12), cvar: 10 });
    expect(new tachyon.SignalFusion(3, { method: 'consensus' }).fuse(Int8Array.of(1, 1, -1), Float64Array.of(0.9, 0.8, 0.7)).direction).toBe(1);
  });

  it('native-only exports fail with ERR_BACKEND_UNSUPPORTED when used, not at import', () => {
    const cases: [string, () => unknown][] = [
      ['Instrument', () => new tachyon.Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.001', minNotional: '5' })],
      ['Price.fromString', () => (tachyon.Price as unknown as { fromString: (s: string) => unknown }).fromString('1.5')],
      ['nowNs', () => tachyon.nowNs()],
      ['streamNew', () => new tachyon.EventStream({ capacity: 1024 })],
      ['decisionNew', () => new tachyon.DecisionEngine({ features: 4 } as never)],
      ['riskNew', () => new tachyon.RiskEngine({ venues: [{ name: 'v' }], instruments: [] })],
      ['RISK_REJECTION_CODES', () => tachyon.RISK_REJECTION_CODES.includes('RATE_LIMIT')],
    ];
    for (const [name, f] of cases) {
      const e = thrown(f);
      expect(tachyon.isTachyonError(e), name).toBe(true);
      expect((e as unknown as { code: string }).code, name).toBe('ERR_BACKEND_UNSUPPORTED');
      expect(e.message, name).toContain(name);
      expect(e.message, name).toContain('TACHYON_BACKEND=wasm');
    }
  });
});

// ------------------------------------------------------------------ child processes

const tmp = mkdtempSync(join(tmpdir(), 'tachyon-wasm-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Runs a TypeScript snippet with tsx in a fresh process. The snippet imports `@src/…`, which
 * becomes the absolute path of `ts/src/…` in `dir` (the repository, or a copy of the package);
 * it is written as `.mts` (ESM: top-level await) to this file's own temp directory, so nothing
 * in the repository is touched (readme.test.ts owns ts/test/.tmp and may delete it any time).
 */
function runTs(source: string, env: Record<string, string | undefined>, opts: { dir?: string; nodeArgs?: string[] } = {}) {
  const src = join(opts.dir ?? root, 'ts', 'src') + '/';
  const file = join(tmp, `snippet-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, source.replaceAll("'@src/", `'${src}`));
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TACHYON_BACKEND: undefined, ...env },
    timeout: 120_000,
  });
  rmSync(file, { force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A copy of the package as it would sit on a machine where the addon is absent: the sources,
 * the WebAssembly build and native/index.js, but no native/*.node.
 */
function packageWithoutAddon(): string {
  const dir = join(tmp, 'pkg');
  mkdirSync(join(dir, 'native'), { recursive: true });
  cpSync(join(root, 'ts', 'src'), join(dir, 'ts', 'src'), { recursive: true });
  cpSync(join(root, 'native', 'index.js'), join(dir, 'native', 'index.js'));
  cpSync(join(root, 'native', 'index.d.ts'), join(dir, 'native', 'index.d.ts'));
  cpSync(join(root, 'crates', 'wasm', 'pkg'), join(dir, 'crates', 'wasm', 'pkg'), { recursive: true });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

describe('backend selection in a fresh process', () => {
  const probe = `
    import { backend, backendInfo, Rsi, Instrument, isTachyonError } from '@src/index.js';
    const rsi = new Rsi({ period: 2 }).batch(Float64Array.of(1, 2, 1, 2, 3));
    let unsupported = '';
    try { new Instrument({ symbol: 'X', tickSize: '0.01', lotSize: '1', minNotional: '1' }); } catch (e) { unsupported = isTachyonError(e) ? e.code : String(e); }
    console.log(JSON.stringify({ backend, backendInfo, rsi: Array.from(rsi), unsupported }));
  `;

  it('falls back to WebAssembly when the addon is absent, and says why', () => {
    const dir = packageWithoutAddon();
    const r = runTs(probe, {}, { dir });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { backend: string; backendInfo: { requested: string; nativeError: string }; rsi: number[]; unsupported: string };
    expect(out.backend).toBe('wasm');
    expect(out.backendInfo.requested).toBe('auto');
    expect(out.backendInfo.nativeError).toMatch(/native binding|Cannot find module|tachyon/i);
    expect(out.rsi.slice(2)).toEqual([50, 75, 87.5]); // Wilder RSI(2) by hand
    expect(out.unsupported).toBe('ERR_BACKEND_UNSUPPORTED');
    // Asked for native explicitly: no fallback, a typed error.
    const strict = runTs(probe, { TACHYON_BACKEND: 'native' }, { dir });
    expect(strict.status).not.toBe(0);
    expect(strict.stderr).toContain('ERR_NATIVE_LOAD');
  });

  it('uses the addon when it loads; refuses an unknown TACHYON_BACKEND', () => {
    const r = runTs(probe, {});
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { backend: string; rsi: number[]; unsupported: string };
    expect(out.backend).toBe('native');
    expect(out.rsi.slice(2)).toEqual([50, 75, 87.5]);
    expect(out.unsupported).toBe('');
    const bad = runTs(probe, { TACHYON_BACKEND: 'gpu' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('ERR_INVALID_CONFIG');
    expect(bad.stderr).toContain('"gpu"');
  });

  it('a Rust panic in WebAssembly becomes ERR_WASM_PANIC with the panic message', () => {
    const r = runTs(
      `import { native } from '@src/native.js';
       try { (native as unknown as { __panicForTests: (m: string) => void }).__panicForTests('boom 42'); }
       catch (e) { const x = e as { code: string; message: string }; console.log(JSON.stringify({ code: x.code, message: x.message })); }`,
      { TACHYON_BACKEND: 'wasm' },
    );
    const out = JSON.parse(r.stdout.trim()) as { code: string; message: string };
    expect(out.code).toBe('ERR_WASM_PANIC');
    expect(out.message).toContain('__panicForTests');
    expect(out.message).toContain('boom 42');
  });

  it('*Async runs on a worker: the event loop stays free, the process still exits when idle', () => {
    const r = runTs(
      `import { Garch11, varPortfolioMonteCarloAsync, varPortfolioMonteCarlo } from '@src/index.js';
       const returns = Float64Array.from({ length: 3000 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 11) / 5));
       let ticks = 0;
       const timer = setInterval(() => ticks++, 0);
       const [fit] = await Promise.all([Garch11.fitAsync(returns), Garch11.fitAsync(returns)]);
       clearInterval(timer);
       const sync = Garch11.fit(returns);
       const book = { weights: [1, 2], mu: [0, 0], sd: [0.01, 0.02], corr: [1, 0.5, 0.5, 1] };
       const mc = await varPortfolioMonteCarloAsync(book, 0.99, { paths: 5000, seed: 3 });
       let sync_throw = '';
       try { varPortfolioMonteCarloAsync(book, 0.99, { paths: 10 }); } catch (e) { sync_throw = (e as { code: string }).code; }
       console.log(JSON.stringify({ ticks, same: JSON.stringify(fit.fitResult!.estimates) === JSON.stringify(sync.fitResult!.estimates),
         mcSame: JSON.stringify(mc) === JSON.stringify(varPortfolioMonteCarlo(book, 0.99, { paths: 5000, seed: 3 })), sync_throw }));`,
      { TACHYON_BACKEND: 'wasm' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0); // an idle worker does not keep the process alive
    const out = JSON.parse(r.stdout.trim()) as { ticks: number; same: boolean; mcSame: boolean; sync_throw: string };
    expect(out.ticks).toBeGreaterThan(0);
    expect(out.same).toBe(true);
    expect(out.mcSame).toBe(true);
    expect(out.sync_throw).toBe('ERR_TOO_FEW'); // native's checks run before the work is queued
  });

  it('a trap on the worker rejects with ERR_WASM_PANIC and the next call gets a fresh worker', async () => {
    const { WasmWorker } = await import('../src/wasm/worker.js');
    const w = new WasmWorker({
      glue: new URL('../../crates/wasm/pkg/tachyon_wasm.js', import.meta.url).href,
      wasm: new URL('../../crates/wasm/pkg/tachyon_wasm_bg.wasm', import.meta.url).href,
    });
    const err = await w.call('__panicForTests', ['worker boom']).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(err?.code).toBe('ERR_WASM_PANIC');
    expect(err?.message).toContain('worker boom');
    expect(await w.call('varHistorical', [Float64Array.of(-3, -1, 0, 1, 2), 0.8])).toEqual(tachyon.varHistorical([-3, -1, 0, 1, 2], 0.8));
    const coded = await w.call('varHistorical', [Float64Array.of(1), 0.9]).catch((e: unknown) => e as { code: string });
    expect((coded as { code: string }).code).toBe('ERR_TOO_FEW');
    w.terminate();
  });

  it('handles are freed when their objects are collected (FinalizationRegistry)', () => {
    // 300,000 SMA(500) handles hold ~1.2 GB of linear memory if never freed (wasm memory grows
    // in 64 KiB pages and never shrinks, so its final size tells). Measured here: ~45 MB with
    // a gc() between rounds, ~270 MB when V8 collects on its own schedule.
    const r = runTs(
      `import { Sma } from '@src/index.js';
       import { native } from '@src/native.js';
       import { setTimeout as sleep } from 'node:timers/promises';
       const g = globalThis as unknown as { gc: () => void };
       let n = 0;
       for (let round = 0; round < 30; round++) {
         for (let i = 0; i < 10_000; i++) n += new Sma({ period: 500 }).outputs.length;
         g.gc();
         await sleep(5);
       }
       console.log(JSON.stringify({ n, bytes: (native as unknown as { wasmMemoryBytes: () => number }).wasmMemoryBytes() }));`,
      { TACHYON_BACKEND: 'wasm' },
      { nodeArgs: ['--expose-gc'] },
    );
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim()) as { n: number; bytes: number };
    expect(out.n).toBe(300_000);
    expect(out.bytes).toBeLessThan(128 * 1024 * 1024);
  });
});
