/**
 * The same kernels three ways in one run, on the same data: the napi addon, the WebAssembly
 * build (crates/wasm through the loader, exactly what `TACHYON_BACKEND=wasm` gives the public
 * API) and plain JavaScript (the anchor: what a browser page would otherwise write itself).
 *
 * Both backends are loaded side by side with `loadBackend` and called with the same arguments
 * the TypeScript classes pass (the classes add the same few ns to either). Before timing, each
 * plain-JS kernel is checked against the addon (same job, same numbers). Data: TTR's `ttrc`
 * closes (2500 daily bars) and arch's S&P 500 log returns (5030 days) from the fixtures.
 *
 * GARCH(1,1): the online variance update and a 10-step forecast from parameters fitted once
 * (plain JS: the same recursion), and the full maximum-likelihood fit (native vs WASM; the
 * plain-JS anchor there would be a whole optimiser, so the addon is the anchor).
 *
 *   npx tsx bench/wasm.bench.ts     or      npm run bench -- --js-only --filter wasm
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBackend, type NativeModule } from '../ts/src/native.js';
import { runGroup, writeResults, type JsCase, type JsRow } from './lib.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lines = readFileSync(join(root, 'crates/indicators/tests/fixtures/bars_ttrc.csv'), 'utf8').trim().split('\n').slice(1);
const close = Float64Array.from(lines, (l) => Number(l.split(',')[4]));
const returns = Float64Array.from(readFileSync(join(root, 'crates/riskmath/tests/fixtures/sp500_returns.csv'), 'utf8').trim().split('\n').slice(1), Number);
const L = close.length;

const nat = await loadBackend('native');
const wasm = await loadBackend('wasm');
const backends: [string, NativeModule][] = [
  ['native (N-API)', nat],
  ['wasm', wasm],
];

/** Keeps results alive so nothing is optimised away. */
let sunk = 0;
function sink(x: number): void {
  sunk += x;
}
function jsAdd(a: number, b: number): number {
  return a + b;
}

// ------------------------------------------------------------------ plain JavaScript kernels

/** EMA(n), α = 2/(n+1), seeded with the SMA of the first n values (TA-Lib, as the kernel). */
function emaBatch(x: Float64Array, n: number, out = new Float64Array(x.length)): Float64Array {
  const a = 2 / (n + 1);
  let s = 0;
  let e = Number.NaN;
  for (let t = 0; t < x.length; t++) {
    if (t < n - 1) {
      s += x[t]!;
      out[t] = Number.NaN;
    } else if (t === n - 1) {
      e = (s + x[t]!) / n;
      out[t] = e;
    } else {
      e += a * (x[t]! - e);
      out[t] = e;
    }
  }
  return out;
}

/** Wilder RSI(n): average gain/loss seeded with the mean of the first n changes. */
function rsiBatch(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  let g = 0;
  let l = 0;
  for (let t = 1; t < x.length; t++) {
    const d = x[t]! - x[t - 1]!;
    const up = d > 0 ? d : 0;
    const dn = d < 0 ? -d : 0;
    if (t <= n) {
      g += up;
      l += dn;
      if (t < n) continue;
      g /= n;
      l /= n;
    } else {
      g = (g * (n - 1) + up) / n;
      l = (l * (n - 1) + dn) / n;
    }
    out[t] = g + l === 0 ? 50 : (100 * g) / (g + l);
  }
  return out;
}

/** Historical VaR/CVaR at `level`: numpy `linear` quantile of the losses' tail, CVaR the mean beyond. */
function varHistorical(pnl: Float64Array, level: number): { var: number; cvar: number } {
  const s = Float64Array.from(pnl).sort();
  const p = 1 - level;
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const q = s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!);
  let sum = 0;
  let k = 0;
  for (let i = 0; i < s.length && s[i]! <= q; i++, k++) sum += s[i]!;
  return { var: -q, cvar: -sum / k };
}

/** GARCH(1,1) one-step variance update: h' = ω + α (r − μ)² + β h. */
function garchUpdate(p: { mu: number; omega: number; alpha: number; beta: number }, h: number, r: number): number {
  const e = r - p.mu;
  return p.omega + p.alpha * e * e + p.beta * h;
}
/** GARCH(1,1) k-step variance forecasts from h (next period): h_k = ω + (α + β) h_{k−1}. */
function garchForecast(p: { omega: number; alpha: number; beta: number }, h: number, k: number, out = new Float64Array(k)): Float64Array {
  out[0] = h;
  for (let i = 1; i < k; i++) out[i] = p.omega + (p.alpha + p.beta) * out[i - 1]!;
  return out;
}

