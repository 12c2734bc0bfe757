/**
 * Volatility, correlation and market-microstructure models, computed in Rust
 * (`crates/models`, checked against Python `arch`, R fGarch, TTR, pymgarch, pandas and
 * statsmodels — see `crates/models/tests/fixtures`).
 *
 * - GARCH family: {@link Garch11}, {@link GjrGarch}, {@link Egarch} (or {@link Garch} with a
 *   `kind`): maximum-likelihood fits (sync and `fitAsync` on a worker thread), the online
 *   one-observation variance update, analytic forecasts, simulation with a seed.
 * - {@link Dcc}: DCC-GARCH (Engle 2002 two-step) with the online correlation update, forecasts
 *   and a correlation-breakdown indicator.
 * - {@link Vpin} / {@link vpin}: VPIN with bulk volume classification and volume buckets, and
 *   {@link vpinCdf} for alert thresholds.
 * - Realized and range volatility: {@link realizedVariance}, {@link bipowerVariation},
 *   {@link rangeVolatility} / {@link RangeVolatility} (Yang-Zhang, Parkinson, …).
 * - Microstructure: {@link orderFlowImbalance} / {@link OrderFlowImbalance}, {@link weightedMid},
 *   {@link Microprice} (Stoikov),
 *   {@link kyleLambda} / {@link KyleLambda}, {@link amihud} / {@link Amihud},
 *   {@link rollSpread} / {@link RollSpread}, {@link effectiveSpread}.
 *
 * Bad input throws an `Error` with a stable `code` (`ERR_NOT_FINITE`, `ERR_TOO_SHORT`,
 * `ERR_CONSTANT_SERIES`, `ERR_LENGTH_MISMATCH`, `ERR_INVALID_PARAMETER`, `ERR_INVALID_INPUT`,
 * `ERR_INVALID_SPEC`, `ERR_INVALID_ARG`). A fit that runs but does not converge is an answer:
 * its `status` says what happened. Streaming objects never throw on a bad observation: they
 * skip it and count it in `stats()`. Batch outputs use `NaN` only for documented warm-up
 * positions.
 *
 * @example
 * ```ts
 * import { Garch11 } from 'tachyon';
 * const model = Garch11.fit(returns);          // returns: Float64Array of % returns
 * model.fitResult?.params;                    // { mu, omega, alpha, beta }
 * const next = model.update(0.42);            // variance of the next return
 * model.forecast(10);                         // Float64Array of 10 variance forecasts
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';

/** Numbers accepted where the addon wants a `Float64Array` (arrays are copied). */
export type Numbers = Float64Array | readonly number[];

function f64(x: Numbers): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

// ---------------------------------------------------------------------------------------------
// GARCH family

/** Variance equation: GARCH(1,1), GJR-GARCH(1,1) or EGARCH(1,1). */
export type GarchKind = 'garch' | 'gjr' | 'egarch';
/** Error distribution: standard normal or unit-variance Student-t. */
export type ErrorDist = 'normal' | 'studentT';
/** Mean equation. */
export type GarchMean = 'constant' | 'zero';
/**
 * Start of the variance recursion: `'backcast'` (Python arch's EWMA backcast, default),
 * `'fgarch'` (R fGarch's "mci"), `'fixed'` (with `initialVariance`).
 */
export type VarianceInit = 'backcast' | 'fgarch' | 'fixed';
/** How a fit ended. */
export type FitStatus = 'converged' | 'max_iterations' | 'max_evaluations' | 'line_search_failed' | 'no_finite_start';

/** A GARCH-family model specification (everything but the kind). */
export interface GarchOptions {
  /** Default `'normal'`. */
  dist?: ErrorDist;
  /** Default `'constant'`. */
  mean?: GarchMean;
  /** Default `'backcast'`. */
  init?: VarianceInit;
  /** Pre-sample variance for `init: 'fixed'`. */
  initialVariance?: number;
}

/** Optimiser options of a fit. */
export interface FitOptions {
  /** Iteration budget; default 500. */
  maxIterations?: number;
  /** Projected-gradient tolerance (mean log-likelihood, scaled data); default 1e-9. */
  tolerance?: number;
  /** Compute standard errors; default true. */
  stdErrors?: boolean;
}

/** Parameters of a GARCH-family model (`gamma` for GJR/EGARCH, `nu` for Student-t). */
export type GarchParams = Native.GarchParameters;
/** A fitted model: estimates, standard errors, log-likelihood, AIC/BIC, status. */
export type GarchFitResult = Native.GarchFitResult;
/** Log-likelihood and variance path at given parameters. */
export type GarchLikelihood = Native.GarchLikelihood;
/** A simulated path. */
export type GarchSimulation = Native.GarchSimulation;
/** Counters of a streaming object: inputs applied and skipped. */
export type ModelStreamStats = Native.ModelStreamStats;

