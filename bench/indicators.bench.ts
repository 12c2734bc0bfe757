/**
 * Indicator benches through the N-API boundary, beside the JS anchors `trading-signals` (8.x,
 * its number-based classes) and `technicalindicators` (3.x), on the same real bars (TTR's
 * `ttrc`, 2500 daily bars, from crates/indicators/tests/fixtures) in the same run.
 *
 * Cases, for EMA(20), RSI(14), ATR(14), ADX(14), Bollinger(20, 2):
 * - `tachyon batch`: one `batch()` call over all 2500 bars (a fresh object per call);
 * - `tachyon update`: one N-API `update()` call per bar;
 * - `trading-signals`: one `update()` per bar on a fresh object;
 * - `technicalindicators`: its batch form `X.calculate({...})` over all bars.
 * Each task processes the whole series; the table reports ns **per bar** (p50, p99, p99.9 of
 * the per-series samples divided by 2500) and the anchor ÷ tachyon-batch ratio.
 *
 * Plus the bank: 1000 instruments × EMA+RSI+ATR+ADX+Bollinger, one `update()` per bar time,
 * beside 5000 trading-signals objects updated in a loop.
 *
 *   npx tsx bench/indicators.bench.ts            (or through `npm run bench` once the harness lands)
 *   npx tsx bench/indicators.bench.ts --quick
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { Adx, Atr, Bollinger, Ema, IndicatorBank, Rsi } from '../ts/src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lines = readFileSync(join(root, 'crates/indicators/tests/fixtures/bars_ttrc.csv'), 'utf8').trim().split('\n').slice(1);
const col = (k: number) => Float64Array.from(lines, (l) => Number(l.split(',')[k]));
const high = col(2);
const low = col(3);
const close = col(4);
const L = close.length;
const hArr = Array.from(high);
const lArr = Array.from(low);
const cArr = Array.from(close);
const candles = cArr.map((c, i) => ({ high: hArr[i]!, low: lArr[i]!, close: c }));

export interface Row {
  indicator: string;
  impl: string;
  p50: number;
  p99: number;
  p999: number;
  ratio?: number;
}

function perBar(task: { result: unknown }, per: number): { p50: number; p99: number; p999: number } {
  const r = task.result as { latency?: { p50?: number; p99?: number; p999?: number } };
  const ms = r.latency ?? {};
  const ns = (x?: number) => ((x ?? Number.NaN) * 1e6) / per;
  return { p50: ns(ms.p50), p99: ns(ms.p99), p999: ns(ms.p999) };
}

export async function run(quick = false): Promise<Row[]> {
  const time = quick ? 200 : 1000;
  const cases: [string, Record<string, () => unknown>][] = [
    [
      'EMA(20)',
      {
        'tachyon batch': () => new Ema({ period: 20 }).batch(close),
        'tachyon update': () => {
          const e = new Ema({ period: 20 });
          for (let t = 0; t < L; t++) e.update(close[t]!);
        },
        'trading-signals': () => {
          const e = new TS.EMA(20);
          for (let t = 0; t < L; t++) e.update(cArr[t]!);
        },
        technicalindicators: () => TI.EMA.calculate({ period: 20, values: cArr }),
      },
    ],
    [
      'RSI(14)',
      {
        'tachyon batch': () => new Rsi({ period: 14 }).batch(close),
        'tachyon update': () => {
          const e = new Rsi({ period: 14 });
          for (let t = 0; t < L; t++) e.update(close[t]!);
        },
        'trading-signals': () => {
          const e = new TS.RSI(14);
          for (let t = 0; t < L; t++) e.update(cArr[t]!);
        },
        technicalindicators: () => TI.RSI.calculate({ period: 14, values: cArr }),
      },
    ],
    [
      'ATR(14)',
      {
        'tachyon batch': () => new Atr({ period: 14 }).batch(high, low, close),
        'tachyon update': () => {
          const e = new Atr({ period: 14 });
          for (let t = 0; t < L; t++) e.update(high[t]!, low[t]!, close[t]!);
        },
        'trading-signals': () => {
          const e = new TS.ATR(14);
          for (let t = 0; t < L; t++) e.update(candles[t]!);
        },
        technicalindicators: () => TI.ATR.calculate({ period: 14, high: hArr, low: lArr, close: cArr }),
      },
    ],
    [
      'ADX(14)',
      {
        'tachyon batch': () => new Adx({ period: 14 }).batch(high, low, close),
        'tachyon update': () => {
          const e = new Adx({ period: 14 });
          for (let t = 0; t < L; t++) e.update(high[t]!, low[t]!, close[t]!);
        },
        'trading-signals': () => {
          const e = new TS.ADX(14);
          for (let t = 0; t < L; t++) e.update(candles[t]!);
        },
        technicalindicators: () => TI.ADX.calculate({ period: 14, high: hArr, low: lArr, close: cArr }),
      },
    ],
    [
      'Bollinger(20,2)',
      {
        'tachyon batch': () => new Bollinger({ period: 20, stdDev: 2 }).batch(close),
        'tachyon update': () => {
          const e = new Bollinger({ period: 20, stdDev: 2 });
          for (let t = 0; t < L; t++) e.update(close[t]!);
        },
        'trading-signals': () => {
          const e = new TS.BollingerBands(20, 2);
          for (let t = 0; t < L; t++) e.update(cArr[t]!);
        },
        technicalindicators: () => TI.BollingerBands.calculate({ period: 20, stdDev: 2, values: cArr }),
      },
    ],
  ];
  const rows: Row[] = [];
  for (const [name, impls] of cases) {
    const bench = new Bench({ time, warmupTime: quick ? 50 : 200 });
    for (const [impl, fn] of Object.entries(impls)) bench.add(impl, fn);
    await bench.run();
    const base = perBar(bench.getTask('tachyon batch')!, L).p50;
    for (const t of bench.tasks) {
      const s = perBar(t, L);
      rows.push({ indicator: name, impl: t.name, ...s, ratio: s.p50 / base });
    }
  }

  // The bank: N instruments per call.
  const N = 1000;
  const bank = new IndicatorBank({
    instruments: N,
    indicators: [{ kind: 'ema', period: 20 }, { kind: 'rsi' }, { kind: 'atr' }, { kind: 'adx' }, { kind: 'bollinger' }],
  });
  const tsObjs = Array.from({ length: N }, () => ({
    ema: new TS.EMA(20),
    rsi: new TS.RSI(14),
    atr: new TS.ATR(14),
    adx: new TS.ADX(14),
    bb: new TS.BollingerBands(20, 2),
  }));
  let t = 0;
  let u = 0;
  const bench = new Bench({ time, warmupTime: quick ? 50 : 200 });
  bench.add('tachyon IndicatorBank.update', () => {
    t = (t + 1) % L;
    for (let i = 0; i < N; i++) {
      const k = (t + 7 * i) % L;
      bank.high[i] = high[k]!;
      bank.low[i] = low[k]!;
      bank.close[i] = close[k]!;
    }
    bank.update();
  });
  bench.add('trading-signals (5 objects per instrument)', () => {
    u = (u + 1) % L;
    for (let i = 0; i < N; i++) {
      const k = (u + 7 * i) % L;
      const o = tsObjs[i]!;
      const c = candles[k]!;
      o.ema.update(c.close);
      o.rsi.update(c.close);
      o.atr.update(c);
      o.adx.update(c);
      o.bb.update(c.close);
    }
  });
  await bench.run();
  const per = N * 5;
  const base = perBar(bench.tasks[0]!, per).p50;
  for (const task of bench.tasks) {
    const s = perBar(task, per);
    rows.push({ indicator: `bank ${N}×5`, impl: task.name, ...s, ratio: s.p50 / base });
  }
  return rows;
}

function print(rows: Row[]): void {
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  console.log('indicator        impl                                         ns/bar p50    p99  p99.9  ×batch');
  for (const r of rows)
    console.log(
      `${r.indicator.padEnd(16)} ${r.impl.padEnd(44)} ${f(r.p50).padStart(10)} ${f(r.p99).padStart(6)} ${f(r.p999).padStart(6)} ${(r.ratio ?? 1).toFixed(1).padStart(7)}`,
    );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  print(await run(process.argv.includes('--quick')));
}
