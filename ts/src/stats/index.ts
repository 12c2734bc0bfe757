/**
 * Statistics and regimes: unit-root and residual tests, extreme value theory, multiple testing,
 * isotonic calibration, Gaussian hidden Markov models, Monte Carlo paths and distribution
 * functions. Everything runs in Rust (`crates/stats`); inputs are `Float64Array`s (plain number
 * arrays are copied into one).
 *
 * Every estimator is checked against an independent implementation on real data (statsmodels,
 * scipy, R urca/tseries/evd/stats, hmmlearn, scikit-learn; see `crates/stats/tests/fixtures`).
 *
 * Bad input throws a {@link TachyonError}-shaped error with a stable `code`:
 * `ERR_NOT_FINITE` (NaN/±Infinity), `ERR_TOO_SHORT`, `ERR_CONSTANT_SERIES`,
 * `ERR_LENGTH_MISMATCH`, `ERR_INVALID_PARAMETER`, `ERR_INVALID_ARG` (option misuse),
 * `ERR_SINGULAR`, `ERR_NO_CONVERGENCE`. The `…Async` forms run on the libuv thread pool and
 * reject with the same codes.
 *
 * @example
 * ```ts
 * import { adfTest, jarqueBera, ljungBox } from 'tachyon';
 * const logPrices = Float64Array.from(closes, Math.log);
 * adfTest(logPrices).pValue;                 // unit root not rejected for prices, typically
 * const r = logPrices.slice(1).map((p, i) => p - logPrices[i]!);
 * jarqueBera(r).pValue;                      // fat tails: ~0
 * ljungBox(r.map((x) => x * x), { lags: 10 }).pValue; // volatility clustering: small p-values
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';

/** A numeric series: a `Float64Array` (passed without copying) or any array of numbers. */
export type Series = Float64Array | ArrayLike<number>;

function f64(x: Series): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

export type {
  AdfRegression,
  AdfAutolag,
  AdfTestOptions,
  AdfTestResult,
  JarqueBeraResult,
  LjungBoxOptions,
  LjungBoxResult,
  PAdjustMethod,
  IsotonicOptions,
  CalibratorKnots,
  GpdFitResult,
  PotOptions,
  PotFitResult,
  TailRisk,
  HmmOptions,
  HmmModel,
  HmmFitResult,
  BaumWelchOptions,
  HmmViterbi,
  HmmPosteriors,
  HmmFilterStats,
  ProcessOptions,
  SimulationOptions,
  SimulatedPaths,
  PathGeneratorOptions,
  PathGeneratorState,
} from '../../../native/index.js';

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/**
 * Augmented Dickey–Fuller unit-root test, as statsmodels `adfuller`: lag choice by AIC (default),
 * BIC, the t-stat rule or fixed (`autolag: 'none'`, lag = `maxLag`); MacKinnon (1994) p-value and
 * MacKinnon (2010) critical values.
 *
 * @example
 * ```ts
 * const r = adfTest(spread, { regression: 'c', autolag: 'bic' });
 * if (r.pValue < 0.05) console.log(`mean-reverting (ADF ${r.statistic.toFixed(2)}, lag ${r.usedLag})`);
 * r.criticalValues; // [1%, 5%, 10%]
 * ```
 */
export function adfTest(x: Series, options?: Native.AdfTestOptions): Native.AdfTestResult {
  return native.adfTest(f64(x), options);
}

/**
 * Jarque–Bera normality test (biased skewness and kurtosis, χ²₂ p-value).
 *
 * @example
 * ```ts
 * const { statistic, pValue, skewness, kurtosis } = jarqueBera(returns);
 * ```
 */
export function jarqueBera(x: Series): Native.JarqueBeraResult {
  return native.jarqueBera(f64(x));
}

/**
 * Ljung–Box and Box–Pierce tests for lags 1…`lags` (default `min(10, n/5)`); `modelDf` is
 * subtracted from each lag's degrees of freedom (R `Box.test(fitdf = …)`), and lags without
 * degrees of freedom left get `null` p-values.
 *
 * @example
 * ```ts
 * const lb = ljungBox(residuals, { lags: 20, modelDf: 2 });
 * lb.pValue[19]; // p-value of Q(20) on 18 degrees of freedom
 * ```
 */