type GarchHandle = ReturnType<typeof native.garchFilterNew>;

function specOf(kind: GarchKind, o: GarchOptions = {}): Native.GarchSpecOptions {
  return { kind, dist: o.dist, mean: o.mean, init: o.init, initialVariance: o.initialVariance };
}

function fitOptionsOf(o: FitOptions = {}): Native.ModelFitOptions {
  return { maxIterations: o.maxIterations, tolerance: o.tolerance, stdErrors: o.stdErrors };
}

/**
 * A GARCH-family model with its online state: after `update(r_t)`, {@link Garch.variance} is
 * the variance of the next return. Create it by fitting ({@link Garch.fit},
 * {@link Garch.fitAsync}) or from known parameters.
 *
 * @example
 * ```ts
 * import { Garch } from 'tachyon';
 * const m = Garch.fit(returns, { kind: 'gjr', dist: 'studentT' });
 * m.fitResult!.converged;          // true
 * m.fitResult!.stdErrors;          // classic standard errors, `names` order
 * const v = m.update(-1.3);        // next-period variance after a −1.3% day
 * ```
 */
export class Garch {
  /** Variance equation. */
  readonly kind: GarchKind;
  /** The fit this model came from, or `null` when built from parameters. */
  readonly fitResult: GarchFitResult | null;
  private readonly h: GarchHandle;

  /**
   * A model from known parameters whose next-period variance is `variance`.
   *
   * @example
   * ```ts
   * const m = new Garch('garch', { mu: 0.05, omega: 0.02, alpha: 0.08, beta: 0.9 }, 1.1);
   * m.update(0.5); // 0.02 + 0.08·(0.5 − 0.05)² + 0.9·1.1
   * ```
   */
  constructor(kind: GarchKind, params: GarchParams, variance: number, options: GarchOptions = {}, fitResult: GarchFitResult | null = null) {
    this.kind = kind;
    this.h = native.garchFilterNew(specOf(kind, options), params, variance);
    this.fitResult = fitResult;
  }

  /**
   * Fits by maximum likelihood (blocks the thread; see {@link Garch.fitAsync}). The model is
   * positioned after the last observation.
   *
   * @example
   * ```ts
   * const m = Garch.fit(returns, { kind: 'egarch', dist: 'studentT', maxIterations: 200 });
   * ```
   */
  static fit(returns: Numbers, options: GarchOptions & FitOptions & { kind?: GarchKind } = {}): Garch {
    const kind = options.kind ?? 'garch';
    return Garch.fromFit(kind, native.garchFit(f64(returns), specOf(kind, options), fitOptionsOf(options)), options);
  }

  /**
   * {@link Garch.fit} on the libuv thread pool: the event loop keeps running. Bad input rejects
   * with the same coded errors as `fit`.
   *
   * @example
   * ```ts
   * const m = await Garch.fitAsync(returns, { kind: 'gjr' });
   * ```
   */
  static async fitAsync(returns: Numbers, options: GarchOptions & FitOptions & { kind?: GarchKind } = {}): Promise<Garch> {
    const kind = options.kind ?? 'garch';
    const r = await native.garchFitAsync(f64(returns), specOf(kind, options), fitOptionsOf(options));
    return Garch.fromFit(kind, r, options);
  }

  /** @internal */
  protected static fromFit(kind: GarchKind, r: GarchFitResult, options: GarchOptions): Garch {
    return new Garch(kind, r.params, r.nextVariance, options, r);
  }

  /**
   * Log-likelihood, gradient and variance path of `returns` at given parameters (no fit).
   *
   * @example
   * ```ts
   * const { loglik, variances } = Garch.loglik(returns, { mu: 0.05, omega: 0.02, alpha: 0.1, beta: 0.88 });
   * ```
   */
  static loglik(returns: Numbers, params: GarchParams, options: GarchOptions & { kind?: GarchKind } = {}): GarchLikelihood {
    return native.garchLoglik(f64(returns), specOf(options.kind ?? 'garch', options), params);
  }

  /**
   * Simulates `n` returns after a burn-in (default 500) with the portable seeded generator:
   * the same seed gives the same path everywhere.
   *
   * @example
   * ```ts
   * const { returns } = Garch.simulate({ omega: 0.02, alpha: 0.08, beta: 0.9 }, 2000, 42n);
   * ```
   */
  static simulate(params: GarchParams, n: number, seed: bigint, options: GarchOptions & { kind?: GarchKind; burn?: number } = {}): GarchSimulation {
    return native.garchSimulate(specOf(options.kind ?? 'garch', options), params, n, seed, options.burn);
  }

