// Statistics through the public API: results against the committed reference fixtures
// (crates/stats/tests/fixtures, produced by scripts/refs/stats with statsmodels, scipy, R,
// hmmlearn and scikit-learn), sync/async parity, streaming objects and bad-input error codes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  HmmFilter,
  IsotonicCalibrator,
  PathGenerator,
  acf,
  adfTest,
  benjaminiHochberg,
  bonferroni,
  chi2Sf,
  gpdFit,
  gpdFitAsync,
  hmmBaumWelch,
  hmmFit,
  hmmFitAsync,
  hmmLogLikelihood,
  hmmPosteriors,
  hmmViterbi,
  isTachyonError,
  isotonicRegression,
  jarqueBera,
  ljungBox,
  mcSimulate,
  mcSimulateAsync,
  normCdf,
  normPpf,
  pAdjust,
  potFit,
  potFitAsync,
  potVarEs,
  tCdf,
  tPpf,
  thresholdQuantile,
  type AdfTestOptions,
  type HmmModel,
  type PAdjustMethod,
} from '../src/index.js';

const FIX = new URL('../../crates/stats/tests/fixtures/', import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture JSON is untyped
type Json = any;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(name, FIX), 'utf8'));

function column(file: string, name: string): number[] {
  const [header, ...rows] = readFileSync(new URL(`data/${file}`, FIX), 'utf8').trim().split('\n');
  const idx = header!.split(',').indexOf(name);
  return rows.map((r) => Number(r.split(',')[idx]));
}
const logDiff = (xs: number[]) => xs.slice(1).map((v, i) => 100 * (Math.log(v) - Math.log(xs[i]!)));
const sp500Close = column('sp500.csv', 'adj_close');
const sp500Returns = Float64Array.from(logDiff(sp500Close));

function rel(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
function expectRel(got: number, want: number, tol: number, what = ''): void {
  if (!(rel(got, want) <= tol)) throw new Error(`${what}: got ${got}, want ${want} (rel ${rel(got, want)} > ${tol})`);
}

/** The `code` of what `f` throws. */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isTachyonError(e)).toBe(true);
    return (e as { code: string }).code;
  }
  throw new Error('expected a throw');
}
async function rejectionCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isTachyonError(e)).toBe(true);
    return (e as { code: string }).code;
  }
  throw new Error('expected a rejection');
}