export function ljungBox(x: Series, options?: Native.LjungBoxOptions): Native.LjungBoxResult {
  return native.ljungBox(f64(x), options);
}

/**
 * Sample autocorrelations at lags 0…`nlags` (index 0 is 1).
 *
 * @example
 * ```ts
 * const rho = acf(returns, 5); // Float64Array [1, ρ₁, …, ρ₅]
 * ```
 */
export function acf(x: Series, nlags: number): Float64Array {
  return native.acf(f64(x), nlags);
}

// ---------------------------------------------------------------------------------------------
// Multiple testing and isotonic calibration
// ---------------------------------------------------------------------------------------------

/**
 * Adjusted p-values in input order, as R `p.adjust`: `'bonferroni'`, `'holm'`, `'hochberg'`,
 * `'BH'` (Benjamini–Hochberg FDR) or `'BY'` (Benjamini–Yekutieli).
 *
 * @example
 * ```ts
 * const q = pAdjust(pValues, 'BH');
 * const discoveries = [...q].filter((v) => v < 0.1).length;
 * ```
 */
export function pAdjust(p: Series, method: Native.PAdjustMethod): Float64Array {
  return native.pAdjust(f64(p), method);
}

/**
 * Bonferroni-adjusted p-values: `min(1, m·p)`.
 *
 * @example
 * ```ts
 * bonferroni([0.01, 0.04, 0.3]); // Float64Array [0.03, 0.12, 0.8999999999999999]
 * ```
 */
export function bonferroni(p: Series): Float64Array {
  return native.pAdjust(f64(p), 'bonferroni');
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values).
 *
 * @example
 * ```ts
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.2]); // [0.04, 0.0533…, 0.0533…, 0.2]
 * ```
 */
export function benjaminiHochberg(p: Series): Float64Array {
  return native.pAdjust(f64(p), 'BH');
}

/**
 * Weighted isotonic regression (pool-adjacent-violators) of `y` in its given order.
 *
 * @example
 * ```ts
 * isotonicRegression([1, 3, 2, 4]);                           // [1, 2.5, 2.5, 4]
 * isotonicRegression([1, 3, 2, 4], { weights: [1, 1, 3, 1] }); // [1, 2.25, 2.25, 4]
 * ```
 */
export function isotonicRegression(y: Series, options?: Native.IsotonicOptions): Float64Array {
  return native.isotonicRegression(f64(y), options);
}

/**
 * A monotone map from model scores to calibrated probabilities: fitted by isotonic regression on
 * (score, outcome) pairs (tied scores pooled), predicting by linear interpolation between the
 * fitted points and clipping outside them (scikit-learn `IsotonicRegression`'s convention).
 *
 * @example
 * ```ts
 * const cal = IsotonicCalibrator.fit(trainScores, trainLabels); // labels 0/1
 * const p = cal.predict(0.73);            // calibrated probability for one score
 * const ps = cal.predictBatch(testScores); // Float64Array
 * const saved = cal.knots();              // { scores, values } → IsotonicCalibrator.fromKnots(...)
 * ```
 */
export class IsotonicCalibrator {
  private constructor(private readonly h: ReturnType<typeof native.calibratorFit>) {}

  /** Fits on scores and outcomes (optionally weighted). */
  static fit(scores: Series, outcomes: Series, weights?: Series): IsotonicCalibrator {
    return new IsotonicCalibrator(
      native.calibratorFit(f64(scores), f64(outcomes), weights === undefined ? undefined : f64(weights)),
    );
  }

  /** Rebuilds a calibrator from saved knots. */
  static fromKnots(knots: Native.CalibratorKnots): IsotonicCalibrator {
    return new IsotonicCalibrator(native.calibratorFromKnots(f64(knots.scores), f64(knots.values)));
  }

  /** The calibrated value of one score (NaN throws `ERR_NOT_FINITE`). */
  predict(score: number): number {
    return native.calibratorPredict(this.h, score);
  }

  /** The calibrated values of many scores. */
  predictBatch(scores: Series): Float64Array {
    return native.calibratorPredictBatch(this.h, f64(scores));
  }

