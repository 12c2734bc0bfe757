/**
 * Streaming technical indicators (Rust, O(1) updates over fixed-size state) and the
 * many-instrument {@link IndicatorBank}.
 *
 * Every indicator class has:
 * - `update(...)`: one value or bar; returns the outputs (a number, or an object for
 *   multi-output indicators), NaN while warming up. A bad input (NaN, high < low, close outside
 *   [low, high], negative volume, a timestamp not after the last one) throws an `Error` with a
 *   `code` (`ERR_NON_FINITE`, `ERR_HIGH_BELOW_LOW`, …); the state is unchanged and the refusal
 *   is counted in `stats`.
 * - `batch(...)`: continues the same state over typed-array columns in one native call and
 *   returns one `Float64Array` with output `k` of row `t` at `k·rows + t` (see
 *   {@link splitOutputs}); bad rows are skipped (NaN outputs) and counted.
 * - `stats`, `ready`, `lookback` (index of the first complete output), `outputs` (names),
 *   `reset()`.
 *
 * Seeding conventions (all checked against TA-Lib and R's TTR on real data, 1e-9 relative;
 * see crates/indicators/tests/fixtures/README.md):
 * - EMA: α = 2/(n+1), seeded with the SMA of the first n values (`seed: 'first'` for the first
 *   value, as pandas `ewm(adjust=False)`).
 * - RSI, ATR: Wilder averages seeded with the plain mean of the first n changes / true ranges.
 * - ADX/DMI: Wilder sums seeded with the sum of n−1 values then one step (TA-Lib, TTR).
 * - MACD: each EMA seeded on its own first n values (TTR); TA-Lib's differs only in warm-up.
 * - Bollinger: population standard deviation. Stochastic: %K smoothed by an SMA of `kSmooth`.
 * - Parabolic SAR: TA-Lib's bootstrap. Ichimoku: senkou spans are the values computed now
 *   (drawn `displacement` ahead); `cloudA`/`cloudB` are the spans that apply to this bar.
 *
 * @example
 * ```ts
 * import { Ema, Rsi, Macd, Bollinger, Sma, Wma, splitOutputs } from 'tachyon';
 * const closes = Float64Array.from({ length: 500 }, (_, i) => 100 + Math.sin(i / 9) * 5);
 * const ema = new Ema({ period: 20 });          // also: new Sma({ period: 20 }), new Wma({ period: 20 })
 * const emaSeries = ema.batch(closes);          // NaN for the first 19 bars
 * ema.update(101.5);                            // continue streaming
 * new Rsi({ period: 14 }).batch(closes);        // Wilder RSI, 0–100
 * const macd = new Macd({ fast: 12, slow: 26, signal: 9 });
 * const { macd: line, signal, histogram } = splitOutputs(macd.batch(closes), macd.outputs);
 * const bb = new Bollinger({ period: 20, stdDev: 2 }).update(closes[0]!); // { lower, middle, upper, percentB }
 * ```
 *
 * @example Bar indicators
 * ```ts
 * import { Atr, Adx, Stochastic, WilliamsR, Cci, Keltner, Donchian, Ichimoku, ParabolicSar, Obv, Mfi, Vwap } from 'tachyon';
 * const atr = new Atr({ period: 14 });
 * atr.update(101.2, 99.8, 100.5);                        // high, low, close (, ts)
 * const adx = new Adx({ period: 14 }).update(101.2, 99.8, 100.5); // { adx, plusDi, minusDi, dx }
 * new Stochastic({ kPeriod: 14, kSmooth: 3, dPeriod: 3 }).update(101.2, 99.8, 100.5); // { k, d }
 * new WilliamsR({ period: 14 }).update(101.2, 99.8, 100.5);
 * new Cci({ period: 20 }).update(101.2, 99.8, 100.5);
 * new Keltner({ period: 20, multiplier: 2 }).update(101.2, 99.8, 100.5); // { lower, middle, upper }
 * new Ichimoku().update(101.2, 99.8, 100.5);               // { tenkan, kijun, senkouA, senkouB, chikou, cloudA, cloudB }
 * new Donchian({ period: 20 }).update(101.2, 99.8);        // high, low
 * new ParabolicSar({ acceleration: 0.02, maximum: 0.2 }).update(101.2, 99.8); // { sar, trend }
 * new Obv().update(100.5, 12_000);                         // close, volume
 * new Mfi({ period: 14 }).update(101.2, 99.8, 100.5, 12_000); // high, low, close, volume
 * const vwap = new Vwap();                                 // anchored; new Vwap({ period: 10 }) rolls
 * vwap.update(101.2, 99.8, 100.5, 12_000);
 * vwap.reset();                                            // e.g. at the session open
 * ```
 */
