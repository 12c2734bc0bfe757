/**
 * Indicator benches through the N-API boundary, beside the JS anchors `trading-signals` (8.x,
 * its number-based classes) and `technicalindicators` (3.x), on the same real bars (TTR's
 * `ttrc`, 2500 daily bars, from crates/indicators/tests/fixtures) in the same run.
 *
 * Cases, for EMA(20), RSI(14), ATR(14), ADX(14), Bollinger(20, 2), each over the whole series:
 * trading-signals `update()` per bar on a fresh object (the anchor), technicalindicators'
 * batch form `X.calculate({...})`, and tachyon's `batch()` in its two forms — on a fresh
 * object returning a new array (construction included), and on a reused object (`reset()`
 * first, so it seeds again like the others) writing into a caller's buffer, the form for
 * repeated batches. Each is one N-API call for all bars. Figures are per bar (sample
 * latency ÷ 2500; tails are per series).
 *
 * Plus the bank: 1000 instruments × EMA+RSI+ATR+ADX+Bollinger, one `update()` per bar time,
 * beside 5000 trading-signals objects updated in a loop.
 *
 *   npm run bench -- --js-only --filter bars      or      npx tsx bench/indicators.bench.ts
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';
import { Adx, Atr, Bollinger, Ema, IndicatorBank, Rsi } from '../ts/src/index.js';
import { runGroup, writeResults, type JsRow } from './lib.js';

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

// Reused objects and output buffers for the allocation-free form.
const reused = {
  ema: new Ema({ period: 20 }),
  rsi: new Rsi({ period: 14 }),
  atr: new Atr({ period: 14 }),
  adx: new Adx({ period: 14 }),
  bb: new Bollinger({ period: 20, stdDev: 2 }),
};
const out1 = new Float64Array(L);
const out4 = new Float64Array(4 * L);

const rows: JsRow[] = [];
type Impl = [name: string, fn: () => unknown, anchor?: boolean];
function group(indicator: string, impls: Impl[]): Promise<JsRow[]> {
  return runGroup(
    `${indicator} over ${L} real bars (per bar)`,
    impls.map(([name, fn, anchor]) => ({ name, anchor: anchor ?? false, opsPerCall: L, fn: () => void fn() })),
  );
}

rows.push(
  ...(await group('EMA(20)', [
    ['trading-signals EMA.update', () => {
      const e = new TS.EMA(20);
      for (let t = 0; t < L; t++) e.update(cArr[t]!, false);
    }, true],
    ['technicalindicators EMA.calculate', () => TI.EMA.calculate({ period: 20, values: cArr })],
    ['tachyon Ema.batch (one N-API call)', () => new Ema({ period: 20 }).batch(close)],
    ['tachyon Ema.batch into a buffer (reused object)', () => {
      reused.ema.reset();
      reused.ema.batch(close, out1);
    }],
    ['tachyon Ema.update (one N-API call per bar)', () => {
      const e = new Ema({ period: 20 });
      for (let t = 0; t < L; t++) e.update(close[t]!);
    }],
  ])),
  ...(await group('RSI(14)', [
    ['trading-signals RSI.update', () => {
      const e = new TS.RSI(14);
      for (let t = 0; t < L; t++) e.update(cArr[t]!, false);
    }, true],
    ['technicalindicators RSI.calculate', () => TI.RSI.calculate({ period: 14, values: cArr })],
    ['tachyon Rsi.batch', () => new Rsi({ period: 14 }).batch(close)],
    ['tachyon Rsi.batch into a buffer (reused object)', () => {
      reused.rsi.reset();
      reused.rsi.batch(close, out1);
    }],
  ])),
  ...(await group('ATR(14)', [
    ['trading-signals ATR.update', () => {
      const e = new TS.ATR(14);
      for (let t = 0; t < L; t++) e.update(candles[t]!, false);
    }, true],
    ['technicalindicators ATR.calculate', () => TI.ATR.calculate({ period: 14, high: hArr, low: lArr, close: cArr })],
    ['tachyon Atr.batch', () => new Atr({ period: 14 }).batch(high, low, close)],
    ['tachyon Atr.batch into a buffer (reused object)', () => {
      reused.atr.reset();
      reused.atr.batch(high, low, close, undefined, out1);
    }],
  ])),
  ...(await group('ADX(14)', [
    ['trading-signals ADX.update', () => {
      const e = new TS.ADX(14);
      for (let t = 0; t < L; t++) e.update(candles[t]!, false);
    }, true],
    ['technicalindicators ADX.calculate', () => TI.ADX.calculate({ period: 14, high: hArr, low: lArr, close: cArr })],
    ['tachyon Adx.batch', () => new Adx({ period: 14 }).batch(high, low, close)],
    ['tachyon Adx.batch into a buffer (reused object)', () => {
      reused.adx.reset();
      reused.adx.batch(high, low, close, undefined, out4);
    }],
    ['tachyon Adx.update (object result per bar)', () => {
      const e = new Adx({ period: 14 });
      for (let t = 0; t < L; t++) e.update(high[t]!, low[t]!, close[t]!);
    }],
  ])),
  ...(await group('Bollinger(20,2)', [
    ['trading-signals BollingerBands.update', () => {
      const e = new TS.BollingerBands(20, 2);
      for (let t = 0; t < L; t++) e.update(cArr[t]!, false);
    }, true],
    ['technicalindicators BollingerBands.calculate', () => TI.BollingerBands.calculate({ period: 20, stdDev: 2, values: cArr })],
    ['tachyon Bollinger.batch', () => new Bollinger({ period: 20, stdDev: 2 }).batch(close)],
    ['tachyon Bollinger.batch into a buffer (reused object)', () => {
      reused.bb.reset();
      reused.bb.batch(close, out4);
    }],
  ])),
);

// The bank: N instruments per call, beside one trading-signals object per
// (instrument, indicator) updated in a loop. Objects are rebuilt every 200 calls on both sides,
// so neither accumulates unbounded history.
const N = 1000;
const specs = [{ kind: 'ema', period: 20 }, { kind: 'rsi' }, { kind: 'atr' }, { kind: 'adx' }, { kind: 'bollinger' }] as const;
let bank = new IndicatorBank({ instruments: N, indicators: [...specs] });
const freshTs = () =>
  Array.from({ length: N }, () => ({ ema: new TS.EMA(20), rsi: new TS.RSI(14), atr: new TS.ATR(14), adx: new TS.ADX(14), bb: new TS.BollingerBands(20, 2) }));
let tsObjs = freshTs();
let t = 0;
let u = 0;
rows.push(
  ...(await runGroup(`bank: ${N} instruments × EMA+RSI+ATR+ADX+Bollinger (per instrument-indicator)`, [
    {
      name: 'trading-signals, 5 objects per instrument',
      anchor: true,
      opsPerCall: N * 5,
      fn: () => {
        if (++u % 200 === 0) tsObjs = freshTs();
        for (let i = 0; i < N; i++) {
          const c = candles[(u + 7 * i) % L]!;
          const o = tsObjs[i]!;
          o.ema.update(c.close, false);
          o.rsi.update(c.close, false);
          o.atr.update(c, false);
          o.adx.update(c, false);
          o.bb.update(c.close, false);
        }
      },
    },
    {
      name: 'tachyon IndicatorBank.update (fill inputs + 1 call)',
      opsPerCall: N * 5,
      fn: () => {
        if (++t % 200 === 0) bank = new IndicatorBank({ instruments: N, indicators: [...specs] });
        for (let i = 0; i < N; i++) {
          const k = (t + 7 * i) % L;
          bank.high[i] = high[k]!;
          bank.low[i] = low[k]!;
          bank.close[i] = close[k]!;
        }
        bank.update();
      },
    },
  ])),
);
writeResults(import.meta.url, rows);