  /** The fitted knots. */
  knots(): Native.CalibratorKnots {
    return native.calibratorKnots(this.h);
  }
}

// ---------------------------------------------------------------------------------------------
// Extreme value theory
// ---------------------------------------------------------------------------------------------

/**
 * Maximum-likelihood generalized Pareto fit of positive excesses (shape ξ as scipy's `c` and R
 * evd's `shape`), with observed-information standard errors.
 *
 * @example
 * ```ts
 * const g = gpdFit(excesses);
 * g.shape; g.scale; g.seShape; g.status; // 'converged' | 'irregular_shape' | 'singular_information'
 * ```
 */
export function gpdFit(excesses: Series): Native.GpdFitResult {
  return native.gpdFit(f64(excesses));
}

/**
 * {@link gpdFit} on a worker thread.
 *
 * @example
 * ```ts
 * const g = await gpdFitAsync(excesses);
 * ```
 */
export async function gpdFitAsync(excesses: Series): Promise<Native.GpdFitResult> {
  return native.gpdFitAsync(f64(excesses));
}

/**
 * Peaks over threshold: a GPD tail for `data` (losses as positive numbers) over `threshold` or
 * the `quantile` of the data (default 0.9), with VaR and ES from the McNeil–Frey formulas at
 * `levels` (default 0.99, 0.995, 0.999 where the tail covers them).
 *
 * @example
 * ```ts
 * const losses = returns.map((r) => -r);
 * const pot = potFit(losses, { quantile: 0.95, levels: [0.99] });
 * pot.risk[0]; // { level: 0.99, var: …, es: … }
 * ```
 */
export function potFit(data: Series, options?: Native.PotOptions): Native.PotFitResult {
  return native.potFit(f64(data), options);
}

/**
 * {@link potFit} on a worker thread.
 *
 * @example
 * ```ts
 * const pot = await potFitAsync(losses, { quantile: 0.9 });
 * ```
 */
export async function potFitAsync(data: Series, options?: Native.PotOptions): Promise<Native.PotFitResult> {
  return native.potFitAsync(f64(data), options);
}

/**
 * VaR and ES at another level from a {@link potFit} result (`level` must exceed
 * `1 − nExceed/nTotal`, else `ERR_INVALID_PARAMETER`).
 *
 * @example
 * ```ts
 * const { var: var999, es } = potVarEs(pot, 0.999);
 * ```
 */
export function potVarEs(fit: Native.PotFitResult, level: number): Native.TailRisk {
  return native.potVarEs(fit, level);
}

/**
 * The `q`-quantile of `data` with linear interpolation (numpy's default), e.g. a POT threshold.
 *
 * @example
 * ```ts
 * thresholdQuantile([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function thresholdQuantile(data: Series, q: number): number {
  return native.thresholdQuantile(f64(data), q);
}

// ---------------------------------------------------------------------------------------------
// Gaussian HMM
// ---------------------------------------------------------------------------------------------

/**
 * Fits a `states`-state Gaussian HMM (diagonal covariances; `features` values per observation,
 * row-major) by Baum–Welch from `restarts` seeded random starts. States are ordered by the
 * variance of the first feature: state 0 is the calmest regime. `converged` says whether the
 * tolerance (rather than `maxIter`) stopped EM.
 *
 * @example
 * ```ts
 * const fit = hmmFit(returns, { states: 2, restarts: 5, seed: 1 });
 * fit.model.variances; // [calm, turbulent]
 * const { path } = hmmViterbi(returns, fit.model);
 * ```
 */
export function hmmFit(x: Series, options?: Native.HmmOptions): Native.HmmFitResult {
  return native.hmmFit(f64(x), options);
}

/**
 * {@link hmmFit} on a worker thread (identical result for identical input).
 *
 * @example
 * ```ts
 * const fit = await hmmFitAsync(returns, { states: 3 });
 * ```
 */
export async function hmmFitAsync(x: Series, options?: Native.HmmOptions): Promise<Native.HmmFitResult> {
  return native.hmmFitAsync(f64(x), options);
}