describe('tests against statsmodels / R', () => {
  it('adfTest matches statsmodels adfuller on real series', () => {
    const fx = fixture('adf.json');
    const series: Record<string, number[]> = {
      sp500_log_price: sp500Close.map(Math.log),
      sp500_log_price_120: sp500Close.slice(0, 120).map(Math.log),
    };
    let checked = 0;
    for (const c of fx.statsmodels as Json[]) {
      const x = series[c.series as string];
      if (!x || c.regression === 'ctt') continue;
      const options: AdfTestOptions =
        typeof c.lags === 'number'
          ? { regression: c.regression, autolag: 'none', maxLag: c.lags }
          : { regression: c.regression, autolag: c.lags === 't-stat' ? 'tstat' : (c.lags as string).toLowerCase() as 'aic' | 'bic' };
      const r = adfTest(x, options);
      expect(r.usedLag).toBe(c.used_lag);
      expect(r.nobs).toBe(c.nobs);
      expectRel(r.statistic, c.statistic, 1e-9, `${c.series} ${c.regression} ${c.lags}`);
      expectRel(r.pValue, c.p_value, 1e-9, 'p');
      r.criticalValues.forEach((v, i) => expectRel(v, c.critical_values[i], 1e-14, 'crit'));
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('jarqueBera, ljungBox and acf match statsmodels', () => {
    const fx = fixture('diagnostics.json');
    const jb = jarqueBera(sp500Returns);
    const want = fx.jarque_bera.sp500_returns;
    expectRel(jb.statistic, want.statistic, 1e-10, 'JB');
    expectRel(jb.skewness, want.skewness, 1e-10, 'skew');
    expectRel(jb.kurtosis, want.kurtosis, 1e-10, 'kurt');
    const lbWant = (fx.ljung_box as Json[]).find((c) => c.series === 'sp500_returns' && c.model_df === 2);
    const lb = ljungBox(sp500Returns, { lags: 20, modelDf: 2 });
    expect(lb.pValue[0]).toBeNull();
    expect(lb.pValue[1]).toBeNull();
    lb.statistic.forEach((q, i) => expectRel(q, lbWant.statistic[i], 1e-10, `Q(${i + 1})`));
    lb.pValue.forEach((p, i) => (p === null || p === undefined ? expect(lbWant.p_value[i]).toBeNull() : expectRel(p, lbWant.p_value[i], 1e-10, "p")));
    const r = acf(sp500Returns, 20);
    expect(r[0]).toBe(1);
    r.forEach((v, i) => expect(Math.abs(v - fx.acf.sp500_returns[i])).toBeLessThan(1e-12));
  });
});

describe('multiple testing and isotonic calibration against R / scipy / scikit-learn', () => {
  const fx = fixture('multitest.json');

  it('pAdjust matches R p.adjust for every method', () => {
    for (const [name, p] of Object.entries(fx.p_values as Record<string, number[]>)) {
      for (const m of ['bonferroni', 'holm', 'hochberg', 'BH', 'BY'] as PAdjustMethod[]) {
        const got = pAdjust(p, m);
        got.forEach((v, i) => expectRel(v, fx.p_adjust[name][m][i], 1e-13, `${name} ${m}`));
      }
    }
    expect(Array.from(bonferroni([0.01, 0.04, 0.3]))).toEqual([0.03, 0.12, 0.8999999999999999]);
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.2])[0]).toBeCloseTo(0.04, 15);
  });

  it('isotonicRegression matches R isoreg and scipy (weighted)', () => {
    const y = fx.isotonic.y as number[];
    isotonicRegression(y).forEach((v, i) => expectRel(v, fx.isotonic.isoreg[i], 1e-13, 'isoreg'));
    isotonicRegression(y, { weights: fx.isotonic.weights, increasing: false }).forEach((v, i) =>
      expectRel(v, fx.isotonic.scipy.weighted_decreasing[i], 1e-13, 'scipy'),
    );
  });

  it('IsotonicCalibrator matches scikit-learn and round-trips through its knots', () => {
    const c = fx.calibration;
    const cal = IsotonicCalibrator.fit(c.train_scores, c.train_outcomes);
    const got = cal.predictBatch(c.test_scores);
    got.forEach((v, i) => expect(Math.abs(v - c.predict[i])).toBeLessThan(1e-13));
    expect(cal.predict(c.test_scores[0])).toBe(got[0]);
    const again = IsotonicCalibrator.fromKnots(cal.knots());
    expect(Array.from(again.predictBatch(c.test_scores))).toEqual(Array.from(got));
    const w = IsotonicCalibrator.fit(c.train_scores, c.train_outcomes, c.train_weights);
    w.predictBatch(c.test_scores).forEach((v, i) => expect(Math.abs(v - c.predict_weighted[i])).toBeLessThan(1e-13));
  });
});

describe('extreme value theory against R evd / scipy', () => {
  const fx = fixture('evt.json');
  const losses = sp500Returns.map((r) => -r);

  it('potFit matches evd::fpot on S&P 500 losses (sync and async agree)', async () => {
    const c = fx.sets.sp500_losses_q90;
    const pot = potFit(losses, { quantile: 0.9 });
    expectRel(pot.threshold, c.threshold, 1e-15, 'threshold');
    expect(pot.nExceed).toBe(c.n_exceed);
    expect(pot.gpd.status).toBe('converged');
    expectRel(pot.gpd.shape, c.evd.shape, 1e-4, 'shape');
    expectRel(pot.gpd.scale, c.evd.scale, 1e-4, 'scale');
    expectRel(pot.gpd.logLikelihood, c.evd.log_likelihood, 1e-6, 'llf');
    expectRel(pot.gpd.seShape!, c.evd.se_shape, 1e-3, 'se');
    for (const r of c.risk_from_evd as Json[]) {
      const got = pot.risk.find((x) => x.level === r.p)!;
      expectRel(got.var, r.var, 1e-4, 'VaR');
      expectRel(got.es!, r.es, 1e-4, 'ES');
      expectRel(potVarEs(pot, r.p).var, got.var, 1e-15, 'potVarEs');
    }
    expect(await potFitAsync(losses, { quantile: 0.9 })).toEqual(pot);
    const u = thresholdQuantile(losses, 0.9);
    const g = gpdFit(losses.filter((x) => x > u).map((x) => x - u));
    expect(await gpdFitAsync(losses.filter((x) => x > u).map((x) => x - u))).toEqual(g);
    expect(g.shape).toBe(pot.gpd.shape);
  });
});

