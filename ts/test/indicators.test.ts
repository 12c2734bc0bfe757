import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Adx,
  Atr,
  BarStatus,
  Bollinger,
  Cci,
  Donchian,
  Ema,
  Ichimoku,
  IndicatorBank,
  Keltner,
  Macd,
  Mfi,
  Obv,
  ParabolicSar,
  Rsi,
  Sma,
  Stochastic,
  Vwap,
  WilliamsR,
  Wma,
  isTachyonError,
  splitOutputs,
} from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'crates', 'indicators', 'tests', 'fixtures');

/** Columns of a fixture CSV (empty cells → NaN). */
function csv(name: string): Record<string, Float64Array> {
  const [head, ...rows] = readFileSync(join(fixtures, name), 'utf8').trim().split('\n');
  const names = head!.split(',');
  const cols: Record<string, Float64Array> = {};
  names.forEach((n, k) => {
    cols[n] = Float64Array.from(rows, (r) => {
      const c = r.split(',')[k]!.trim();
      return c === '' || c === 'NA' ? Number.NaN : Number(c);
    });
  });
  return cols;
}

const bars = csv('bars_ttrc.csv');
const talib = csv('talib_ttrc.csv');
const ttr = csv('ttr_ttrc.csv');
const pandas = csv('pandas_ttrc.csv');
const { high, low, close, volume } = bars as Record<'high' | 'low' | 'close' | 'volume', Float64Array>;

/** `ours` agrees with `ref` at 1e-9 relative (floor `scale`) wherever both are defined from `from`. */
function agree(ours: Float64Array, ref: Float64Array, scale = 0, from = 0): number {
  let n = 0;
  for (let t = from; t < ours.length; t++) {
    const a = ours[t]!;
    const b = ref[t]!;
    expect(Number.isNaN(a), `bar ${t}: ours ${a}, reference ${b}`).toBe(Number.isNaN(b));
    if (Number.isNaN(a)) continue;
    expect(Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), scale, Number.MIN_VALUE)).toBeLessThanOrEqual(1e-9);
    n++;
  }
  expect(n).toBeGreaterThan(2000);
  return n;
}