// Same job: the anchors agree with the addon before anything is timed.
function check(what: string, a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) !== Number.isNaN(y) || Math.abs(x - y) > tol * Math.max(1, Math.abs(y))) throw new Error(`${what}[${i}]: plain JS ${x}, native ${y}`);
  }
}
check('ema', emaBatch(close, 20), nat.indicatorBatch(nat.indicatorNew({ kind: 'ema', period: 20 }), close), 1e-12);
check('rsi', rsiBatch(close, 14), nat.indicatorBatch(nat.indicatorNew({ kind: 'rsi', period: 14 }), close), 1e-10);
const garchFit = nat.garchFit(returns, { kind: 'garch' }, { stdErrors: false });
const gp = { mu: garchFit.params.mu ?? 0, omega: garchFit.params.omega, alpha: garchFit.params.alpha, beta: garchFit.params.beta };
{
  const f = nat.garchFilterNew({ kind: 'garch' }, garchFit.params, garchFit.nextVariance);
  let h = garchFit.nextVariance;
  const a = new Float64Array(500);
  const b = new Float64Array(500);
  for (let t = 0; t < 500; t++) {
    a[t] = h = garchUpdate(gp, h, returns[t]!);
    b[t] = nat.garchFilterUpdate(f, returns[t]!);
  }
  check('garch update', a, b, 1e-13);
  check('garch forecast', garchForecast(gp, h, 10), nat.garchFilterForecast(f, 10), 1e-13);
}
const v = nat.varHistorical(returns, 0.99);
check('var', [varHistorical(returns, 0.99).var, varHistorical(returns, 0.99).cvar], [v.var, v.cvar], 1e-12);

// ------------------------------------------------------------------ cases

/**
 * The two batch forms of a single-series indicator class, as `ts/src/indicators` calls them:
 * `x.batch(close, out)` on a reused object (`reset()` first, so it seeds again like the fresh
 * anchor; `indicatorBatchValuesInto` into the caller's buffer) and `new X().batch(close)`
 * (construction, `indicatorInfo`, a JS-allocated result).
 */
function batchRows(m: NativeModule, name: string, cls: string, spec: Parameters<NativeModule['indicatorNew']>[0]): JsCase[] {
  const h = m.indicatorNew(spec);
  const out = new Float64Array(L);
  return [
    { name: `${name} ${cls}.batch(close, out), reused`, opsPerCall: L, fn: () => {
      m.indicatorReset(h);
      m.indicatorBatchValuesInto(h, close, out);
      sink(out[L - 1]!);
    } },
    { name: `${name} new ${cls}().batch(close)`, opsPerCall: L, fn: () => {
      const f = m.indicatorNew(spec);
      const o = new Float64Array(L * m.indicatorInfo(f).outputs.length);
      m.indicatorBatchValuesInto(f, close, o);
      sink(o[L - 1]!);
    } },
  ];
}

const rows: JsRow[] = [];
const book = { weights: [0.5, 0.3, 0.2], mu: [0.0066, 0.0021, 0.0037], sd: [0.053, 0.032, 0.035], corr: [1, 0.32, 0.24, 0.32, 1, 0.12, 0.24, 0.12, 1] };