  /**
   * Applies one return; returns the variance of the next one. A non-finite return is skipped
   * and counted in {@link Garch.stats}.
   *
   * @example
   * ```ts
   * const v = m.update(r);
   * ```
   */
  update(r: number): number {
    return native.garchFilterUpdate(this.h, r);
  }

  /**
   * Applies many returns with one call; returns the next-period variance after each.
   *
   * @example
   * ```ts
   * const path = m.updateMany(todaysReturns);
   * ```
   */
  updateMany(returns: Numbers): Float64Array {
    return native.garchFilterUpdateMany(this.h, f64(returns));
  }

  /** Variance of the next return. */
  get variance(): number {
    return native.garchFilterVariance(this.h);
  }

  /** Sets the next-period variance (e.g. to restore a saved state). */
  set variance(v: number) {
    native.garchFilterSetVariance(this.h, v);
  }

  /** Volatility (square root of the variance) of the next return. */
  get volatility(): number {
    return Math.sqrt(this.variance);
  }

  /** The parameters. */
  get params(): GarchParams {
    return native.garchFilterParams(this.h);
  }

  /**
   * Variance forecasts for 1…`horizon` periods ahead (analytic; EGARCH with Student-t errors
   * has no finite multi-step expectation and throws `ERR_INVALID_SPEC` beyond one step).
   *
   * @example
   * ```ts
   * const f = m.forecast(5); // f[0] === m.variance
   * ```
   */
  forecast(horizon: number): Float64Array {
    return native.garchFilterForecast(this.h, horizon);
  }

  /** Unconditional variance, or `null` where infinite or undefined. */
  unconditionalVariance(): number | null {
    const s = native.garchFilterSpec(this.h);
    return native.garchUnconditionalVariance(s, this.params);
  }

  /** Counters: returns applied and skipped. */
  stats(): ModelStreamStats {
    return native.garchFilterStats(this.h);
  }
}

/**
 * GARCH(1,1): `h_t = ω + α e²_{t−1} + β h_{t−1}`.
 *
 * @example
 * ```ts
 * import { Garch11 } from 'tachyon';
 * const m = await Garch11.fitAsync(returns, { init: 'fgarch' }); // R fGarch's convention
 * m.forecast(10);
 * ```
 */
export class Garch11 extends Garch {
  /** A GARCH(1,1) from known parameters. */
  constructor(params: GarchParams, variance: number, options: GarchOptions = {}, fitResult: GarchFitResult | null = null) {
    super('garch', params, variance, options, fitResult);
  }

  /** Fits a GARCH(1,1). */
  static override fit(returns: Numbers, options: GarchOptions & FitOptions = {}): Garch11 {
    const r = native.garchFit(f64(returns), specOf('garch', options), fitOptionsOf(options));
    return new Garch11(r.params, r.nextVariance, options, r);
  }

  /** Fits a GARCH(1,1) on a worker thread. */
  static override async fitAsync(returns: Numbers, options: GarchOptions & FitOptions = {}): Promise<Garch11> {
    const r = await native.garchFitAsync(f64(returns), specOf('garch', options), fitOptionsOf(options));
    return new Garch11(r.params, r.nextVariance, options, r);
  }
}

/**
 * GJR-GARCH(1,1): `h_t = ω + (α + γ·1[e_{t−1} < 0]) e²_{t−1} + β h_{t−1}`.
 *
 * @example
 * ```ts
 * import { GjrGarch } from 'tachyon';
 * const m = GjrGarch.fit(returns, { dist: 'studentT' });
 * m.params.gamma; // leverage effect
 * ```
 */
export class GjrGarch extends Garch {
  /** A GJR-GARCH(1,1) from known parameters. */
  constructor(params: GarchParams, variance: number, options: GarchOptions = {}, fitResult: GarchFitResult | null = null) {
    super('gjr', params, variance, options, fitResult);
  }

  /** Fits a GJR-GARCH(1,1). */
  static override fit(returns: Numbers, options: GarchOptions & FitOptions = {}): GjrGarch {
    const r = native.garchFit(f64(returns), specOf('gjr', options), fitOptionsOf(options));
    return new GjrGarch(r.params, r.nextVariance, options, r);
  }

  /** Fits a GJR-GARCH(1,1) on a worker thread. */
  static override async fitAsync(returns: Numbers, options: GarchOptions & FitOptions = {}): Promise<GjrGarch> {
    const r = await native.garchFitAsync(f64(returns), specOf('gjr', options), fitOptionsOf(options));
    return new GjrGarch(r.params, r.nextVariance, options, r);
  }
}

