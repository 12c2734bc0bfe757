/**
 * Backtest replay through the public API, per bar: the EMA-cross strategy (10/30, 10 bps,
 * next-open fills) on 200,000 seeded synthetic one-minute bars,
 * - as a TypeScript strategy object (the lock-step runner: the Rust session processes records
 *   in batches, a call per order, never per bar), and
 * - as configuration of the Rust loop (no JavaScript call per bar),
 * beside a plain-JavaScript loop doing the same job with float money (the anchor).
 * Floors (bench/baseline.json): TypeScript ≥ 1M events/s, Rust ≥ 5M events/s.
 * Run: `npm run bench -- --filter backtest` or `npx tsx bench/backtest.bench.ts`.
 */
import { emaCross, loadConfig, RecordView, runBacktest, syntheticData } from '../ts/src/index.js';
import { runGroup, writeResults } from './lib.js';

const N = 200_000;
const config = loadConfig({ env: null, object: { execution: { takerFeeBps: 10 } } });
const data = syntheticData(N, { seed: 1 });
const native = { ...config, strategy: { kind: 'ema-cross-native' as const, params: { fast: 10, slow: 30, qty: '0.01' } } };

/** The anchor: the same rule and fill convention, plain JS, float cash, no Tachyon. */
function plainJs(): number {
  const v = new RecordView(data.records);
  const aF = 2 / 11;
  const aS = 2 / 31;
  let f = 0;
  let s = 0;
  let sf = 0;
  let ss = 0;
  let prev = Number.NaN;
  let pos = 0;
  let cash = 100_000;
  let pending = 0;
  let last = 0;
  for (let i = 0; i < v.length; i++) {
    const open = v.a(i) / 100;
    const close = v.d(i) / 100;
    if (pending !== 0) {
      cash -= pending * open + Math.abs(pending * open) * 0.001;
      pos += pending;
      pending = 0;
    }
    const n = i + 1;
    if (n <= 10) f = (sf += close) / n;
    else f += aF * (close - f);
    if (n <= 30) s = (ss += close) / n;
    else s += aS * (close - s);
    const d = n >= 30 ? f - s : Number.NaN;
    if (Number.isFinite(d) && Number.isFinite(prev)) {
      if (prev <= 0 && d > 0) pending = 0.01 - pos;
      else if (prev >= 0 && d < 0) pending = 0 - pos;
    }
    prev = d;
    last = cash + pos * close;
  }
  return last;
}

let sink = 0;
const rows = await runGroup(`backtest replay: ${N.toLocaleString('en-US')} bars, EMA cross (10,30) (per bar)`, [
  { name: 'plain JS loop, float money (same rule)', anchor: true, opsPerCall: N, fn: () => void (sink += plainJs()) },
  {
    name: 'tachyon TypeScript strategy (runner + Rust session)',
    opsPerCall: N,
    fn: () => {
      void runBacktest({ config, data, strategy: emaCross({ fast: 10, slow: 30, qty: '0.01' }) }).then((r) => (sink += r.stats.fills));
    },
  },
]);
// the Rust loop runs on a worker thread (AsyncTask); time it as a promise
const t0 = performance.now();
let runs = 0;
const times: number[] = [];
while (performance.now() - t0 < (process.env.TACHYON_BENCH_QUICK === '1' ? 1500 : 6000)) {
  const a = performance.now();
  const r = await runBacktest({ config: native, data });
  times.push(((performance.now() - a) * 1e6) / N);
  sink += r.stats.fills;
  runs++;
}
times.sort((x, y) => x - y);
const pct = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
const rust = {
  group: rows[0]?.group ?? 'backtest',
  name: 'tachyon Rust loop (strategy as configuration)',
  anchor: false,
  p50_ns: pct(0.5),
  p99_ns: pct(0.99),
  p999_ns: pct(0.999),
  mean_ns: times.reduce((x, y) => x + y, 0) / times.length,
  min_ns: times[0]!,
  ops_per_sec: 1e9 / pct(0.5),
  samples: runs,
  batch: N,
};
console.log(`  ${rust.name.padEnd(44)} p50 ${rust.p50_ns.toFixed(1)} ns  min ${rust.min_ns.toFixed(1)} ns  ${(rust.ops_per_sec / 1e6).toFixed(1)} M/s (${runs} runs)`);
writeResults(import.meta.url, [...rows, rust]);
if (sink === 42) console.log('');
