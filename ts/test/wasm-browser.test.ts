// The WebAssembly build in a browser (Debian's Chromium through playwright-core): a page imports
// `ts/dist/browser.js` as served by `browserAssets()` (the files a dashboard serves for
// client-side analytics), computes indicators, VaR and sizing on data it holds, and must get
// the numbers the native addon gets in Node (bit for bit where no libm is involved), TA-Lib's
// within the conformance tolerance, and the same typed errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adx, Bollinger, Ema, Garch11, Macd, Rsi, backend, positionFraction, splitOutputs, varHistorical, varPortfolioMonteCarlo, varPortfolioParametric } from '../src/index.js';
import { browserAssets } from '../src/wasm/assets.js';
import { haveChromium, launchChromium } from './helpers/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
function csv(path: string): Record<string, number[]> {
  const [head, ...rows] = readFileSync(join(root, path), 'utf8').trim().split('\n');
  const names = head!.split(',');
  const cols: Record<string, number[]> = {};
  names.forEach((n, k) => {
    cols[n] = rows.map((r) => {
      const c = r.split(',')[k]!.trim();
      return c === '' || c === 'NA' ? Number.NaN : Number(c);
    });
  });
  return cols;
}
const bars = csv('crates/indicators/tests/fixtures/bars_ttrc.csv');
const talib = csv('crates/indicators/tests/fixtures/talib_ttrc.csv');
const returns = csv('crates/riskmath/tests/fixtures/sp500_returns.csv').log_return!;
const book = { weights: [0.5, 0.3, 0.2], mu: [0.0066, 0.0021, 0.0037], sd: [0.053, 0.032, 0.035], corr: [1, 0.32, 0.24, 0.32, 1, 0.12, 0.24, 0.12, 1] };

/** What the page computes with the module it imported (`window.tachyon`; run inside Chromium). */
async function analytics(data: { high: number[]; low: number[]; close: number[]; returns: number[]; book: typeof book }) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const t = (globalThis as unknown as { tachyon: any }).tachyon;
  const f = (a: number[]) => Float64Array.from(a);
  const [h, l, c] = [f(data.high), f(data.low), f(data.close)];
  const macd = new t.Macd();
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return 'no error';
    } catch (e) {
      return `${(e as { code?: string }).code}: ${(e as Error).message}`;
    }
  };
  const ema = new t.Ema({ period: 20 });
  const emaBatch = Array.from(ema.batch(c.subarray(0, 2000)) as Float64Array);
  const emaStream = Array.from(c.subarray(2000), (x) => ema.update(x) as number);
  return {
    backend: t.backend as string,
    requested: t.backendInfo.requested as string,
    ema: [...emaBatch, ...emaStream],
    rsi: Array.from(new t.Rsi({ period: 14 }).batch(c) as Float64Array),
    macd: Array.from(macd.batch(c) as Float64Array),
    adx: Array.from(new t.Adx({ period: 14 }).batch(h, l, c) as Float64Array),
    bollinger: Array.from(new t.Bollinger({ period: 20, stdDev: 2 }).batch(c) as Float64Array),
    varHistorical: t.varHistorical(f(data.returns), 0.99),
    varT: t.varPortfolioParametric(data.book, 0.99, { nu: 5 }),
    varMc: t.varPortfolioMonteCarlo(data.book, 0.99, { paths: 20_000, seed: 7 }),
    size: t.positionFraction({ kind: 'volTarget', targetVol: 0.1, forecastVol: 0.25 }, 0.5),
    // GARCH(1,1) on the returns the page holds: fit on the main thread and on a Web Worker,
    // then the online update and the forecast a dashboard would draw.
    garch: await (async () => {
      const r = f(data.returns.slice(0, 2000));
      const sync = t.Garch11.fit(r);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const off = await t.Garch11.fitAsync(r);
      clearInterval(timer);
      const next = data.returns.slice(2000, 2050).map((x: number) => sync.update(x) as number);
      return { estimates: sync.fitResult.estimates as number[], asyncEstimates: off.fitResult.estimates as number[], next, forecast: Array.from(sync.forecast(10) as Float64Array), ticks };
    })(),
    mcAsync: await t.varPortfolioMonteCarloAsync(data.book, 0.99, { paths: 20_000, seed: 7 }),
    errors: [codeOf(() => new t.Ema().update(Number.NaN)), codeOf(() => new t.Ema({ period: 0 })), codeOf(() => t.varHistorical(f([1, 2]), 1.5))],
  };
}

// CI installs Chromium (.ci/run); elsewhere a missing browser skips instead of failing.
const run = haveChromium || process.env.CI ? describe : describe.skip;