describe('Gaussian HMM against hmmlearn', () => {
  const fx = fixture('hmm.json');
  const c = fx.cases.sp500_k2;
  const start: HmmModel = {
    states: 2,
    features: 1,
    start: c.start_params.start,
    transitions: c.start_params.trans.flat(),
    means: c.start_params.means.flat(),
    variances: c.start_params.vars.flat(),
  };

  it('likelihood, Viterbi path and EM from identical starts match hmmlearn', () => {
    expectRel(hmmLogLikelihood(sp500Returns, start), c.score, 1e-12, 'score');
    const v = hmmViterbi(sp500Returns, start);
    expect(Array.from(v.path).join('')).toBe(c.viterbi.path);
    expectRel(v.logProb, c.viterbi.log_prob, 1e-12, 'viterbi');
    const post = hmmPosteriors(sp500Returns, start).probabilities;
    const rows = c.posterior_rows as number[];
    rows.forEach((t, r) => expect(Math.abs(post[t * 2]! - c.posteriors[r * 2])).toBeLessThan(1e-10));
    const em = hmmBaumWelch(sp500Returns, start, { maxIter: 200, tol: -Infinity });
    expect(em.iterations).toBe(200);
    expectRel(em.logLikelihood, c.em_200.score, 1e-12, 'em200');
    em.model.means.forEach((m, i) => expectRel(m, c.em_200.params.means[i], 1e-7, 'means'));
  });

  it('the online filter matches the forward lattice, counts rejections and leaves state intact', () => {
    const f = new HmmFilter(start);
    const probs = new Float64Array(2);
    const rows = new Set(c.posterior_rows as number[]);
    let r = 0;
    for (let t = 0; t < sp500Returns.length; t++) {
      f.update(sp500Returns[t]!);
      if (rows.has(t)) {
        f.probabilities(probs);
        expect(Math.abs(probs[0]! - c.filtered[r * 2])).toBeLessThan(1e-10);
        r++;
      }
    }
    expectRel(f.stats().logLikelihood, c.score, 1e-12, 'filter ll');
    const before = Array.from(f.probabilities());
    expect(codeOf(() => f.update(Number.NaN))).toBe('ERR_NOT_FINITE');
    expect(codeOf(() => f.update([1, 2]))).toBe('ERR_LENGTH_MISMATCH');
    expect(Array.from(f.probabilities())).toEqual(before);
    expect(f.stats()).toMatchObject({ steps: sp500Returns.length, rejected: 2 });
    const batch = new HmmFilter(start).updateBatch(sp500Returns.subarray(0, 10));
    expect(batch.length).toBe(20);
    const predicted = f.predictNext();
    expect(predicted[0]! + predicted[1]!).toBeCloseTo(1, 14);
    f.reset();
    expect(f.stats()).toMatchObject({ steps: 0, rejected: 0 });
  });

  it('hmmFit with restarts reaches the reference maximum; async gives the identical fit', async () => {
    const options = { states: 2, restarts: 3, seed: 7, tol: 1e-9 };
    const fit = hmmFit(sp500Returns, options);
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(c.converged.score - 1e-6 * Math.abs(c.converged.score));
    expect(fit.model.variances[0]!).toBeLessThan(fit.model.variances[1]!);
    expect(await hmmFitAsync(sp500Returns, options)).toEqual(fit);
  });
});

describe('Monte Carlo', () => {
  it('GBM terminal log returns have the exact mean and variance; async is identical', async () => {
    const [paths, steps, dt] = [20_000, 25, 1 / 25];
    const process = { model: 'gbm', s0: 100, mu: 0.1, sigma: 0.25 };
    const sim = mcSimulate(process, { paths, steps, dt, seed: 3 });
    expect(sim.values.length).toBe(paths * (steps + 1));
    expect(sim.variances).toBeUndefined();
    const lr = Array.from({ length: paths }, (_, p) => Math.log(sim.values[p * (steps + 1) + steps]! / 100));
    const m = lr.reduce((a, b) => a + b, 0) / paths;
    const v = lr.reduce((a, b) => a + (b - m) ** 2, 0) / (paths - 1);
    expect(Math.abs(m - (0.1 - 0.5 * 0.25 ** 2)) / Math.sqrt(v / paths)).toBeLessThan(4.5);
    expect(Math.abs(v - 0.0625) / (0.0625 * Math.sqrt(2 / paths))).toBeLessThan(4.5);
    const again = await mcSimulateAsync(process, { paths, steps, dt, seed: 3 });
    expect(Buffer.compare(Buffer.from(again.values.buffer), Buffer.from(sim.values.buffer))).toBe(0);
  });

  it('PathGenerator reproduces path p of mcSimulate; Heston also returns variances', () => {
    const process = { model: 'heston', s0: 100, mu: 0.02, v0: 0.04, kappa: 2, theta: 0.04, xi: 0.5, rho: -0.7 };
    const sim = mcSimulate(process, { paths: 3, steps: 100, dt: 1 / 252, seed: 9 });
    expect(sim.variances!.length).toBe(303);
    const g = new PathGenerator(process, { dt: 1 / 252, seed: 9, stream: 2 });
    const buf = g.fill(new Float64Array(100));
    expect(Array.from(buf)).toEqual(Array.from(sim.values.subarray(203, 303)));
    expect(g.state().steps).toBe(100);
    expect(g.state().variance).toBe(sim.variances![302]);
  });
});

