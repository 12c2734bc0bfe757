// The riskmath reference fixtures (numpy / scipy: crates/riskmath/tests/fixtures/var_refs.json,
// produced by scripts/refs/riskmath/var_refs.py) through the public TypeScript API, with the
// Rust integration tests' tolerances. vitest runs this file once per backend (vitest.config.ts
// projects `native` and `wasm`), so both builds must reach the same references.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backend, positionFraction, varHistorical, varHistoricalPortfolio, varParametric, varPortfolioMonteCarlo, varPortfolioMonteCarloAsync, varPortfolioParametric } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'crates', 'riskmath', 'tests', 'fixtures');

interface Level {
  level: number;
  var: number;
  cvar: number;
  nu?: number;
}
const refs = JSON.parse(readFileSync(join(fixtures, 'var_refs.json'), 'utf8')) as {
  sp500: { n: number; historical: Level[] };
  french: { weights: number[]; mu: number[]; sd: number[]; corr: number[][]; historical: Level[]; normal: Level[]; student_t: Level[] };
};

/** Columns of a one-header CSV, row-major. */
function csv(name: string): { values: Float64Array; cols: number } {
  const [head, ...rows] = readFileSync(join(fixtures, name), 'utf8').trim().split('\n');
  const cols = head!.split(',').length;
  return { values: Float64Array.from(rows.flatMap((r) => r.split(',').map(Number))), cols };
}

function close(got: number, want: number, tol: number, what: string): void {
  expect(Math.abs(got - want), `${what} (${backend}): got ${got}, want ${want}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(want), 1e-300));
}

const book = {
  weights: refs.french.weights,
  mu: refs.french.mu,
  sd: refs.french.sd,
  corr: refs.french.corr.flat(),
};

describe(`risk math against numpy / scipy (${backend} backend)`, () => {
  it('historical VaR/CVaR of S&P 500 returns (numpy linear quantiles)', () => {
    const { values } = csv('sp500_returns.csv');
    expect(values.length).toBe(refs.sp500.n);
    for (const c of refs.sp500.historical) {
      const e = varHistorical(values, c.level);
      close(e.var, c.var, 1e-13, `var@${c.level}`);
      close(e.cvar, c.cvar, 1e-12, `cvar@${c.level}`);
    }
  });

  it('historical VaR/CVaR of a factor portfolio', () => {
    const { values, cols } = csv('french_factors.csv');
    expect(cols).toBe(3);
    for (const c of refs.french.historical) {
      const e = varHistoricalPortfolio(values, refs.french.weights, c.level);
      close(e.var, c.var, 1e-12, `var@${c.level}`);
      close(e.cvar, c.cvar, 1e-12, `cvar@${c.level}`);
    }
  });

  it('parametric normal and Student-t (scipy)', () => {
    for (const c of refs.french.normal) {
      const e = varPortfolioParametric(book, c.level);
      close(e.var, c.var, 1e-12, `normal var@${c.level}`);
      close(e.cvar, c.cvar, 1e-12, `normal cvar@${c.level}`);
    }
    for (const c of refs.french.student_t) {
      const e = varPortfolioParametric(book, c.level, { nu: c.nu! });
      close(e.var, c.var, 1e-10, `t var@${c.level}`);
      close(e.cvar, c.cvar, 1e-10, `t cvar@${c.level}`);
    }
    // One asset: the portfolio formula reduces to the single-distribution one.
    const one = varParametric(0.001, 0.02, 0.99);
    const single = varPortfolioParametric({ weights: [1], mu: [0.001], sd: [0.02], corr: [1] }, 0.99);
    close(one.var, single.var, 1e-15, 'one-asset var');
  });

  it('Monte Carlo is seeded: the same numbers sync and async, near the parametric value', async () => {
    const mc = varPortfolioMonteCarlo(book, 0.99, { paths: 50_000, seed: 11 });
    expect(await varPortfolioMonteCarloAsync(book, 0.99, { paths: 50_000, seed: 11 })).toEqual(mc);
    const p = varPortfolioParametric(book, 0.99);
    expect(Math.abs(mc.var - p.var) / p.var).toBeLessThan(0.03);
  });

  it('sizing rules and typed errors', () => {
    expect(positionFraction({ kind: 'kelly', winProb: 0.6, payoff: 1 }, 0.1)).toBeCloseTo(0.05, 15);
    expect(positionFraction({ kind: 'volTarget', targetVol: 0.1, forecastVol: 0.2 }, 1)).toBeCloseTo(0.5, 15);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return undefined;
    };
    expect(code(() => positionFraction({ kind: 'kelly', winProb: 0.6 }, 0.1))).toBe('ERR_INVALID_ARG');
    expect(code(() => positionFraction({ kind: 'nope' }, 0.1))).toBe('ERR_INVALID_ARG');
    expect(code(() => varHistorical([1, Number.NaN], 0.9))).toBe('ERR_NOT_FINITE');
    expect(code(() => varHistorical([1, 2], 1.5))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => varPortfolioParametric({ ...book, corr: [1, 2, 2, 1] }, 0.99))).toBe('ERR_DIMENSION');
    expect(code(() => varPortfolioMonteCarloAsync(book, 0.99, { paths: 10 }))).toBe('ERR_TOO_FEW');
  });
});