import type * as Native from '../../../native/index.js';
import { TachyonError } from '../errors.js';
import { native } from '../native.js';

type IndicatorHandle = ReturnType<typeof native.indicatorNew>;

/** Outputs of {@link Macd}. */
export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}
/** Outputs of {@link Bollinger}. */
export interface BollingerValue {
  lower: number;
  middle: number;
  upper: number;
  percentB: number;
}
/** A channel's lines ({@link Keltner}, {@link Donchian}). */
export interface BandsValue {
  lower: number;
  middle: number;
  upper: number;
}
/** Outputs of {@link Adx}. */
export interface AdxValue {
  adx: number;
  plusDi: number;
  minusDi: number;
  dx: number;
}
/** Outputs of {@link Stochastic}. */
export interface StochasticValue {
  k: number;
  d: number;
}
/**
 * Outputs of {@link Ichimoku}: senkou spans are computed now (drawn `displacement` ahead);
 * `cloudA`/`cloudB` are the spans that apply to this bar; `chikou` is this close.
 */
export interface IchimokuValue {
  tenkan: number;
  kijun: number;
  senkouA: number;
  senkouB: number;
  chikou: number;
  cloudA: number;
  cloudB: number;
}
/** Outputs of {@link ParabolicSar}: the level and the trend (+1 long, −1 short). */
export interface SarValue {
  sar: number;
  trend: number;
}

/**
 * Shared members of every indicator: a native handle (CONTRIBUTING.md: hot objects are
 * handles), counters, readiness, reset. Subclasses type `update`/`batch` for their inputs.
 */
abstract class IndicatorBase<V> {
  /** Opaque native handle. */
  protected readonly h: IndicatorHandle;
  /** Output names, in `batch` column order. */
  readonly outputs: readonly string[];
  /** Zero-based index of the first bar whose outputs are all defined. */
  readonly lookback: number;
  /** Receives every output of the last `update` (multi-output indicators). */
  protected readonly last: Float64Array | undefined;

  protected constructor(spec: Native.IndicatorSpec) {
    this.h = native.indicatorNew(spec);
    const info = native.indicatorInfo(this.h);
    this.outputs = Object.freeze(info.outputs);
    this.lookback = info.lookback;
    this.last = info.outputs.length > 1 ? new Float64Array(info.outputs.length) : undefined;
  }

  /** Inputs accepted and refused, by reason. */
  get stats(): Native.InputStats {
    return native.indicatorStats(this.h);
  }

  /** `true` once every output is defined. */
  get ready(): boolean {
    return native.indicatorReady(this.h);
  }

  /** Back to the freshly constructed state (counters are kept). */
  reset(): void {
    native.indicatorReset(this.h);
  }

  protected step(x0: number, x1?: number, x2?: number, x3?: number, ts?: number): number {
    return native.indicatorUpdate(this.h, x0, x1, x2, x3, ts, this.last);
  }

  protected run(c0: Float64Array, c1?: Float64Array, c2?: Float64Array, c3?: Float64Array, ts?: Float64Array, out?: Float64Array): Float64Array {
    // A JS-allocated result costs less than one allocated natively (an external buffer with a
    // finalizer, which also feeds V8's external-memory GC heuristics).
    const o = out ?? new Float64Array(c0.length * this.outputs.length);
    native.indicatorBatchInto(this.h, c0, c1, c2, c3, ts, o);
    return o;
  }

  protected abstract value(first: number): V;
}