describe('distribution functions', () => {
  it('agree with known quantiles', () => {
    expectRel(normCdf(-1.959963984540054), 0.025000000000000011, 1e-14, 'Φ'); // exact value of the rounded quantile (mpmath)
    expectRel(normPpf(0.975), 1.959963984540054, 1e-15, 'Φ⁻¹');
    expectRel(tPpf(0.975, 10), 2.228138851986274, 1e-14, 't⁻¹'); // scipy.stats.t.ppf
    expectRel(tCdf(tPpf(0.3, 4.5), 4.5), 0.3, 1e-14, 't');
    expectRel(chi2Sf(3.841458820694124, 1), 0.05, 1e-14, 'χ²');
  });
});

describe('bad input: typed errors, never a crash or a silent NaN', () => {
  it('throws coded errors', () => {
    expect(codeOf(() => adfTest([1, 2, Number.NaN, 4, 5, 6, 7, 8, 9, 10]))).toBe('ERR_NOT_FINITE');
    expect(codeOf(() => adfTest(new Float64Array(50).fill(3)))).toBe('ERR_CONSTANT_SERIES');
    expect(codeOf(() => adfTest([1, 2, 3]))).toBe('ERR_TOO_SHORT');
    expect(codeOf(() => adfTest(sp500Returns, { autolag: 'none' }))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => adfTest(sp500Returns.subarray(0, 40), { autolag: 'none', maxLag: 30 }))).toBe('ERR_INVALID_PARAMETER');
    expect(codeOf(() => jarqueBera([Number.POSITIVE_INFINITY, 1, 2]))).toBe('ERR_NOT_FINITE');
    expect(codeOf(() => ljungBox([1, 2, 3], { lags: 5 }))).toBe('ERR_TOO_SHORT');
    expect(codeOf(() => pAdjust([0.5, 1.2], 'BH'))).toBe('ERR_INVALID_PARAMETER');
    expect(codeOf(() => IsotonicCalibrator.fit([1, 2], [1]))).toBe('ERR_LENGTH_MISMATCH');
    expect(codeOf(() => IsotonicCalibrator.fit([1, 2], [0, 1]).predict(Number.NaN))).toBe('ERR_NOT_FINITE');
    expect(codeOf(() => gpdFit([1, 2]))).toBe('ERR_TOO_SHORT');
    expect(codeOf(() => potFit(sp500Returns, { threshold: 0, quantile: 0.9 }))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => potFit(sp500Returns, { quantile: 0.9, levels: [0.5] }))).toBe('ERR_INVALID_PARAMETER');
    expect(codeOf(() => hmmFit([1, 2, 3, 4, 5], { states: 3 }))).toBe('ERR_TOO_SHORT');
    expect(codeOf(() => hmmFit(sp500Returns, { features: 3 }))).toBe('ERR_LENGTH_MISMATCH');
    expect(codeOf(() => new HmmFilter({ states: 2, features: 1, start: [0.5, 0.6], transitions: [1, 0, 0, 1], means: [0, 0], variances: [1, 1] }))).toBe('ERR_INVALID_PARAMETER');
    expect(codeOf(() => mcSimulate({ model: 'gbm', s0: -1, sigma: 0.2 }, { paths: 1, steps: 1, dt: 0.1 }))).toBe('ERR_INVALID_PARAMETER');
    expect(codeOf(() => mcSimulate({ model: 'heston', s0: 1 }, { paths: 1, steps: 1, dt: 0.1 }))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => mcSimulate({ model: 'bogus' }, { paths: 1, steps: 1, dt: 0.1 }))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => normPpf(1.5))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => tCdf(1, -2))).toBe('ERR_INVALID_ARG');
  });

  it('async forms reject with the same codes', async () => {
    expect(await rejectionCode(gpdFitAsync([1, 1, 1]))).toBe('ERR_CONSTANT_SERIES');
    expect(await rejectionCode(hmmFitAsync([1, Number.NaN, 3, 4, 5, 6]))).toBe('ERR_NOT_FINITE');
    expect(await rejectionCode(potFitAsync([1, 2, 3], { threshold: 2.5 }))).toBe('ERR_TOO_SHORT');
    expect(await rejectionCode(mcSimulateAsync({ model: 'ou', x0: 0, kappa: -1, sigma: 1 }, { paths: 1, steps: 1, dt: 1 }))).toBe(
      'ERR_INVALID_PARAMETER',
    );
  });
});
