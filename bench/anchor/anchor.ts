/**
 * The side-by-side anchor: the same EMA-cross strategy on the same bars in Tachyon (TypeScript
 * strategy and Rust loop) and in backtrader (and nautilus-trader when installed), in one run.
 * Checks that fills and P&L agree under the shared conventions (next-open market fills, no
 * slippage, percentage commission, SMA-seeded EMAs; see BENCHMARKS.md) and prints throughput.
 *
 *   npx tsx bench/anchor/anchor.ts [--bars 100000] [--fast 10] [--slow 30] [--fee-bps 10]
 *
 * Needs Python 3 with `backtrader` (and optionally `nautilus_trader`): `pip install backtrader
 * nautilus-trader`. Writes bench/results/anchor.json. Not part of `npm test` (tests never need
 * Python).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emaCross, loadConfig, runBacktest, syntheticData } from '../../ts/src/index.js';
import { writeCsv } from '../../ts/src/data/export.js';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const BARS = arg('bars', 100_000);
const FAST = arg('fast', 10);
const SLOW = arg('slow', 30);
const FEE = arg('fee-bps', 10);
const QTY = '0.01';

const results = join(here, '..', 'results');
mkdirSync(results, { recursive: true });
const csv = join(results, `anchor-bars-${BARS}.csv`);
const inst = { symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' };
const data = syntheticData(BARS, { seed: 20240601, ...inst, startPrice: 42000, sigma: 0.6, barMs: 60_000, startMs: Date.UTC(2024, 0, 1), meanVolume: '100000' }); // ample volume: Nautilus fills against bar liquidity
await writeCsv(csv, 'ohlcv', data.records, [inst]);

const config = loadConfig({
  env: null,
  object: {
    instruments: [{ ...inst, minNotional: '0' }],
    account: { initialCash: '1000000000' },
    data: { source: 'csv', path: csv },
    execution: { fillAt: 'next-open', takerFeeBps: FEE, makerFeeBps: FEE, slippageBps: 0 },
    strategy: { kind: 'ema-cross', params: { fast: FAST, slow: SLOW, qty: QTY, longShort: true } },
  },
});

interface Fill {
  ts: number;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  fee: number;
}
interface EngineResult {
  engine: string;
  bars: number;
  fills: Fill[];
  pnl: number;
  fees: number;
  seconds: number;
  barsPerSec: number;
}

async function tachyon(kind: 'ema-cross' | 'ema-cross-native', fillAt: 'next-open' | 'close' = 'next-open'): Promise<EngineResult> {
  const c = { ...config, strategy: { ...config.strategy, kind }, execution: { ...config.execution, fillAt } };
  // best of 3 (the host is shared)
  let best: EngineResult | undefined;
  for (let k = 0; k < 3; k++) {
    const r = await runBacktest({ config: c, data, ...(kind === 'ema-cross' ? { strategy: emaCross(c.strategy.params) } : {}) });
    const pnl = Number(r.account.equity) - 1e9;
    const e: EngineResult = {
      engine: `${kind === 'ema-cross' ? 'tachyon (TypeScript strategy)' : 'tachyon (Rust loop)'}${fillAt === 'close' ? ', fill at close' : ''}`,
      bars: r.data.accepted,
      fills: r.fills.map((f) => ({ ts: f.ts, side: f.side, price: Number(f.price), qty: Number(f.qty), fee: Number(f.fee) })),
      pnl,
      fees: r.metrics.fees,
      seconds: r.timing.seconds,
      barsPerSec: r.timing.eventsPerSec,
    };
    if (!best || e.seconds < best.seconds) best = e;
  }
  return best!;
}

function python(script: string): EngineResult | null {
  const r = spawnSync('python3', [join(here, script), csv, String(FAST), String(SLOW), QTY, String(FEE), '1'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) {
    console.log(`  ${script}: not run (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`);
    return null;
  }
  const o = JSON.parse(r.stdout) as { engine: string; bars: number; fills: Fill[]; pnl: number; fees: number; seconds: number; bars_per_sec: number };
  return { engine: o.engine, bars: o.bars, fills: o.fills, pnl: o.pnl, fees: o.fees, seconds: o.seconds, barsPerSec: o.bars_per_sec };
}

function compare(a: EngineResult, b: EngineResult) {
  const n = Math.min(a.fills.length, b.fills.length);
  let firstDiff = -1;
  let maxPx = 0;
  let maxFee = 0;
  for (let i = 0; i < n; i++) {
    const x = a.fills[i]!;
    const y = b.fills[i]!;
    const same = x.ts === y.ts && x.side === y.side && Math.abs(x.qty - y.qty) < 1e-12 && Math.abs(x.price - y.price) <= 1e-9 * x.price;
    if (!same && firstDiff < 0) firstDiff = i;
    maxPx = Math.max(maxPx, Math.abs(x.price - y.price));
    maxFee = Math.max(maxFee, Math.abs(x.fee - y.fee));
  }
  if (firstDiff >= 0 && process.env.ANCHOR_DEBUG) console.log(JSON.stringify({ a: a.fills.slice(firstDiff - 1, firstDiff + 3), b: b.fills.slice(firstDiff - 1, firstDiff + 3) }));
  return {
    fills: [a.fills.length, b.fills.length],
    identical: firstDiff < 0 && a.fills.length === b.fills.length,
    firstDifference: firstDiff,
    maxPriceDiff: maxPx,
    maxFeeDiff: maxFee,
    pnl: [a.pnl, b.pnl],
    pnlDiff: Math.abs(a.pnl - b.pnl),
  };
}

console.log(`anchor: EMA cross (${FAST},${SLOW}), long-short ${QTY} BTC, ${FEE} bps, next-open fills, ${BARS.toLocaleString('en-US')} seeded synthetic 1-min bars`);
const ts = await tachyon('ema-cross');
const rs = await tachyon('ema-cross-native');
const bt = python('ema_cross_backtrader.py');
const nt = python('ema_cross_nautilus.py');
// Nautilus hands a bar to the strategy after replaying its prices, so a market order fills at
// that bar's close (Tachyon's `fillAt: close`); its fill time is the bar's close time
// (open + 59.999 s), mapped back to the bar's open time here.
if (nt) for (const f of nt.fills) f.ts -= 59_999;
const rsClose = nt ? await tachyon('ema-cross-native', 'close') : null;
const engines = [rs, ts, bt, nt].filter((e): e is EngineResult => e !== null);
console.log('\nthroughput (same machine, same run; Tachyon best of 3, Python engines one run):');
for (const e of engines) console.log(`  ${e.engine.padEnd(34)} ${Math.round(e.barsPerSec).toLocaleString('en-US').padStart(12)} bars/s  (${e.seconds.toFixed(3)} s, ${e.fills.length} fills)`);
const checks: Record<string, ReturnType<typeof compare>> = {};
checks['tachyon TS vs Rust'] = compare(ts, rs);
if (bt) checks['tachyon vs backtrader'] = compare(rs, bt);
if (nt && rsClose) checks['tachyon (close) vs nautilus'] = compare(rsClose, nt);
console.log('\nagreement:');
for (const [k, c] of Object.entries(checks))
  console.log(
    `  ${k.padEnd(24)} fills ${c.fills.join(' / ')}, ${c.identical ? 'identical (time, side, qty, price)' : `first difference at fill ${c.firstDifference}`}; ` +
      `max fee diff ${c.maxFeeDiff.toExponential(2)}, P&L ${c.pnl.map((p) => p.toFixed(6)).join(' / ')} (diff ${c.pnlDiff.toExponential(2)})`,
  );
writeFileSync(join(results, 'anchor.json'), JSON.stringify({ bars: BARS, fast: FAST, slow: SLOW, feeBps: FEE, engines: engines.map(({ fills, ...e }) => ({ ...e, fills: fills.length })), checks }, null, 2));
const ok = Object.values(checks).every((c) => c.identical && c.maxFeeDiff <= 1e-7 && c.pnlDiff <= 1e-7 * c.fills[0]! + 1e-6);
if (!ok) process.exitCode = 1;