/**
 * EGARCH(1,1) in Python arch's form:
 * `ln h_t = ω + α(|z_{t−1}| − √(2/π)) + γ z_{t−1} + β ln h_{t−1}`.
 *
 * @example
 * ```ts
 * import { Egarch } from 'tachyon';
 * const m = Egarch.fit(returns);
 * m.forecast(20); // exact Normal-error expectation
 * ```
 */
export class Egarch extends Garch {
  /** An EGARCH(1,1) from known parameters. */
  constructor(params: GarchParams, variance: number, options: GarchOptions = {}, fitResult: GarchFitResult | null = null) {
    super('egarch', params, variance, options, fitResult);
  }

  /** Fits an EGARCH(1,1). */
  static override fit(returns: Numbers, options: GarchOptions & FitOptions = {}): Egarch {
    const r = native.garchFit(f64(returns), specOf('egarch', options), fitOptionsOf(options));
    return new Egarch(r.params, r.nextVariance, options, r);
  }

  /** Fits an EGARCH(1,1) on a worker thread. */
  static override async fitAsync(returns: Numbers, options: GarchOptions & FitOptions = {}): Promise<Egarch> {
    const r = await native.garchFitAsync(f64(returns), specOf('egarch', options), fitOptionsOf(options));
    return new Egarch(r.params, r.nextVariance, options, r);
  }
}

// ---------------------------------------------------------------------------------------------
// DCC

/** Options of a DCC fit. */
export interface DccOptions extends FitOptions {
  /** Univariate model of every asset; default GARCH(1,1), Normal, constant mean. */
  univariate?: GarchOptions & { kind?: GarchKind };
}
/** A fitted DCC model. */
export type DccFitResult = Native.DccFitResult;
/** A correlation-breakdown reading. */
export type CorrelationBreakdown = Native.CorrelationBreakdown;

/** One asset of a DCC model built from parameters. */
export interface DccAsset extends GarchOptions {
  kind?: GarchKind;
  params: GarchParams;
  /** Next-period variance. */
  variance: number;
}

type DccHandle = ReturnType<typeof native.dccFilterNew>;

function dccOptionsOf(o: DccOptions = {}): Native.DccFitOptions {
  const u = o.univariate ?? {};
  return { univariate: specOf(u.kind ?? 'garch', u), fit: fitOptionsOf(o) };
}

/**
 * DCC-GARCH(1,1) (Engle 2002, two steps) with its online state. Returns are row-major
 * `T × nAssets` (row `t` holds every asset's return at `t`); matrices are row-major
 * `nAssets × nAssets`. Up to 50 assets.
 *
 * @example
 * ```ts
 * import { Dcc } from 'tachyon';
 * const dcc = await Dcc.fitAsync(returns, 3);     // returns: Float64Array(T * 3)
 * dcc.fitResult!.a; dcc.fitResult!.b;
 * dcc.update([0.4, -1.2, 2.0]);                  // one day of returns
 * dcc.correlation();                             // next-period R (3×3)
 * dcc.breakdown(20);                             // { meanCorrelation, meanCorrelationChange, largestEigenvalueShare }
 * ```
 */
export class Dcc {
  /** Number of assets. */
  readonly nAssets: number;
  /** The fit this model came from, or `null`. */
  readonly fitResult: DccFitResult | null;
  private readonly h: DccHandle;

  /**
   * A model from parameters: univariate models, `(a, b)`, the target `Q̄` and the current `Q`
   * (row-major).
   *
   * @example
   * ```ts
   * const asset = { params: { omega: 0.02, alpha: 0.08, beta: 0.9 }, variance: 1 };
   * const dcc = new Dcc([asset, asset], 0.05, 0.9, [1, 0.3, 0.3, 1], [1, 0.3, 0.3, 1]);
   * ```
   */
  constructor(assets: readonly DccAsset[], a: number, b: number, qbar: Numbers, q: Numbers, fitResult: DccFitResult | null = null) {
    this.h = native.dccFilterNew(
      assets.map((x) => ({ spec: specOf(x.kind ?? 'garch', x), params: x.params, variance: x.variance })),
      a,
      b,
      f64(qbar),
      f64(q),
    );
    this.nAssets = assets.length;
    this.fitResult = fitResult;
  }

  private static fromFit(r: DccFitResult, o: DccOptions): Dcc {
    const u = o.univariate ?? {};
    const assets = r.univariate.map((f) => ({ ...u, params: f.params, variance: f.nextVariance }));
    return new Dcc(assets, r.a, r.b, r.qbar, r.qNext, r);
  }

