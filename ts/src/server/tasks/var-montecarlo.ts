/**
 * Job `risk.var.montecarlo`: Monte Carlo VaR/CVaR of a portfolio (the riskmath kernel), on a
 * worker thread of the server's pool. Params: `{ portfolio, level, model? }` as for
 * `varPortfolioMonteCarlo` (e.g. `{ portfolio: { weights, mu, sd, corr }, level: 0.99,
 * model: { paths: 200000, seed: 7 } }`).
 */
import { varPortfolioMonteCarlo, type VarModelOptions, type VarPortfolioOptions } from '../../engine/index.js';
import { TachyonError } from '../../errors.js';

export default function run(params: unknown): { var: number; cvar: number } {
  const p = params as { portfolio?: VarPortfolioOptions; level?: number; model?: VarModelOptions } | null;
  if (!p || typeof p !== 'object' || !p.portfolio || typeof p.level !== 'number')
    throw new TachyonError('ERR_INVALID_ARG', 'params must be { portfolio: { weights, mu, sd, corr }, level, model? }');
  const r = varPortfolioMonteCarlo(p.portfolio, p.level, p.model);
  return { var: r.var, cvar: r.cvar };
}
