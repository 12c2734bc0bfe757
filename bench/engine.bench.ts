/**
 * Boundary benches of the engine area through N-API, beside plain-JS anchors doing the same job.
 *
 *   npx tsx bench/engine.bench.ts            (add --quick for a short run)
 *
 * Each tinybench iteration runs a group of `K` calls; the figures are per call (group time / K),
 * so p99 is the p99 of K-call averages. Anchors: a plain-JS decision loop with the same
 * clamps/weights/thresholds (single row and a batch of 1,000), and for the risk check the object
 * form of `check()` beside the mantissa fast path.
 */
import { Bench } from 'tinybench';
import { DecisionEngine, RiskEngine, type StrategyOptions } from '../ts/src/index.js';
import { native } from '../ts/src/native.js';

const quick = process.argv.includes('--quick');
const K = 100;
const NF = 16;
const ROWS = 1000;

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
const rowsView = Array.from({ length: ROWS }, (_, i) => feats.subarray(i * NF, (i + 1) * NF));

// Plain-JS anchor: the same model (clamp, weighted sum, score clamp, thresholds, NaN → hold).
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
const batchOut = engine.decideBatch(feats);
const jsOut = new Uint8Array(ROWS);
for (let i = 0; i < ROWS; i++) jsOut[i] = jsDecide(feats, i * NF);
if (jsOut.some((a, i) => a !== batchOut.actions[i])) throw new Error('anchor and engine disagree');

const risk = new RiskEngine({
  venues: [{ name: 'sim' }],
  instruments: Array.from({ length: 10 }, (_, i) => ({
    symbol: `S${i}`,
    tickSize: '0.01',
    lotSize: '0.001',
    minNotional: '5',
    venue: 'sim',
  })),
  limits: { maxOrders: 1_000_000, rateWindowMs: 1 },
});
risk.setEquity('10000000');
let t = 1_000_000_000;

let sink = 0;
let k = 0;
const bench = new Bench({ time: quick ? 300 : 2000, warmupTime: quick ? 50 : 300 });
bench
  .add(`decision single (${NF} features): native decideAction ×${K}`, () => {
    for (let i = 0; i < K; i++) sink += engine.decideAction(rowsView[(k = (k + 1) % ROWS)]!);
  })
  .add(`decision single (${NF} features): native decideRow (staged) ×${K}`, () => {
    const row = engine.row;
    for (let i = 0; i < K; i++) {
      row.set(rowsView[(k = (k + 1) % ROWS)]!);
      sink += engine.decideRow();
    }
  })
  .add(`decision single (${NF} features): native decide() object ×${K}`, () => {
    for (let i = 0; i < K; i++) sink += engine.decide(rowsView[(k = (k + 1) % ROWS)]!).score;
  })
  .add(`decision single (${NF} features): plain JS anchor ×${K}`, () => {
    for (let i = 0; i < K; i++) sink += jsDecide(feats, (k = (k + 1) % ROWS) * NF);
  })
  .add(`decision batch ${ROWS}×${NF}: native decideBatch`, () => {
    engine.decideBatch(feats, batchOut);
  })
  .add(`decision batch ${ROWS}×${NF}: plain JS anchor`, () => {
    for (let i = 0; i < ROWS; i++) jsOut[i] = jsDecide(feats, i * NF);
  })
  .add(`risk check: checkMantissa ×${K}`, () => {
    for (let i = 0; i < K; i++) sink += risk.checkMantissa(i % 10, true, 100_000, 500, (t += 1000));
  })
  .add(`risk check: check({…}) object form ×${K}`, () => {
    for (let i = 0; i < K; i++)
      sink += risk.check({ instrument: i % 10, side: 'buy', price: '1000.00', qty: '0.5' }, (t += 1000)).ok ? 1 : 0;
  })
  .add(`N-API noop() ×${K} (boundary floor)`, () => {
    for (let i = 0; i < K; i++) native.noop();
  })
  .add(`control mode getter ×${K}`, () => {
    for (let i = 0; i < K; i++) sink += risk.mode.length;
  });

await bench.run();
const per = (name: string, ms: number) => (name.includes(`×${K}`) ? (ms * 1e6) / K : ms * 1e6);
console.log('| case | p50 ns/call | p99 ns/call | p99.9 ns/call | mean ns/call |');
console.log('|---|---|---|---|---|');
for (const task of bench.tasks) {
  const res = task.result;
  if (!res || res.state !== 'completed') continue;
  const l = res.latency;
  const f = (v: number) => per(task.name, v).toFixed(1);
  console.log(`| ${task.name} | ${f(l.p50)} | ${f(l.p99)} | ${f(l.p999)} | ${f(l.mean)} |`);
}
if (risk.counters().approved !== risk.counters().checked) throw new Error('bench orders must all pass');
if (sink === 42) console.log('');