/** Single-series indicators: `update(value)`, `batch(values)`. */
abstract class SeriesIndicator<V> extends IndicatorBase<V> {
  /** Applies one value (NaN → `ERR_MISSING_BAR`, ±Infinity → `ERR_NON_FINITE`). */
  update(value: number): V {
    return this.value(this.step(value));
  }
  /**
   * Continues over `values`; output `k` of value `t` at `k·values.length + t`. Pass `out`
   * (length `values.length × outputs`, not sharing memory with `values`; otherwise
   * `ERR_INVALID_ARG`) to write into your own buffer instead of allocating: the fast form for
   * repeated batches.
   */
  batch(values: Float64Array, out?: Float64Array): Float64Array {
    const o = out ?? new Float64Array(values.length * this.outputs.length);
    native.indicatorBatchValuesInto(this.h, values, o);
    return o;
  }
}

/** High/low/close indicators: `update(high, low, close, ts?)`, `batch(high, low, close, ts?)`. */
abstract class HlcIndicator<V> extends IndicatorBase<V> {
  /** Applies one bar; `ts` (optional) must be a strictly increasing safe integer. */
  update(high: number, low: number, close: number, ts?: number): V {
    return this.value(this.step(high, low, close, undefined, ts));
  }
  /** Continues over equal-length columns; bad rows give NaN outputs (counted). `out` as in `SeriesIndicator.batch`. */
  batch(high: Float64Array, low: Float64Array, close: Float64Array, ts?: Float64Array, out?: Float64Array): Float64Array {
    return this.run(high, low, close, undefined, ts, out);
  }
}

/** High/low indicators: `update(high, low, ts?)`, `batch(high, low, ts?)`. */
abstract class HlIndicator<V> extends IndicatorBase<V> {
  /** Applies one bar's high and low. */
  update(high: number, low: number, ts?: number): V {
    return this.value(this.step(high, low, undefined, undefined, ts));
  }
  /** Continues over equal-length columns; bad rows give NaN outputs (counted). `out` as in `SeriesIndicator.batch`. */
  batch(high: Float64Array, low: Float64Array, ts?: Float64Array, out?: Float64Array): Float64Array {
    return this.run(high, low, undefined, undefined, ts, out);
  }
}

/** High/low/close/volume indicators. */
abstract class HlcvIndicator<V> extends IndicatorBase<V> {
  /** Applies one bar. */
  update(high: number, low: number, close: number, volume: number, ts?: number): V {
    return this.value(this.step(high, low, close, volume, ts));
  }
  /** Continues over equal-length columns; bad rows give NaN outputs (counted). `out` as in `SeriesIndicator.batch`. */
  batch(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, ts?: Float64Array, out?: Float64Array): Float64Array {
    return this.run(high, low, close, volume, ts, out);
  }
}