  /**
   * Fits both steps (blocks; see {@link Dcc.fitAsync}).
   *
   * @example
   * ```ts
   * const dcc = Dcc.fit(returns, 2, { univariate: { kind: 'gjr' } });
   * ```
   */
  static fit(returns: Numbers, nAssets: number, options: DccOptions = {}): Dcc {
    return Dcc.fromFit(native.dccFit(f64(returns), nAssets, dccOptionsOf(options)), options);
  }

  /**
   * {@link Dcc.fit} on a worker thread.
   *
   * @example
   * ```ts
   * const dcc = await Dcc.fitAsync(returns, 10);
   * ```
   */
  static async fitAsync(returns: Numbers, nAssets: number, options: DccOptions = {}): Promise<Dcc> {
    return Dcc.fromFit(await native.dccFitAsync(f64(returns), nAssets, dccOptionsOf(options)), options);
  }

  /**
   * Applies one vector of returns (one per asset); `false` if skipped (a non-finite value).
   *
   * @example
   * ```ts
   * dcc.update(new Float64Array([0.1, -0.3]));
   * ```
   */
  update(returns: Numbers): boolean {
    return native.dccFilterUpdate(this.h, f64(returns));
  }

  /**
   * Applies one vector of standardised residuals from your own volatility models (correlation
   * only).
   *
   * @example
   * ```ts
   * dcc.updateStandardized([0.8, -1.1]);
   * ```
   */
  updateStandardized(z: Numbers): boolean {
    return native.dccFilterUpdateStandardized(this.h, f64(z));
  }

  /**
   * Next-period correlation matrix (row-major). Pass `out` (length `nAssets²`) to fill it in
   * place without allocating.
   *
   * @example
   * ```ts
   * const r = new Float64Array(dcc.nAssets ** 2);
   * dcc.update(day);
   * dcc.correlation(r);
   * ```
   */
  correlation(out?: Float64Array): Float64Array {
    if (out === undefined) return native.dccFilterCorrelation(this.h);
    native.dccFilterCorrelationInto(this.h, out);
    return out;
  }

  /** Next-period covariance matrix `D R D` (row-major). */
  covariance(): Float64Array {
    return native.dccFilterCovariance(this.h);
  }

  /** Next-period variances of the assets. */
  variances(): Float64Array {
    return native.dccFilterVariances(this.h);
  }

  /**
   * Correlation forecasts for 1…`horizon` periods ahead (each row-major), reverting to `Q̄`.
   *
   * @example
   * ```ts
   * const [r1, r2] = dcc.forecast(2);
   * ```
   */
  forecast(horizon: number): Float64Array[] {
    const flat = native.dccFilterForecast(this.h, horizon);
    const m = this.nAssets * this.nAssets;
    return Array.from({ length: horizon }, (_, k) => flat.slice(k * m, (k + 1) * m));
  }

  /**
   * Correlation-breakdown indicator: mean pairwise correlation, its change over `lookback`
   * updates (default 20), and the largest eigenvalue's share of `R`.
   *
   * @example
   * ```ts
   * if (dcc.breakdown().largestEigenvalueShare > 0.8) reduceRisk();
   * ```
   */
  breakdown(lookback?: number): CorrelationBreakdown {
    return native.dccFilterBreakdown(this.h, lookback);
  }

  /** Counters: updates applied and skipped. */
  stats(): ModelStreamStats {
    return native.dccFilterStats(this.h);
  }
}

// ---------------------------------------------------------------------------------------------
// VPIN

/** Options of VPIN. */
export interface VpinOptions {
  /** Volume per bucket (> 0), e.g. average daily volume / 50. */
  bucketVolume: number;
  /** Buckets in the window; default 50. */
  window?: number;
  /**
   * σ of price changes for bulk classification: a number (fixed), `'expanding'` (all changes
   * so far; streaming default), `'sample'` (full sample; batch default), or `{ ewma: λ }`.
   */
  sigma?: number | 'expanding' | 'sample' | { ewma: number };
  /** VPIN values kept for the streaming CDF; default 5000. */
  cdfHistory?: number;
}
/** VPIN over arrays. */
export type VpinSeries = Native.VpinSeries;
/** Counters of a streaming VPIN. */
export type VpinStats = Native.VpinStats;

function vpinConfig(o: VpinOptions): Native.VpinConfig {
  const s = o.sigma;
  return {
    bucketVolume: o.bucketVolume,
    window: o.window,
    cdfHistory: o.cdfHistory,
    sigma: typeof s === 'number' ? s : undefined,
    sigmaMode: s === undefined ? undefined : typeof s === 'number' ? 'fixed' : typeof s === 'string' ? s : 'ewma',
    ewmaLambda: typeof s === 'object' ? s.ewma : undefined,
  };
}