function expectCode(f: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(isTachyonError(thrown), `expected a coded error ${code}`).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

describe('indicator conformance through N-API (TTR ttrc bars; TA-Lib, TTR, pandas, ta references)', () => {
  it('single-series indicators', () => {
    agree(new Sma({ period: 20 }).batch(close), talib.sma20!);
    agree(new Ema({ period: 20 }).batch(close), talib.ema20!);
    agree(new Ema({ period: 20, seed: 'first' }).batch(close), pandas.ema20_first!);
    agree(new Wma({ period: 20 }).batch(close), talib.wma20!);
    agree(new Rsi({ period: 14 }).batch(close), talib.rsi14!, 1);
    const m = new Macd();
    const mc = splitOutputs(m.batch(close), m.outputs);
    agree(mc.macd!, ttr.macd!, 3);
    agree(mc.signal!, ttr.macd_signal!, 3);
    agree(mc.histogram!, talib.macd_hist!, 3, 300); // TA-Lib seeds the fast EMA differently
    const b = new Bollinger({ period: 20, stdDev: 2 });
    const bc = splitOutputs(b.batch(close), b.outputs);
    agree(bc.lower!, talib.bb_lower!);
    agree(bc.upper!, talib.bb_upper!);
    agree(bc.percentB!, ttr.bb_pctb!, 1);
  });

  it('bar indicators', () => {
    agree(new Atr({ period: 14 }).batch(high, low, close), talib.atr14!);
    const a = new Adx({ period: 14 });
    const ac = splitOutputs(a.batch(high, low, close), a.outputs);
    agree(ac.adx!, talib.adx14!, 1);
    agree(ac.plusDi!, talib.plus_di14!, 1);
    agree(ac.minusDi!, ttr.minus_di14!, 1);
    const s = new Stochastic({ kPeriod: 14, kSmooth: 3, dPeriod: 3 });
    const sc = splitOutputs(s.batch(high, low, close), s.outputs);
    agree(sc.d!, talib.slowd!, 1);
    agree(sc.k!, ttr.fastd3!, 1);
    agree(new WilliamsR({ period: 14 }).batch(high, low, close), talib.willr14!, 1);
    agree(new Cci({ period: 20 }).batch(high, low, close), talib.cci20!, 1);
    agree(new Obv().batch(close, volume), talib.obv!, 1e6);
    agree(new Mfi({ period: 14 }).batch(high, low, close, volume), talib.mfi14!, 1);
    agree(new Vwap({ period: 10 }).batch(high, low, close, volume), ttr.vwap10!);
    agree(new Vwap().batch(high, low, close, volume), pandas.vwap_anchored!);
    const k = new Keltner({ period: 20, multiplier: 2, atrPeriod: 20 });
    agree(splitOutputs(k.batch(high, low, close), k.outputs).upper!, ttr.kc_upper!);
    const d = new Donchian({ period: 20 });
    agree(splitOutputs(d.batch(high, low), d.outputs).lower!, ttr.dc_lower!);
    const i = new Ichimoku();
    const ic = splitOutputs(i.batch(high, low, close), i.outputs);
    agree(ic.tenkan!, pandas.ich_tenkan!);
    agree(ic.senkouA!, pandas.ich_senkou_a!);
    agree(ic.cloudB!, pandas.ich_cloud_b!, 0, 77);
    const p = new ParabolicSar({ acceleration: 0.02, maximum: 0.2 });
    agree(splitOutputs(p.batch(high, low), p.outputs).sar!, talib.sar!);
  });
});

describe('streaming objects', () => {
  it('update and batch agree (blocked kernels: to rounding; Bollinger: exactly)', () => {
    /** Equal NaN pattern, and within 1e-12 of max(|a|, |b|, unit). */
    const near = (a: number, b: number, unit: number, what: string): void => {
      expect(Number.isNaN(a), what).toBe(Number.isNaN(b));
      if (!Number.isNaN(a)) expect(Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), unit), what).toBeLessThanOrEqual(1e-12);
    };
    const a = new Adx({ period: 14 });
    const b = new Adx({ period: 14 });
    const flat = splitOutputs(b.batch(high.subarray(0, 300), low.subarray(0, 300), close.subarray(0, 300)), b.outputs);
    for (let t = 0; t < 300; t++) {
      const o = a.update(high[t]!, low[t]!, close[t]!);
      near(o.adx, flat.adx![t]!, 1, `adx ${t}`);
      near(o.plusDi, flat.plusDi![t]!, 1, `plusDi ${t}`);
    }
    expect(a.ready).toBe(true);
    expect(a.lookback).toBe(27);
    expect(a.stats.accepted).toBe(300);
    // A batch continues the state of earlier updates and batches.
    const e1 = new Ema({ period: 10 });
    const whole = e1.batch(close.subarray(0, 100));
    const e2 = new Ema({ period: 10 });
    e2.batch(close.subarray(0, 60));
    e2.batch(close.subarray(60, 100)).forEach((v, t) => near(v, whole[60 + t]!, 0, `ema ${60 + t}`));
    // Bollinger runs the same arithmetic in both forms: the same bits.
    const s = new Bollinger({ period: 20 });
    const bb = splitOutputs(new Bollinger({ period: 20 }).batch(close), s.outputs);
    for (let t = 0; t < close.length; t++) {
      const o = s.update(close[t]!);
      expect(Object.is(o.lower, bb.lower![t]) && Object.is(o.percentB, bb.percentB![t]), `bollinger ${t}`).toBe(true);
    }
  });

  it('batch writes into a caller buffer, which must fit and must not alias an input', () => {
    const rsi = new Rsi({ period: 14 });
    const want = new Rsi({ period: 14 }).batch(close);
    const out = new Float64Array(close.length);
    expect(rsi.batch(close, out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(want));
    const adx = new Adx();
    const out4 = new Float64Array(4 * 100);
    expect(adx.batch(high.subarray(0, 100), low.subarray(0, 100), close.subarray(0, 100), undefined, out4)).toBe(out4);
    expectCode(() => new Ema().batch(close, new Float64Array(close.length - 1)), 'ERR_INVALID_ARG');
    expectCode(() => new Adx().batch(high, low, close, undefined, new Float64Array(close.length)), 'ERR_INVALID_ARG');
    const x = Float64Array.from(close.subarray(0, 50));
    expectCode(() => new Ema({ period: 5 }).batch(x, x), 'ERR_INVALID_ARG');
    const buf = new Float64Array(200);
    buf.set(close.subarray(0, 100));
    expectCode(() => new Ema({ period: 5 }).batch(buf.subarray(0, 100), buf.subarray(50, 150)), 'ERR_INVALID_ARG');
    const h = Float64Array.from(high.subarray(0, 50));
    expectCode(() => new Atr().batch(h, low.subarray(0, 50), close.subarray(0, 50), undefined, h), 'ERR_INVALID_ARG');
  });

  it('refuses bad input with a coded error, counts it and keeps the state', () => {
    const ema = new Ema({ period: 3 });
    [1, 2, 3].forEach((x) => ema.update(x));
    expectCode(() => ema.update(Number.NaN), 'ERR_MISSING_BAR'); // a NaN value is a missing one
    expectCode(() => ema.update(Number.POSITIVE_INFINITY), 'ERR_NON_FINITE');
    expect(ema.update(4)).toBe(3); // 2 + 0.5·(4 − 2): the refused values left no trace
    expect(ema.stats).toMatchObject({ accepted: 4, missing: 1, nonFinite: 1, rejected: 2 });

    const atr = new Atr({ period: 2 });
    atr.update(10, 9, 9.5, 1);
    expectCode(() => atr.update(9, 10, 9.5, 2), 'ERR_HIGH_BELOW_LOW');
    expectCode(() => atr.update(10, 9, 11, 2), 'ERR_OUTSIDE_RANGE');
    expectCode(() => atr.update(10, 9, 9.5, 1), 'ERR_OUT_OF_ORDER');
    expectCode(() => atr.update(Number.NaN, Number.NaN, Number.NaN, 3), 'ERR_MISSING_BAR');
    expectCode(() => atr.update(10, 9, 9.5, 1.5), 'ERR_INVALID_ARG'); // ts must be an integer
    const mfi = new Mfi({ period: 2 });
    expectCode(() => mfi.update(10, 9, 9.5, -5), 'ERR_NEGATIVE_VOLUME');
    mfi.update(10, 9, 9.5, 0);
    expect(mfi.stats.zeroVolume).toBe(1);
    expect(atr.stats).toMatchObject({ accepted: 1, highBelowLow: 1, outsideRange: 1, outOfOrder: 1, missing: 1 });
  });

  it('batch skips bad rows as NaN and counts them', () => {
    const sma = new Sma({ period: 2 });
    const out = sma.batch(Float64Array.of(1, 3, Number.NaN, 5, 7));
    expect(Array.from(out)).toEqual([Number.NaN, 2, Number.NaN, 4, 6]);
    expect(sma.stats.missing).toBe(1);
    const atr = new Atr({ period: 1 });
    const r = atr.batch(Float64Array.of(10, 9, 12), Float64Array.of(9, 10, 11), Float64Array.of(9.5, 9.5, 11.5));
    expect(Number.isNaN(r[1]!)).toBe(true);
    expect(r[2]).toBe(2.5); // TR against the last accepted close 9.5
    expect(atr.stats.highBelowLow).toBe(1);
    expectCode(() => atr.batch(Float64Array.of(1, 2), Float64Array.of(1), Float64Array.of(1, 2)), 'ERR_LENGTH_MISMATCH');
  });

  it('validates options', () => {
    expectCode(() => new Ema({ period: 0 }), 'ERR_INVALID_PARAM');
    expectCode(() => new Macd({ fast: 26, slow: 12 }), 'ERR_INVALID_PARAM');
    expectCode(() => new Bollinger({ stdDev: -1 }), 'ERR_INVALID_PARAM');
    expectCode(() => new ParabolicSar({ maximum: Number.NaN }), 'ERR_INVALID_PARAM');
    expect(new Rsi().lookback).toBe(14);
    expect(new Ichimoku().outputs).toEqual(['tenkan', 'kijun', 'senkouA', 'senkouB', 'chikou', 'cloudA', 'cloudB']);
  });
});