rows.push(
  ...(await runGroup('wasm: empty call (per call)', [
    { name: 'plain JS function', anchor: true, opsPerCall: 1000, fn: () => {
      let s = 0;
      for (let i = 0; i < 1000; i++) s = jsAdd(s, 1);
      sink(s);
    } },
    ...backends.map(([name, m]) => ({ name: `${name} addF64`, opsPerCall: 1000, fn: () => {
      let s = 0;
      for (let i = 0; i < 1000; i++) s = m.addF64(s, 1);
      sink(s);
    } })),
  ])),
  ...(await runGroup(`wasm: EMA(20) batch over ${L} bars (per bar)`, [
    { name: 'plain JS loop', anchor: true, opsPerCall: L, fn: () => sink(emaBatch(close, 20)[L - 1]!) },
    ...backends.flatMap(([name, m]) => batchRows(m, name, 'Ema', { kind: 'ema', period: 20 })),
  ])),
  ...(await runGroup(`wasm: EMA(20) streaming update (per bar)`, [
    { name: 'plain JS incremental', anchor: true, opsPerCall: L, fn: () => {
      const a = 2 / 21;
      let e = close[0]!;
      for (let t = 1; t < L; t++) e += a * (close[t]! - e);
      sink(e);
    } },
    ...backends.map(([name, m]) => ({ name: `${name} Ema.update`, opsPerCall: L, fn: () => {
      const h = m.indicatorNew({ kind: 'ema', period: 20 });
      let e = 0;
      for (let t = 0; t < L; t++) e = m.indicatorUpdate(h, close[t]!);
      sink(e);
    } })),
  ])),
  ...(await runGroup(`wasm: RSI(14) batch over ${L} bars (per bar)`, [
    { name: 'plain JS loop', anchor: true, opsPerCall: L, fn: () => sink(rsiBatch(close, 14)[L - 1]!) },
    ...backends.flatMap(([name, m]) => batchRows(m, name, 'Rsi', { kind: 'rsi', period: 14 })),
  ])),
  ...(await runGroup(`wasm: historical VaR/CVaR 99% of ${returns.length} returns (per call)`, [
    { name: 'plain JS sort + quantile', anchor: true, opsPerCall: 1, fn: () => sink(varHistorical(returns, 0.99).var) },
    ...backends.map(([name, m]) => ({ name: `${name} varHistorical`, opsPerCall: 1, fn: () => sink(m.varHistorical(returns, 0.99).var) })),
  ])),
  ...(await runGroup(`wasm: GARCH(1,1) online variance update over ${returns.length} returns (per update)`, [
    { name: 'plain JS recursion', anchor: true, opsPerCall: returns.length, fn: () => {
      let h = garchFit.nextVariance;
      for (let t = 0; t < returns.length; t++) h = garchUpdate(gp, h, returns[t]!);
      sink(h);
    } },
    ...backends.map(([name, m]) => {
      const f = m.garchFilterNew({ kind: 'garch' }, garchFit.params, garchFit.nextVariance);
      return { name: `${name} Garch.update`, opsPerCall: returns.length, fn: () => {
        let h = 0;
        for (let t = 0; t < returns.length; t++) h = m.garchFilterUpdate(f, returns[t]!);
        sink(h);
      } };
    }),
    ...backends.map(([name, m]) => {
      const f = m.garchFilterNew({ kind: 'garch' }, garchFit.params, garchFit.nextVariance);
      return { name: `${name} Garch.updateMany (one call)`, opsPerCall: returns.length, fn: () => sink(m.garchFilterUpdateMany(f, returns)[returns.length - 1]!) };
    }),
  ])),
  ...(await runGroup('wasm: GARCH(1,1) 10-step variance forecast (per call)', [
    { name: 'plain JS recursion', anchor: true, opsPerCall: 100, fn: () => {
      for (let i = 0; i < 100; i++) sink(garchForecast(gp, garchFit.nextVariance, 10)[9]!);
    } },
    ...backends.map(([name, m]) => {
      const f = m.garchFilterNew({ kind: 'garch' }, garchFit.params, garchFit.nextVariance);
      return { name: `${name} Garch.forecast`, opsPerCall: 100, fn: () => {
        for (let i = 0; i < 100; i++) sink(m.garchFilterForecast(f, 10)[9]!);
      } };
    }),
  ])),
  ...(await runGroup(`wasm: GARCH(1,1) maximum-likelihood fit, ${returns.length} returns (per fit)`, [
    ...backends.map(([name, m], i) => ({ name: `${name} Garch11.fit`, anchor: i === 0, opsPerCall: 1, fn: () => sink(m.garchFit(returns, { kind: 'garch' }, { stdErrors: false }).loglik) })),
  ])),
  ...(await runGroup('wasm: Monte Carlo VaR, 3 assets × 20,000 paths (per call)', [
    ...backends.map(([name, m], i) => ({ name: `${name} varPortfolioMonteCarlo`, anchor: i === 0, opsPerCall: 1, fn: () => sink(m.varPortfolioMonteCarlo(book, 0.99, { paths: 20_000, seed: 3 }).var) })),
  ])),
);

writeResults(import.meta.url, rows);
if (sunk === 42) console.log('');