/**
 * VPIN over arrays of bar prices and volumes (σ from the full sample unless given).
 *
 * @example
 * ```ts
 * import { vpin } from 'tachyon';
 * const { byBar, byBucket } = vpin(closes, volumes, { bucketVolume: adv / 50 });
 * ```
 */
export function vpin(prices: Numbers, volumes: Numbers, options: VpinOptions): VpinSeries {
  return native.vpin(f64(prices), f64(volumes), vpinConfig(options));
}

/**
 * Empirical CDF of each value within a series (`#{x_j ≤ x_i}/m`; NaN stays NaN), e.g. to set
 * VPIN alert thresholds.
 *
 * @example
 * ```ts
 * const cdf = vpinCdf(vpin(p, v, opts).byBucket);
 * const alert = cdf.map((c) => c > 0.99);
 * ```
 */
export function vpinCdf(values: Numbers): Float64Array {
  return native.empiricalCdf(f64(values));
}

type VpinHandle = ReturnType<typeof native.vpinNew>;

/**
 * Streaming VPIN: one bar (or trade) per `update`, equal-volume buckets with carry-over.
 *
 * @example
 * ```ts
 * import { Vpin } from 'tachyon';
 * const v = new Vpin({ bucketVolume: 10_000, window: 50 });
 * for (const bar of bars) v.update(bar.close, bar.volume);
 * if (v.value !== null && v.cdf()! > 0.99) alert('toxic flow');
 * ```
 */
export class Vpin {
  private readonly h: VpinHandle;

  constructor(options: VpinOptions) {
    this.h = native.vpinNew(vpinConfig(options));
  }

  /** Applies one bar; returns the number of buckets it completed. Bad bars are counted. */
  update(price: number, volume: number): number {
    return native.vpinUpdate(this.h, price, volume);
  }

  /** Applies many bars with one call; returns VPIN as of each (NaN before the window fills). */
  updateMany(prices: Numbers, volumes: Numbers): Float64Array {
    return native.vpinUpdateMany(this.h, f64(prices), f64(volumes));
  }

  /** Current VPIN, or `null` before `window` buckets are complete. */
  get value(): number | null {
    return native.vpinValue(this.h);
  }

  /** Empirical CDF of the current VPIN (or of `x`) among the kept history. */
  cdf(x?: number): number | null {
    return native.vpinCdf(this.h, x);
  }

  /** The `p`-quantile of the kept VPIN history, e.g. an alert threshold. */
  quantile(p: number): number | null {
    return native.vpinQuantile(this.h, p);
  }

  /** Counters: bars applied and skipped, buckets, current σ and bucket fill. */
  stats(): VpinStats {
    return native.vpinStats(this.h);
  }
}

// ---------------------------------------------------------------------------------------------
// Realized and range volatility

/** Rolling OHLC estimator. */
export type RangeEstimator = 'closeToClose' | 'parkinson' | 'garmanKlass' | 'rogersSatchell' | 'yangZhang';
/** Options of the OHLC estimators. */
export interface RangeVolOptions {
  /** Default `'yangZhang'`. */
  estimator?: RangeEstimator;
  /** Bars in the window; default 20. */
  window?: number;
  /** Periods per year to annualise (e.g. 252); default 1. */
  annualization?: number;
}

/**
 * Realized variance `Σ r²`.
 *
 * @example
 * ```ts
 * realizedVariance(intradayLogReturns);
 * ```
 */
export function realizedVariance(returns: Numbers): number {
  return native.realizedVariance(f64(returns));
}

/**
 * Bipower variation `(π/2) Σ |r_t||r_{t−1}|` (jump-robust).
 *
 * @example
 * ```ts
 * const jumps = realizedVariance(r) - bipowerVariation(r);
 * ```
 */
export function bipowerVariation(returns: Numbers): number {
  return native.bipowerVariation(f64(returns));
}

/**
 * Rolling OHLC volatility (TTR `volatility()` conventions), one value per bar, NaN during the
 * warm-up.
 *
 * @example
 * ```ts
 * const yz = rangeVolatility(o, h, l, c, { estimator: 'yangZhang', window: 20, annualization: 252 });
 * ```
 */
export function rangeVolatility(open: Numbers, high: Numbers, low: Numbers, close: Numbers, options: RangeVolOptions = {}): Float64Array {
  return native.rangeVolatility(f64(open), f64(high), f64(low), f64(close), options);
}