/**
 * Baum–Welch from given starting parameters (no restarts, no reordering).
 *
 * @example
 * ```ts
 * const refit = hmmBaumWelch(newReturns, fit.model, { maxIter: 50 });
 * ```
 */
export function hmmBaumWelch(x: Series, model: Native.HmmModel, options?: Native.BaumWelchOptions): Native.HmmFitResult {
  return native.hmmBaumWelch(f64(x), model, options);
}

/**
 * Log-likelihood of `x` under `model`.
 *
 * @example
 * ```ts
 * hmmLogLikelihood(returns, fit.model) === fit.logLikelihood; // true
 * ```
 */
export function hmmLogLikelihood(x: Series, model: Native.HmmModel): number {
  return native.hmmLogLikelihood(f64(x), model);
}

/**
 * The most likely state path (Viterbi) and its joint log-probability.
 *
 * @example
 * ```ts
 * const { path, logProb } = hmmViterbi(returns, fit.model); // path: Uint32Array
 * ```
 */
export function hmmViterbi(x: Series, model: Native.HmmModel): Native.HmmViterbi {
  return native.hmmViterbi(f64(x), model);
}

/**
 * Smoothed state probabilities `P(state_t = j | all data)`, n×k row-major.
 *
 * @example
 * ```ts
 * const { probabilities } = hmmPosteriors(returns, fit.model);
 * const pTurbulentLastDay = probabilities[(returns.length - 1) * 2 + 1];
 * ```
 */
export function hmmPosteriors(x: Series, model: Native.HmmModel): Native.HmmPosteriors {
  return native.hmmPosteriors(f64(x), model);
}

/**
 * The online forward filter: the current regime probabilities `P(state_t | x_1…x_t)`, updated one
 * observation at a time (no look-ahead, unlike {@link hmmPosteriors}). A NaN/∞ or wrong-length
 * observation throws and is counted in `stats().rejected`; the state is left unchanged.
 *
 * @example
 * ```ts
 * const filter = new HmmFilter(fit.model);
 * for (const r of liveReturns) {
 *   const regime = filter.update(r);   // most probable state now
 *   const p = filter.probabilities();  // Float64Array of k probabilities
 * }
 * filter.stats(); // { steps, rejected, logLikelihood, regime }
 * ```
 */
export class HmmFilter {
  private readonly h: ReturnType<typeof native.hmmFilterNew>;
  /** Number of states. */
  readonly states: number;
  /** Values per observation. */
  readonly features: number;

  constructor(model: Native.HmmModel) {
    this.h = native.hmmFilterNew(model);
    this.states = model.states;
    this.features = model.features;
  }

  /** Feeds one observation (a number, or `features` numbers); returns the most probable regime. */
  update(x: number | Series): number {
    return typeof x === 'number' ? native.hmmFilterUpdate(this.h, x) : native.hmmFilterUpdateVector(this.h, f64(x));
  }

  /** Feeds many observations (row-major); returns the filtered probabilities after each (n×k). */
  updateBatch(xs: Series): Float64Array {
    return native.hmmFilterUpdateBatch(this.h, f64(xs));
  }

  /** Current regime probabilities (into `out` if given, to avoid an allocation per tick). */
  probabilities(out: Float64Array = new Float64Array(this.states)): Float64Array {
    native.hmmFilterProbabilities(this.h, out);
    return out;
  }

  /** One-step-ahead regime probabilities `P(state_{t+1} | x_1…x_t)`. */
  predictNext(): Float64Array {
    return native.hmmFilterPredict(this.h);
  }

  /** Steps, rejections, log-likelihood so far and the current regime. */
  stats(): Native.HmmFilterStats {
    return native.hmmFilterStats(this.h);
  }

