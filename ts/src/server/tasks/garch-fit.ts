/**
 * Job `models.garch.fit`: maximum-likelihood fit of a GARCH(1,1) / GJR / EGARCH model (the
 * models kernel) on a worker thread of the server's pool, with variance forecasts. Params:
 * `{ returns: number[], kind?: 'garch' | 'gjr' | 'egarch', dist?: 'normal' | 'studentT',
 * horizon?: number, ...fit options }` (the options of `Garch.fit`).
 */
import { Garch } from '../../models/index.js';
import { TachyonError } from '../../errors.js';

type FitParams = Parameters<typeof Garch.fit>[1] & { returns?: unknown; horizon?: unknown };

export default function run(params: unknown): unknown {
  const p = (params ?? {}) as FitParams;
  if (typeof p !== 'object' || !Array.isArray(p.returns) || !p.returns.every((x) => typeof x === 'number'))
    throw new TachyonError('ERR_INVALID_ARG', 'params.returns must be an array of numbers');
  const horizon = p.horizon === undefined ? 10 : p.horizon;
  if (typeof horizon !== 'number' || !Number.isInteger(horizon) || horizon < 1 || horizon > 10_000)
    throw new TachyonError('ERR_INVALID_ARG', 'params.horizon must be an integer from 1 to 10000');
  const { returns, horizon: _h, ...options } = p;
  const m = Garch.fit(Float64Array.from(returns as number[]), options);
  return { fit: m.fitResult, variance: m.variance, forecast: Array.from(m.forecast(horizon)) };
}