describe('IndicatorBank', () => {
  const specs = [
    { kind: 'ema' as const, period: 10 },
    { kind: 'rsi' as const },
    { kind: 'atr' as const },
    { kind: 'macd' as const },
    { kind: 'bollinger' as const },
    { kind: 'mfi' as const },
  ];

  it('equals the single indicators per instrument, in both layouts', () => {
    for (const layout of ['instrumentMajor', 'featureMajor'] as const) {
      const n = 3;
      const bank = new IndicatorBank({ instruments: n, indicators: specs, layout });
      expect(bank.features).toEqual([
        'ema(10)',
        'rsi(14)',
        'atr(14)',
        'macd(12,26,9).macd',
        'macd(12,26,9).signal',
        'macd(12,26,9).histogram',
        'bollinger(20,2).lower',
        'bollinger(20,2).middle',
        'bollinger(20,2).upper',
        'bollinger(20,2).percentB',
        'mfi(14)',
      ]);
      const ema = Array.from({ length: n }, () => new Ema({ period: 10 }));
      const atr = Array.from({ length: n }, () => new Atr());
      const mfi = Array.from({ length: n }, () => new Mfi());
      const off = [0, 400, 800]; // three instruments: three stretches of the real series
      for (let t = 0; t < 300; t++) {
        for (let i = 0; i < n; i++) {
          bank.high[i] = high[off[i]! + t]!;
          bank.low[i] = low[off[i]! + t]!;
          bank.close[i] = close[off[i]! + t]!;
          bank.volume[i] = volume[off[i]! + t]!;
        }
        expect(bank.update(t)).toBe(n);
        for (let i = 0; i < n; i++) {
          const k = off[i]! + t;
          expect(Object.is(bank.get(i, 'ema(10)'), ema[i]!.update(close[k]!))).toBe(true);
          expect(Object.is(bank.get(i, 'atr(14)'), atr[i]!.update(high[k]!, low[k]!, close[k]!))).toBe(true);
          expect(Object.is(bank.get(i, 'mfi(14)'), mfi[i]!.update(high[k]!, low[k]!, close[k]!, volume[k]!))).toBe(true);
        }
      }
      const row = bank.row(1);
      expect(row.length).toBe(11);
      expect(row[1]).toBe(bank.get(1, 'rsi(14)'));
      const col = bank.column('rsi(14)');
      expect(Array.from(col)).toEqual([0, 1, 2].map((i) => bank.get(i, 'rsi(14)')));
      if (layout === 'instrumentMajor') expect(row.buffer).toBe(bank.matrix.buffer); // a view
      else expect(col.buffer).toBe(bank.matrix.buffer);
    }
  });

  it('skips missing and bad bars per instrument, by reason', () => {
    const bank = new IndicatorBank({ instruments: 3, indicators: [{ kind: 'sma', period: 2 }, { kind: 'atr', period: 2 }] });
    const put = (i: number, h: number, l: number, c: number) => {
      bank.high[i] = h;
      bank.low[i] = l;
      bank.close[i] = c;
    };
    put(0, 11, 9, 10);
    put(1, 21, 19, 20);
    put(2, 31, 29, 30);
    bank.update(1);
    put(0, 13, 11, 12);
    put(1, 19, 21, 20); // high < low
    // instrument 2 not written: a missing bar
    expect(bank.update(2)).toBe(1);
    expect(Array.from(bank.status)).toEqual([BarStatus.Accepted, BarStatus.HighBelowLow, BarStatus.Missing]);
    expect(bank.get(0, 'sma(2)')).toBe(11);
    expect(Number.isNaN(bank.get(1, 'sma(2)'))).toBe(true); // kept its warm-up value
    expect(bank.rejected(1)).toBe(1);
    expect(bank.stats.inputs).toMatchObject({ accepted: 4, highBelowLow: 1, missing: 1 });
    // A timestamp not after the last refuses the whole call.
    put(0, 13, 11, 12);
    expect(bank.update(2)).toBe(0);
    expect(Array.from(bank.status)).toEqual([6, 6, 6]);
    expect(bank.stats.inputs.outOfOrder).toBe(3);
    expectCode(() => new IndicatorBank({ instruments: 0, indicators: [{ kind: 'obv' }] }), 'ERR_INVALID_PARAM');
    expectCode(() => new IndicatorBank({ instruments: 2, indicators: [] }), 'ERR_INVALID_PARAM');
    expectCode(() => bank.row(3), 'ERR_INVALID_ARG');
    expectCode(() => bank.get(0, 'nope'), 'ERR_INVALID_ARG');
  });
});