  /** Back to the initial distribution (counters included). */
  reset(): void {
    native.hmmFilterReset(this.h);
  }
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo
// ---------------------------------------------------------------------------------------------

/**
 * Seeded Monte Carlo paths: `paths × (steps + 1)` values row-major (column 0 is the initial
 * value). Processes: `'gbm'` (exact), `'merton'` jump-diffusion (exact; `mu` is the total drift,
 * jumps compensated), `'heston'` (Andersen's QE scheme with martingale correction; `variances` is
 * filled too) and `'ou'` (exact). Path `p` depends only on the seed, not on `paths`, and the
 * same seed gives bit-identical paths on every platform.
 *
 * @example
 * ```ts
 * const { values } = mcSimulate(
 *   { model: 'heston', s0: 100, mu: 0.05, v0: 0.04, kappa: 2, theta: 0.04, xi: 0.5, rho: -0.7 },
 *   { paths: 10_000, steps: 252, dt: 1 / 252, seed: 42 },
 * );
 * const terminal = Array.from({ length: 10_000 }, (_, p) => values[p * 253 + 252]!);
 * ```
 */
export function mcSimulate(process: Native.ProcessOptions, options: Native.SimulationOptions): Native.SimulatedPaths {
  return native.mcSimulate(process, options);
}

/**
 * {@link mcSimulate} on a worker thread (identical paths).
 *
 * @example
 * ```ts
 * const { values } = await mcSimulateAsync({ model: 'gbm', s0: 100, mu: 0.05, sigma: 0.2 }, { paths: 1e5, steps: 50, dt: 0.02 });
 * ```
 */
export async function mcSimulateAsync(
  process: Native.ProcessOptions,
  options: Native.SimulationOptions,
): Promise<Native.SimulatedPaths> {
  return native.mcSimulateAsync(process, options);
}

/**
 * One path generated step by step — path `stream` of {@link mcSimulate} with the same process,
 * `dt` and seed — e.g. to drive a synthetic market.
 *
 * @example
 * ```ts
 * const px = new PathGenerator({ model: 'merton', s0: 65_000, mu: 0, sigma: 0.6, lambda: 20, jumpMean: 0, jumpStd: 0.02 },
 *                              { dt: 1 / (365 * 24 * 3600), seed: 7 });
 * const next = px.next();          // one step
 * const buf = px.fill(new Float64Array(1000)); // 1000 steps
 * ```
 */
export class PathGenerator {
  private readonly h: ReturnType<typeof native.pathGeneratorNew>;

  constructor(process: Native.ProcessOptions, options: Native.PathGeneratorOptions) {
    this.h = native.pathGeneratorNew(process, options);
  }

  /** Advances one step and returns the new value. */
  next(): number {
    return native.pathGeneratorNext(this.h);
  }

  /** Advances `out.length` steps, writing each value; returns `out`. */
  fill(out: Float64Array): Float64Array {
    native.pathGeneratorFill(this.h, out);
    return out;
  }

  /** Current value, variance (Heston) and step count. */
  state(): Native.PathGeneratorState {
    return native.pathGeneratorState(this.h);
  }
}

// ---------------------------------------------------------------------------------------------
// Distribution functions
// ---------------------------------------------------------------------------------------------

/**
 * Standard normal CDF Φ(x), accurate in the tails (relative error < 1e-14).
 *
 * @example
 * ```ts
 * normCdf(-1.959963984540054); // 0.025
 * ```
 */
export function normCdf(x: number): number {
  return native.normCdf(x);
}

/**
 * Standard normal quantile Φ⁻¹(p); `p` outside [0, 1] throws `ERR_INVALID_ARG`.
 *
 * @example
 * ```ts
 * normPpf(0.975); // 1.959963984540054
 * ```
 */
export function normPpf(p: number): number {
  return native.normPpf(p);
}

/**
 * Student-t CDF with `nu > 0` degrees of freedom.
 *
 * @example
 * ```ts
 * tCdf(2.0, 5); // 0.9490302605850709
 * ```
 */
export function tCdf(x: number, nu: number): number {
  return native.tCdf(x, nu);
}

/**
 * Student-t quantile with `nu > 0` degrees of freedom.
 *
 * @example
 * ```ts
 * tPpf(0.975, 10); // 2.228138851986274
 * ```
 */
export function tPpf(p: number, nu: number): number {
  return native.tPpf(p, nu);
}

/**
 * Chi-square upper-tail probability with `k > 0` degrees of freedom (a p-value).
 *
 * @example
 * ```ts
 * chi2Sf(3.841458820694124, 1); // 0.05
 * ```
 */
export function chi2Sf(x: number, k: number): number {
  return native.chi2Sf(x, k);
}
