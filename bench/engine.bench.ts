/**
 * Engine area through N-API, beside plain-JS anchors doing the same job.
 * Run: `npm run bench -- --filter decision` or `npx tsx bench/engine.bench.ts`.
 *
 * - decision, one instrument: the staged zero-array call (`engine.row.set(x); decideRow()`),
 *   the call passing the row (`decideAction(x)`), the object-returning `decide(x)`, and a plain
 *   JS loop with the same clamps, weights and thresholds (the anchor);
 * - decision, batch of 1,000: `decideBatch` vs the JS loop over all rows;
 * - risk check: the mantissa fast path and the object form (anchor: the JS-side work of
 *   building the object alone is not separable, so the anchor is the object form);
 * - control mode read through N-API.
 */
import { DecisionEngine, RiskEngine, type StrategyOptions } from '../ts/src/index.js';
import { runGroup, writeResults, type JsRow } from './lib.js';

const N = 1000;
const NF = 16;
const ROWS = 1000;
const rows: JsRow[] = [];
let sink = 0;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 8 - 4;
}
const r = rng(7);
const opts: StrategyOptions = {
  weights: Array.from({ length: NF }, () => r() / 4),
  bias: 0.1,
  featureMin: Array.from({ length: NF }, () => -3),
  featureMax: Array.from({ length: NF }, () => 3),
  scoreCap: 10,
  buyThreshold: 1.5,
  sellThreshold: 1.5,
};
const feats = Float64Array.from({ length: NF * ROWS }, rng(42));
const rowViews = Array.from({ length: ROWS }, (_, i) => feats.subarray(i * NF, (i + 1) * NF));

// The anchor: the same model in plain JS (clamp, weighted sum, score clamp, thresholds, NaN → hold).
const w = Float64Array.from(opts.weights);
const lo = Float64Array.from(opts.featureMin!);
const hi = Float64Array.from(opts.featureMax!);
function jsDecide(x: Float64Array, off: number): number {
  let s = 0;
  for (let f = 0; f < NF; f++) {
    const v = x[off + f]!;
    if (v !== v || v === Infinity || v === -Infinity) return 0;
    s += w[f]! * (v < lo[f]! ? lo[f]! : v > hi[f]! ? hi[f]! : v);
  }
  s += 0.1;
  s = s < -10 ? -10 : s > 10 ? 10 : s;
  return s >= 1.5 ? 1 : s <= -1.5 ? 2 : 0;
}

const engine = new DecisionEngine(opts);
const batch = engine.decideBatch(feats);
const jsOut = new Uint8Array(ROWS);
for (let i = 0; i < ROWS; i++) jsOut[i] = jsDecide(feats, i * NF);
if (jsOut.some((a, i) => a !== batch.actions[i])) throw new Error('the JS anchor and the engine disagree');

let k = 0;
rows.push(
  ...(await runGroup('decision through N-API: one instrument, 16 features (per call)', [
    { name: 'plain JS, same model', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += jsDecide(feats, (k = (k + 1) % ROWS) * NF); } },
    { name: 'row.set(x) + decideRow() (staged)', opsPerCall: N, fn: () => { const row = engine.row; for (let i = 0; i < N; i++) { row.set(rowViews[(k = (k + 1) % ROWS)]!); sink += engine.decideRow(); } } },
    { name: 'decideAction(x) (row passed)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += engine.decideAction(rowViews[(k = (k + 1) % ROWS)]!); } },
    { name: 'decide(x) → object', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += engine.decide(rowViews[(k = (k + 1) % ROWS)]!).score; } },
  ])),
);
rows.push(
  ...(await runGroup('decision through N-API: batch of 1,000 × 16 (per decision)', [
    { name: 'plain JS, same model', anchor: true, opsPerCall: ROWS, fn: () => { for (let i = 0; i < ROWS; i++) jsOut[i] = jsDecide(feats, i * NF); } },
    { name: 'decideBatch(features, out)', opsPerCall: ROWS, fn: () => { engine.decideBatch(feats, batch); } },
  ])),
);

const risk = new RiskEngine({
  venues: [{ name: 'sim' }],
  instruments: Array.from({ length: 10 }, (_, i) => ({ symbol: `S${i}`, tickSize: '0.01', lotSize: '0.001', minNotional: '5', venue: 'sim' })),
  limits: { maxOrders: 1_000_000, rateWindowMs: 1 },
});
risk.setEquity('10000000');
let t = 1_000_000_000;
rows.push(
  ...(await runGroup('risk check through N-API (per call)', [
    { name: "check({ instrument, side, price: '1000.00', qty: '0.5' })", anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += risk.check({ instrument: i % 10, side: 'buy', price: '1000.00', qty: '0.5' }, (t += 1000)).ok ? 1 : 0; } },
    { name: 'checkMantissa(i, buy, 100000, 500)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += risk.checkMantissa(i % 10, true, 100_000, 500, (t += 1000)); } },
  ])),
);
const c = risk.counters();
if (c.approved !== c.checked) throw new Error('bench orders must all be approved');
const obj = { mode: 'normal' as string };
rows.push(
  ...(await runGroup('control mode read through N-API (per call)', [
    { name: 'JS property read', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += obj.mode.length; } },
    { name: 'risk.mode', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += risk.mode.length; } },
  ])),
);
if (sink === 42) console.log('');
writeResults(import.meta.url, rows);