/** Simple moving average (default period 20). */
export class Sma extends SeriesIndicator<number> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'sma', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** Exponential moving average: α = 2/(period+1), SMA-seeded unless `seed: 'first'` (default period 20). */
export class Ema extends SeriesIndicator<number> {
  constructor(options: Native.EmaOptions = {}) {
    super({ kind: 'ema', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** Linearly weighted moving average (default period 20). */
export class Wma extends SeriesIndicator<number> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'wma', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** Wilder's RSI, 0–100 (default period 14). */
export class Rsi extends SeriesIndicator<number> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'rsi', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** MACD line, signal and histogram (default 12, 26, 9). */
export class Macd extends SeriesIndicator<MacdValue> {
  constructor(options: Native.MacdOptions = {}) {
    super({ kind: 'macd', ...options });
  }
  protected value(): MacdValue {
    const o = this.last!;
    return { macd: o[0]!, signal: o[1]!, histogram: o[2]! };
  }
}
/** Bollinger bands with the population σ and %B (default 20, 2). */
export class Bollinger extends SeriesIndicator<BollingerValue> {
  constructor(options: Native.BollingerOptions = {}) {
    super({ kind: 'bollinger', ...options });
  }
  protected value(): BollingerValue {
    const o = this.last!;
    return { lower: o[0]!, middle: o[1]!, upper: o[2]!, percentB: o[3]! };
  }
}
/** Wilder's average true range (default period 14). */
export class Atr extends HlcIndicator<number> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'atr', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** Average directional index with +DI, −DI and DX (default period 14). */
export class Adx extends HlcIndicator<AdxValue> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'adx', ...options });
  }
  protected value(): AdxValue {
    const o = this.last!;
    return { adx: o[0]!, plusDi: o[1]!, minusDi: o[2]!, dx: o[3]! };
  }
}
/** Stochastic oscillator %K / %D (default 14, 3, 3; kSmooth 1 is the fast stochastic). */
export class Stochastic extends HlcIndicator<StochasticValue> {
  constructor(options: Native.StochasticOptions = {}) {
    super({ kind: 'stochastic', ...options });
  }
  protected value(): StochasticValue {
    const o = this.last!;
    return { k: o[0]!, d: o[1]! };
  }
}
/** Williams %R, −100 … 0 (default period 14). */
export class WilliamsR extends HlcIndicator<number> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'williamsR', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** Commodity channel index (default period 20; O(n) per update: mean absolute deviation). */
export class Cci extends HlcIndicator<number> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'cci', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** Keltner channels: EMA of the typical price ± multiplier·ATR (default 20, 2, atrPeriod = period). */
export class Keltner extends HlcIndicator<BandsValue> {
  constructor(options: Native.KeltnerOptions = {}) {
    super({ kind: 'keltner', ...options });
  }
  protected value(): BandsValue {
    const o = this.last!;
    return { lower: o[0]!, middle: o[1]!, upper: o[2]! };
  }
}
/** Ichimoku: all five lines and the current cloud (default 9, 26, 52, 26). */
export class Ichimoku extends HlcIndicator<IchimokuValue> {
  constructor(options: Native.IchimokuOptions = {}) {
    super({ kind: 'ichimoku', ...options });
  }
  protected value(): IchimokuValue {
    const o = this.last!;
    return { tenkan: o[0]!, kijun: o[1]!, senkouA: o[2]!, senkouB: o[3]!, chikou: o[4]!, cloudA: o[5]!, cloudB: o[6]! };
  }
}
/** Donchian channel (default period 20). */
export class Donchian extends HlIndicator<BandsValue> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'donchian', ...options });
  }
  protected value(): BandsValue {
    const o = this.last!;
    return { upper: o[0]!, middle: o[1]!, lower: o[2]! };
  }
}
/** Parabolic SAR with TA-Lib's bootstrap (default acceleration 0.02, maximum 0.2). */
export class ParabolicSar extends HlIndicator<SarValue> {
  constructor(options: Native.SarOptions = {}) {
    super({ kind: 'parabolicSar', ...options });
  }
  protected value(): SarValue {
    const o = this.last!;
    return { sar: o[0]!, trend: o[1]! };
  }
}
/** Money flow index (default period 14). */
export class Mfi extends HlcvIndicator<number> {
  constructor(options: Native.PeriodOptions = {}) {
    super({ kind: 'mfi', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** VWAP of the typical price: rolling over `period` bars, or anchored (cumulative until `reset()`) without one. */
export class Vwap extends HlcvIndicator<number> {
  constructor(options: Native.VwapOptions = {}) {
    super({ kind: 'vwap', ...options });
  }
  protected value(first: number): number {
    return first;
  }
}
/** On-balance volume: `update(close, volume, ts?)`, `batch(close, volume, ts?)`. */
export class Obv extends IndicatorBase<number> {
  constructor() {
    super({ kind: 'obv' });
  }
  /** Applies one bar's close and volume. */
  update(close: number, volume: number, ts?: number): number {
    return this.step(close, volume, undefined, undefined, ts);
  }
  /** Continues over equal-length columns; bad rows give NaN outputs (counted). */
  batch(close: Float64Array, volume: Float64Array, ts?: Float64Array): Float64Array {
    return this.run(close, volume, undefined, undefined, ts);
  }
  protected value(first: number): number {
    return first;
  }
}

export type {
  InputStats,
  PeriodOptions,
  EmaOptions,
  EmaSeedMode,
  MacdOptions,
  BollingerOptions,
  StochasticOptions,
  VwapOptions,
  KeltnerOptions,
  IchimokuOptions,
  SarOptions,
  IndicatorKind,
  IndicatorSpec,
  MatrixLayout,
  BankStats,
} from '../../../native/index.js';

/**
 * Splits a `batch` result into one view per output (no copy).
 *
 * @example
 * ```ts
 * const adx = new Adx({ period: 14 });
 * const cols = splitOutputs(adx.batch(high, low, close), adx.outputs);
 * cols.adx; cols.plusDi; // Float64Array views
 * ```
 */
export function splitOutputs<K extends string>(flat: Float64Array, outputs: readonly K[]): Record<K, Float64Array> {
  if (outputs.length === 0 || flat.length % outputs.length !== 0)
    throw new TachyonError('ERR_INVALID_ARG', `a batch of ${flat.length} values cannot hold ${outputs.length} outputs`);
  const rows = flat.length / outputs.length;
  const out = {} as Record<K, Float64Array>;
  outputs.forEach((name, k) => {
    out[name] = flat.subarray(k * rows, (k + 1) * rows);
  });
  return out;
}

/** Options of an {@link IndicatorBank}. */
export interface IndicatorBankOptions {
  /** Number of instruments N. */
  instruments: number;
  /** The indicators, in feature order; each is `{ kind, ...that kind's options }`. */
  indicators: Native.IndicatorSpec[];
  /** `'instrumentMajor'` (default: one feature row per instrument) or `'featureMajor'`. */
  layout?: Native.MatrixLayout;
}

/** Status byte of an instrument after {@link IndicatorBank.update}. */
export const BarStatus = {
  Accepted: 0,
  Missing: 1,
  NonFinite: 2,
  HighBelowLow: 3,
  OutsideRange: 4,
  NegativeVolume: 5,
  OutOfOrder: 6,
} as const;
export type BarStatus = (typeof BarStatus)[keyof typeof BarStatus];

/**
 * Indicators for many instruments, updated together in one native call.
 *
 * Write this bar's values into the struct-of-arrays inputs (`open`, `high`, `low`, `close`,
 * `volume`: one slot per instrument), call {@link IndicatorBank.update}, and read the feature
 * matrix `matrix` (N × F doubles) in place: with the default `'instrumentMajor'` layout
 * `row(i)` is instrument i's feature vector (a view, no copy); with `'featureMajor'`
 * `column(f)` is one feature across instruments (a view).
 *
 * Inputs are cleared to NaN after each update, so an instrument you do not write is a
 * *missing bar*: it is skipped (status 1), its features keep their last values, and it is
 * counted. Other refusals (NaN fields, high < low, …) work the same way, by reason.
 *
 * @example
 * ```ts
 * import { IndicatorBank } from 'tachyon';
 * const bank = new IndicatorBank({
 *   instruments: 3,
 *   indicators: [{ kind: 'ema', period: 20 }, { kind: 'rsi' }, { kind: 'atr' }, { kind: 'macd' }],
 * });
 * bank.features; // ['ema(20)', 'rsi(14)', 'atr(14)', 'macd(12,26,9).macd', 'macd(12,26,9).signal', 'macd(12,26,9).histogram']
 * for (const bar of barsByTime) {
 *   bank.high.set(bar.high); bank.low.set(bar.low); bank.close.set(bar.close);
 *   bank.update(bar.ts);
 *   const btc = bank.row(0);              // Float64Array view: [ema, rsi, atr, macd, signal, hist]
 *   const rsiEth = bank.get(1, 'rsi(14)');
 * }
 * ```
 */
export class IndicatorBank {
  readonly instruments: number;
  readonly features: readonly string[];
  readonly layout: Native.MatrixLayout;
  /** All inputs: 5·N doubles in blocks open | high | low | close | volume. */
  readonly inputs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** The feature matrix, N × F. */
  readonly matrix: Float64Array;
  /** One {@link BarStatus} byte per instrument, from the last update. */
  readonly status: Uint8Array;
  private readonly h: ReturnType<typeof native.bankNew>;
  private readonly index: Map<string, number>;

  constructor(options: IndicatorBankOptions) {
    this.h = native.bankNew(options);
    const info = native.bankInfo(this.h);
    this.instruments = info.instruments;
    this.features = Object.freeze(info.features);
    this.layout = info.layout as Native.MatrixLayout;
    const n = this.instruments;
    this.inputs = new Float64Array(5 * n).fill(Number.NaN);
    [this.open, this.high, this.low, this.close, this.volume] = [0, 1, 2, 3, 4].map((k) =>
      this.inputs.subarray(k * n, (k + 1) * n),
    ) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    this.matrix = new Float64Array(n * this.features.length).fill(Number.NaN);
    this.status = new Uint8Array(n);
    this.index = new Map(this.features.map((f, i) => [f, i]));
  }

  /** Number of features F. */
  get width(): number {
    return this.features.length;
  }

  /**
   * Applies the bar in the inputs to every instrument, then clears the inputs to NaN.
   * `ts` (optional, a strictly increasing safe integer) applies to every instrument; a `ts`
   * not after the previous one refuses the whole call (status 6). Returns the number of
   * instruments updated.
   */
  update(ts?: number): number {
    const accepted = native.bankUpdate(this.h, this.inputs, this.matrix, this.status, ts);
    this.inputs.fill(Number.NaN);
    return accepted;
  }

  /** Column index of a feature name (throws `ERR_INVALID_ARG` for an unknown one). */
  featureIndex(name: string): number {
    const f = this.index.get(name);
    if (f === undefined) throw new TachyonError('ERR_INVALID_ARG', `unknown feature ${name}; have ${this.features.join(', ')}`);
    return f;
  }

  /** Instrument i's feature vector: a view with the instrument-major layout, a copy otherwise. */
  row(i: number): Float64Array {
    this.checkInstrument(i);
    const n = this.instruments;
    const w = this.width;
    if (this.layout === 'instrumentMajor') return this.matrix.subarray(i * w, (i + 1) * w);
    return Float64Array.from({ length: w }, (_, f) => this.matrix[f * n + i]!);
  }

  /** One feature across instruments: a view with the feature-major layout, a copy otherwise. */
  column(feature: string | number): Float64Array {
    const f = typeof feature === 'number' ? feature : this.featureIndex(feature);
    const n = this.instruments;
    const w = this.width;
    if (!(Number.isInteger(f) && f >= 0 && f < w)) throw new TachyonError('ERR_INVALID_ARG', `feature index ${f} out of range`);
    if (this.layout === 'featureMajor') return this.matrix.subarray(f * n, (f + 1) * n);
    return Float64Array.from({ length: n }, (_, i) => this.matrix[i * w + f]!);
  }

  /** One value of the matrix. */
  get(instrument: number, feature: string | number): number {
    this.checkInstrument(instrument);
    const f = typeof feature === 'number' ? feature : this.featureIndex(feature);
    return this.layout === 'instrumentMajor'
      ? this.matrix[instrument * this.width + f]!
      : this.matrix[f * this.instruments + instrument]!;
  }

  /** Counters: calls and per-bar accepted/refused totals by reason. */
  get stats(): Native.BankStats {
    return native.bankStats(this.h);
  }

  /** Refused bars of instrument i. */
  rejected(i: number): number {
    return native.bankRejected(this.h, i);
  }

  /** Resets instrument i's indicators (e.g. after a symbol change or a long gap). */
  resetInstrument(i: number): void {
    native.bankResetInstrument(this.h, i);
  }

  /** Resets every instrument and the timestamp check (counters are kept). */
  reset(): void {
    native.bankReset(this.h);
    this.matrix.fill(Number.NaN);
  }

  private checkInstrument(i: number): void {
    if (!(Number.isInteger(i) && i >= 0 && i < this.instruments))
      throw new TachyonError('ERR_INVALID_ARG', `instrument ${i} out of range (0..${this.instruments - 1})`);
  }
}