run('WebAssembly kernels in Chromium', () => {
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let dispose: () => Promise<void>;
  const problems: string[] = [];
  const dist = mkdtempSync(join(tmpdir(), 'tachyon-browser-dist-'));

  beforeAll(async () => {
    // Compile the current sources (not a possibly stale ts/dist) and serve them as a dashboard would.
    const tsc = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json'), '--outDir', dist, '--sourceMap', 'false', '--declaration', 'false'], { encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    const assets = new Map(browserAssets({ prefix: '/lib/', dist }).map((a) => [a.path, a]));
    const page = readFileSync(new URL('./helpers/wasm-page.html', import.meta.url));
    server = createServer((req, res) => {
      const a = assets.get(req.url ?? '');
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      else if (a) res.writeHead(200, { 'content-type': a.type }).end(a.body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ context, dispose } = await launchChromium());
  }, 120_000);

  afterAll(async () => {
    await dispose?.();
    await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves only what the browser entry needs', () => {
    const paths = browserAssets({ prefix: '/lib/', dist }).map((a) => a.path);
    expect(paths).toContain('/lib/ts/dist/browser.js');
    expect(paths).toContain('/lib/ts/dist/indicators/index.js');
    expect(paths).toContain('/lib/crates/wasm/pkg/tachyon_wasm_bg.wasm');
    expect(paths.some((p) => /engine\/(risk|decision)|api\/stream|cli\//.test(p))).toBe(false);
  });

  it('computes what the native addon computes, with the same errors', async () => {
    expect(backend).toBe('native'); // this file runs in the `native` project: Node is the reference side
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`${r.url()} ${r.status()}`));
    await page.goto(`${base}/`);
    await page.waitForFunction(() => 'tachyon' in globalThis, undefined, { timeout: 30_000 });
    expect(await page.textContent('#status')).toMatch(/^backend wasm, build \d+\.\d+\.\d+; EMA\(3\) of 1\.\.4 → NaN, NaN, 2, 3$/);
    const got = await page.evaluate(analytics, { high: bars.high!, low: bars.low!, close: bars.close!, returns, book });
    expect(problems).toEqual([]);
    expect(got.backend).toBe('wasm');
    expect(got.requested).toBe('wasm');

    const c = Float64Array.from(bars.close!);
    const h = Float64Array.from(bars.high!);
    const l = Float64Array.from(bars.low!);
    const bitExact = (name: string, a: number[], b: ArrayLike<number>) => {
      expect(a.length, name).toBe(b.length);
      for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i]), `${name}[${i}]: browser ${a[i]}, native ${b[i]}`).toBe(true);
    };
    const ema = new Ema({ period: 20 });
    bitExact('ema', got.ema, [...ema.batch(c.subarray(0, 2000)), ...Array.from(c.subarray(2000), (x) => ema.update(x))]);
    bitExact('rsi', got.rsi, new Rsi({ period: 14 }).batch(c));
    bitExact('macd', got.macd, new Macd().batch(c));
    bitExact('adx', got.adx, new Adx({ period: 14 }).batch(h, l, c));
    bitExact('bollinger', got.bollinger, new Bollinger({ period: 20, stdDev: 2 }).batch(c));
    // And the reference itself, from inside the browser: TA-Lib's EMA(20) and RSI(14), 1e-9.
    for (const [ours, ref] of [
      [got.ema, talib.ema20!],
      [got.rsi, talib.rsi14!],
    ] as const) {
      let n = 0;
      ours.forEach((x, i) => {
        if (Number.isNaN(ref[i]!)) return;
        expect(Math.abs(x - ref[i]!) / Math.max(Math.abs(ref[i]!), 1)).toBeLessThanOrEqual(1e-9);
        n++;
      });
      expect(n).toBeGreaterThan(2400);
    }
    expect(splitOutputs(Float64Array.from(got.macd), ['macd', 'signal', 'histogram']).histogram!.length).toBe(c.length);

    const v = varHistorical(Float64Array.from(returns), 0.99);
    expect(got.varHistorical).toEqual(v);
    // Student-t quantiles and Monte Carlo draws use exp/ln: glibc natively, Rust's libm in
    // WebAssembly; they agree to a few ulps (ts/test/wasm-parity.test.ts).
    const near = (a: { var: number; cvar: number }, b: { var: number; cvar: number }) => {
      expect(Math.abs(a.var - b.var) / b.var).toBeLessThan(1e-13);
      expect(Math.abs(a.cvar - b.cvar) / b.cvar).toBeLessThan(1e-13);
    };
    near(got.varT, varPortfolioParametric(book, 0.99, { nu: 5 }));
    near(got.varMc, varPortfolioMonteCarlo(book, 0.99, { paths: 20_000, seed: 7 }));
    expect(got.size).toBe(positionFraction({ kind: 'volTarget', targetVol: 0.1, forecastVol: 0.25 }, 0.5));
    near(got.mcAsync, varPortfolioMonteCarlo(book, 0.99, { paths: 20_000, seed: 7 }));
    // GARCH(1,1) fits iterate an optimiser over ln, whose rare last-bit differences between the
    // two libms can nudge its path: the builds agree to 1e-6 relative (ts/test/wasm-parity).
    const close = (name: string, a: number[], b: ArrayLike<number>) => {
      expect(a.length, name).toBe(b.length);
      for (let i = 0; i < a.length; i++) {
        const rel = Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(a[i]!), Math.abs(b[i]!), Number.MIN_VALUE);
        expect(rel, `${name}[${i}]: browser ${a[i]}, native ${b[i]}`).toBeLessThan(1e-6);
      }
    };
    const g = Garch11.fit(Float64Array.from(returns.slice(0, 2000)));
    close('garch estimates', got.garch.estimates, g.fitResult!.estimates);
    close('garch estimates (Web Worker)', got.garch.asyncEstimates, g.fitResult!.estimates);
    close('garch update', got.garch.next, returns.slice(2000, 2050).map((x) => g.update(x)));
    close('garch forecast', got.garch.forecast, g.forecast(10));
    expect(got.garch.ticks).toBeGreaterThan(0); // the page's event loop ran during the async fit

    const nodeErrors = [() => new Ema().update(Number.NaN), () => new Ema({ period: 0 }), () => varHistorical([1, 2], 1.5)].map((fn) => {
      try {
        fn();
        return 'no error';
      } catch (e) {
        return `${(e as { code?: string }).code}: ${(e as Error).message}`;
      }
    });
    expect(got.errors).toEqual(nodeErrors);
    expect(got.errors.map((e) => e.split(':')[0])).toEqual(['ERR_MISSING_BAR', 'ERR_INVALID_PARAM', 'ERR_OUT_OF_RANGE']);
    await page.close();
  });
});