/**
 * Streaming rolling OHLC volatility.
 *
 * @example
 * ```ts
 * const yz = new RangeVolatility({ window: 20 });
 * const v = yz.update(o, h, l, c); // null until the window is full
 * ```
 */
export class RangeVolatility {
  private readonly h: ReturnType<typeof native.rangeVolNew>;

  constructor(options: RangeVolOptions = {}) {
    this.h = native.rangeVolNew(options);
  }

  /** Applies one bar; the volatility, or `null` (warm-up or a skipped invalid bar). */
  update(open: number, high: number, low: number, close: number): number | null {
    return native.rangeVolUpdate(this.h, open, high, low, close);
  }

  /** Counters. */
  stats(): ModelStreamStats {
    return native.rangeVolStats(this.h);
  }
}

// ---------------------------------------------------------------------------------------------
// Microstructure

/**
 * Multi-level order-flow imbalance (Cont-Kukanov-Stoikov) over `n` L2 snapshots given as
 * row-major `n × levels` arrays; returns `(n − 1) × levels` values. A level with quantity 0 is
 * absent.
 *
 * @example
 * ```ts
 * const ofi = orderFlowImbalance(bidPx, bidQty, askPx, askQty, 5);
 * ```
 */
export function orderFlowImbalance(bidPx: Numbers, bidQty: Numbers, askPx: Numbers, askQty: Numbers, levels: number): Float64Array {
  return native.orderFlowImbalance(f64(bidPx), f64(bidQty), f64(askPx), f64(askQty), levels);
}

/**
 * Streaming multi-level order-flow imbalance.
 *
 * @example
 * ```ts
 * const t = new OrderFlowImbalance(3);
 * t.update(bidPx, bidQty, askPx, askQty); // null for the first snapshot
 * t.cumulative();
 * ```
 */
export class OrderFlowImbalance {
  private readonly h: ReturnType<typeof native.ofiNew>;

  constructor(levels: number) {
    this.h = native.ofiNew(levels);
  }

  /** Applies a snapshot (best level first); per-level imbalance, or `null` (first/invalid). */
  update(bidPx: Numbers, bidQty: Numbers, askPx: Numbers, askQty: Numbers): Float64Array | null {
    return native.ofiUpdate(this.h, f64(bidPx), f64(bidQty), f64(askPx), f64(askQty));
  }

  /** Cumulative imbalance per level. */
  cumulative(): Float64Array {
    return native.ofiCumulative(this.h);
  }

  /** Counters. */
  stats(): ModelStreamStats {
    return native.ofiStats(this.h);
  }
}

/**
 * Size-weighted mid `(bid·askQty + ask·bidQty)/(bidQty + askQty)` per quote.
 *
 * @example
 * ```ts
 * weightedMid([100], [3], [101], [1]); // Float64Array [100.75]
 * ```
 */
export function weightedMid(bid: Numbers, bidQty: Numbers, ask: Numbers, askQty: Numbers): Float64Array {
  return native.weightedMid(f64(bid), f64(bidQty), f64(ask), f64(askQty));
}

/** Rolling Kyle's lambda over arrays. */
export type KyleSeries = Native.KyleSeries;
/** One Kyle's-lambda estimate. */
export type KyleEstimate = Native.KyleEstimate;

/**
 * Rolling Kyle's lambda: OLS of price changes on signed flow over `window` observations.
 *
 * @example
 * ```ts
 * const { lambda, r2 } = kyleLambda(priceChanges, signedVolume, 50);
 * ```
 */
export function kyleLambda(priceChange: Numbers, signedFlow: Numbers, window: number): KyleSeries {
  return native.kyleLambda(f64(priceChange), f64(signedFlow), window);
}

/**
 * Streaming Kyle's lambda.
 *
 * @example
 * ```ts
 * const k = new KyleLambda(50);
 * const e = k.update(dp, signedVolume); // { lambda, intercept, r2 } or null
 * ```
 */
export class KyleLambda {
  private readonly h: ReturnType<typeof native.kyleNew>;

  constructor(window: number) {
    this.h = native.kyleNew(window);
  }

  /** Adds an observation; the estimate, or `null`. */
  update(priceChange: number, signedFlow: number): KyleEstimate | null {
    return native.kyleUpdate(this.h, priceChange, signedFlow);
  }

  /** Counters. */
  stats(): ModelStreamStats {
    return native.kyleStats(this.h);
  }
}

/**
 * Rolling Amihud illiquidity `mean(|r| / dollarVolume) × scale` (NaN during warm-up).
 *
 * @example
 * ```ts
 * const illiq = amihud(returns, dollarVolume, 21, 1e6);
 * ```
 */
