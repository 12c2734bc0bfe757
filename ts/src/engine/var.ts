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
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';

export type { VarResult } from '../../../native/index.js';

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
