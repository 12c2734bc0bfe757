/**
 * Value at risk and expected shortfall, and position sizing, from the `tachyon-riskmath`
 * kernels. VaR and CVaR are positive losses at confidence `level` (e.g. 0.99) of a P&L sample
 * (gains positive). Historical quantiles follow numpy's default (`method="linear"`).
 *
 * @example
 * ```ts
 * import { varHistorical, positionFraction } from 'tachyon';
 * const pnl = Float64Array.from([-10, -4, -2, -1, 0, 1, 2, 3, 4, 5]);
 * varHistorical(pnl, 0.9);          // { var: 4.600000000000001, cvar: 10 }
 * positionFraction({ kind: 'kelly', winProb: 0.6, payoff: 1 }, 0.1);   // 0.05 (quarter Kelly)
 *
 * // Parametric and Monte Carlo VaR of a portfolio from vols (e.g. GARCH) and a correlation
 * // matrix (e.g. DCC R_t):
 * const book = { weights: [50_000, 30_000], mu: [0, 0], sd: [0.02, 0.03], corr: [1, 0.6, 0.6, 1] };
 * varPortfolioParametric(book, 0.99);                     // normal
 * varPortfolioParametric(book, 0.99, { nu: 5 });          // Student-t, 5 dof
 * await varPortfolioMonteCarloAsync(book, 0.99, { paths: 200_000, seed: 7 });
 * ```
 *
 * Parametric formulas (scipy conventions; σ is the standard deviation, also for Student-t):
 * normal `VaR = −μ + σ Φ⁻¹(α)`, `CVaR = −μ + σ φ(Φ⁻¹(α))/(1 − α)`; Student-t with
 * `s = σ √((ν − 2)/ν)`, `VaR = −μ + s t⁻¹_ν(α)`, `CVaR = −μ + s f_ν(t)(ν + t²)/((ν − 1)(1 − α))`.
 * Monte Carlo draws `μ + L z` (`L Lᵀ = D R D`; multivariate t for `nu`) from a seeded,
 * platform-independent generator.
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';

export type { VarResult, VarPortfolioOptions, VarModelOptions } from '../../../native/index.js';

function f64(x: Float64Array | readonly number[]): Float64Array {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/** Historical VaR/CVaR of a P&L (or return) sample. */
export function varHistorical(pnl: Float64Array | readonly number[], level: number): Native.VarResult {
  return native.varHistorical(f64(pnl), level);
}

/** Historical VaR/CVaR of a portfolio: scenario rows (T × N, row-major) times weights (N). */
export function varHistoricalPortfolio(
  scenarios: Float64Array | readonly number[],
  weights: Float64Array | readonly number[],
  level: number,
): Native.VarResult {
  return native.varHistoricalPortfolio(f64(scenarios), f64(weights), level);
}

/**
 * The fraction of equity a sizing rule asks for, clamped to `[-maxFraction, maxFraction]` (the
 * cap always wins; the Kelly multiplier is capped at 0.25).
 */
export function positionFraction(rule: Native.SizingOptions, maxFraction: number): number {
  return native.positionFraction(rule, maxFraction);
}

/** Parametric VaR/CVaR of one return distribution; Student-t when `model.nu` is given. */
export function varParametric(mu: number, sigma: number, level: number, model?: Native.VarModelOptions): Native.VarResult {
  return native.varParametric(mu, sigma, level, model);
}

/** Parametric VaR/CVaR of a portfolio from weights, means, volatilities and correlations. */
export function varPortfolioParametric(
  portfolio: Native.VarPortfolioOptions,
  level: number,
  model?: Native.VarModelOptions,
): Native.VarResult {
  return native.varPortfolioParametric(portfolio, level, model);
}

/** Seeded Monte Carlo VaR/CVaR of a portfolio (blocks the thread; see the async form). */
export function varPortfolioMonteCarlo(
  portfolio: Native.VarPortfolioOptions,
  level: number,
  model?: Native.VarModelOptions,
): Native.VarResult {
  return native.varPortfolioMonteCarlo(portfolio, level, model);
}

/** As {@link varPortfolioMonteCarlo}, computed on the libuv thread pool. */
export function varPortfolioMonteCarloAsync(
  portfolio: Native.VarPortfolioOptions,
  level: number,
  model?: Native.VarModelOptions,
): Promise<Native.VarResult> {
  return native.varPortfolioMonteCarloAsync(portfolio, level, model) as Promise<Native.VarResult>;
}