export function amihud(returns: Numbers, dollarVolume: Numbers, window: number, scale?: number): Float64Array {
  return native.amihud(f64(returns), f64(dollarVolume), window, scale);
}

/**
 * Streaming Amihud illiquidity.
 *
 * @example
 * ```ts
 * const a = new Amihud(21, 1e6);
 * a.update(ret, dollarVolume); // number or null
 * ```
 */
export class Amihud {
  private readonly h: ReturnType<typeof native.amihudNew>;

  constructor(window: number, scale?: number) {
    this.h = native.amihudNew(window, scale);
  }

  /** Adds an observation; the measure once the window is full, else `null`. */
  update(ret: number, dollarVolume: number): number | null {
    return native.amihudUpdate(this.h, ret, dollarVolume);
  }

  /** Counters (days without volume are skipped). */
  stats(): ModelStreamStats {
    return native.amihudStats(this.h);
  }
}

/** Rolling Roll spread over arrays. */
export type RollSeries = Native.RollSeries;
/** One Roll-spread estimate. */
export type RollEstimate = Native.RollEstimate;

/**
 * Rolling Roll (1984) spread `2√(−Cov(Δp_t, Δp_{t−1}))` (0 where the autocovariance is not
 * negative).
 *
 * @example
 * ```ts
 * const { spread } = rollSpread(tradePrices, 100);
 * ```
 */
export function rollSpread(prices: Numbers, window: number): RollSeries {
  return native.rollSpread(f64(prices), window);
}

/**
 * Streaming Roll spread.
 *
 * @example
 * ```ts
 * const r = new RollSpread(100);
 * r.update(price); // { spread, autocov } or null
 * ```
 */
export class RollSpread {
  private readonly h: ReturnType<typeof native.rollNew>;

  constructor(window: number) {
    this.h = native.rollNew(window);
  }

  /** Adds a trade price; the estimate, or `null`. */
  update(price: number): RollEstimate | null {
    return native.rollUpdate(this.h, price);
  }

  /** Counters. */
  stats(): ModelStreamStats {
    return native.rollStats(this.h);
  }
}

/**
 * Effective spread per trade: `2·side·(price − mid)` (`2|price − mid|` without sides), divided
 * by the mid when `relative`.
 *
 * @example
 * ```ts
 * effectiveSpread([100.02], [100], { side: [1] }); // Float64Array [0.04]
 * ```
 */
export function effectiveSpread(price: Numbers, mid: Numbers, options: { side?: Numbers; relative?: boolean } = {}): Float64Array {
  return native.effectiveSpread(f64(price), f64(mid), options.side === undefined ? undefined : f64(options.side), options.relative);
}

/** Options of the micro-price fit. */
export type MicropriceOptions = Native.MicropriceOptions;
/** The fitted micro-price table (edges, adjustments, first moves). */
export type MicropriceTable = Native.MicropriceTable;

/**
 * Stoikov's micro-price: the expected future mid given spread and order-book imbalance,
 * estimated from quotes sampled at regular intervals (an absorbing Markov chain on
 * `(spread, imbalance bucket)`).
 *
 * @example
 * ```ts
 * import { Microprice } from 'tachyon';
 * const mp = Microprice.fit(bid, ask, bidQty, askQty, { tick: 0.01, imbalanceBuckets: 10 });
 * mp.price(100.0, 100.01, 900, 100);  // > the mid: the bid queue is much larger
 * mp.table().adjustment;             // G* per (spread, bucket)
 * ```
 */
export class Microprice {
  private constructor(private readonly h: ReturnType<typeof native.micropriceFit>) {}

  /** Fits the model. */
  static fit(bid: Numbers, ask: Numbers, bidQty: Numbers, askQty: Numbers, options: MicropriceOptions): Microprice {
    return new Microprice(native.micropriceFit(f64(bid), f64(ask), f64(bidQty), f64(askQty), options));
  }

  /** Micro-price of one quote, or `null` if its spread is outside the fitted states. */
  price(bid: number, ask: number, bidQty: number, askQty: number): number | null {
    return native.micropriceValue(this.h, bid, ask, bidQty, askQty);
  }

  /** Micro-prices of many quotes (NaN outside the fitted spread states). */
  prices(bid: Numbers, ask: Numbers, bidQty: Numbers, askQty: Numbers): Float64Array {
    return native.micropriceMany(this.h, f64(bid), f64(ask), f64(bidQty), f64(askQty));
  }

  /** The fitted table. */
  table(): MicropriceTable {
    return native.micropriceTable(this.h);
  }
}
