/**
 * Statistics through the N-API boundary, each beside a JavaScript anchor: jStat and
 * simple-statistics (npm) where they do the same job, plain JS otherwise.
 * Run: `npm run bench -- --filter stats` or `npx tsx bench/stats.bench.ts`.
 */
import jstat from 'jstat';
import { cumulativeStdNormalProbability, probit, sampleKurtosis, sampleSkewness } from 'simple-statistics';
import {
  HmmFilter,
  IsotonicCalibrator,
  PathGenerator,
  jarqueBera,
  normCdf,
  normPpf,
  pAdjust,
  type HmmModel,
} from '../ts/src/index.js';
import { runGroup, writeResults, type JsRow } from './lib.js';

const { jStat } = jstat;

const N = 1000;
const rows: JsRow[] = [];
let sink = 0;
const xs = Float64Array.from({ length: 64 }, (_, i) => -6 + (12 * (i + 0.37)) / 64);
const ps = xs.map((x) => normCdf(x));

rows.push(
  ...(await runGroup('stats: normal CDF Φ(x), one call per x', [
    { name: 'jStat.normal.cdf (JS)', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += jStat.normal.cdf(xs[i & 63]!, 0, 1); } },
    { name: 'simple-statistics cumulativeStdNormalProbability (table, 4 digits)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += cumulativeStdNormalProbability(xs[i & 63]!); } },
    { name: 'tachyon normCdf (N-API)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += normCdf(xs[i & 63]!); } },
  ])),
);
rows.push(
  ...(await runGroup('stats: normal quantile Φ⁻¹(p), one call per p', [
    { name: 'jStat.normal.inv (JS)', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += jStat.normal.inv(ps[i & 63]!, 0, 1); } },
    { name: 'simple-statistics probit (JS)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += probit(ps[i & 63]!); } },
    { name: 'tachyon normPpf (N-API)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += normPpf(ps[i & 63]!); } },
  ])),
);

// Simulated returns with two volatility regimes (a deterministic LCG, so runs compare).
let seed = 12345;
const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
let regime = 0;
const returns = Float64Array.from({ length: 5000 }, () => {
  if (uniform() < 0.02) regime = 1 - regime;
  return gauss() * (regime === 0 ? 0.7 : 2.0);
});
const returnsArray = Array.from(returns);

function jsJarqueBera(x: number[]): number {
  // simple-statistics' sample (bias-corrected) moments; same work, different estimator.
  const s = sampleSkewness(x);
  const k = sampleKurtosis(x);
  return (x.length / 6) * (s * s + (k * k) / 4);
}
rows.push(
  ...(await runGroup('stats: Jarque–Bera on 5,000 returns (per test)', [
    { name: 'simple-statistics sampleSkewness + sampleKurtosis (JS)', anchor: true, opsPerCall: 1, fn: () => { sink += jsJarqueBera(returnsArray); } },
    { name: 'tachyon jarqueBera (N-API, Float64Array)', opsPerCall: 1, fn: () => { sink += jarqueBera(returns).statistic; } },
  ])),
);

// HMM regime filter, 2 states: plain JS forward step (typed arrays, no allocation) vs N-API.
const model: HmmModel = { states: 2, features: 1, start: [0.5, 0.5], transitions: [0.98, 0.02, 0.02, 0.98], means: [0.05, -0.1], variances: [0.5, 4.0] };
const alpha = new Float64Array([0.5, 0.5]);
const lnNorm = model.variances.map((v) => -0.5 * Math.log(2 * Math.PI * v));
function jsFilterStep(x: number): number {
  const a = model.transitions;
  const p0 = alpha[0]! * a[0]! + alpha[1]! * a[2]!;
  const p1 = alpha[0]! * a[1]! + alpha[1]! * a[3]!;
  const l0 = lnNorm[0]! - ((x - model.means[0]!) ** 2) / (2 * model.variances[0]!);
  const l1 = lnNorm[1]! - ((x - model.means[1]!) ** 2) / (2 * model.variances[1]!);
  const m = Math.max(l0, l1);
  const w0 = p0 * Math.exp(l0 - m);
  const w1 = p1 * Math.exp(l1 - m);
  alpha[0] = w0 / (w0 + w1);
  alpha[1] = w1 / (w0 + w1);
  return alpha[0] >= alpha[1] ? 0 : 1;
}
const filter = new HmmFilter(model);
const batchFilter = new HmmFilter(model);
let t = 0;
rows.push(
  ...(await runGroup('stats: HMM regime filter, one observation (2 states)', [
    { name: 'plain JS forward step (typed arrays)', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += jsFilterStep(returns[(t = (t + 1) % 5000)]!); } },
    { name: 'tachyon HmmFilter.update (one N-API call per tick)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += filter.update(returns[(t = (t + 1) % 5000)]!); } },
    { name: 'tachyon HmmFilter.updateBatch (1,000 per call)', opsPerCall: N, fn: () => { sink += batchFilter.updateBatch(returns.subarray(0, N))[0]!; } },
  ])),
);

// GBM path, one daily step.
const dt = 1 / 252;
const [drift, vol] = [(0.05 - 0.02) * dt, 0.2 * Math.sqrt(dt)];
let s = 100;
const gen = new PathGenerator({ model: 'gbm', s0: 100, mu: 0.05, sigma: 0.2 }, { dt, seed: 1 });
const buf = new Float64Array(N);
rows.push(
  ...(await runGroup('stats: GBM path, one daily step', [
    { name: 'JS Box–Muller (Math.random) + Math.exp', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) { s *= Math.exp(drift + vol * Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random())); } sink += s; } },
    { name: 'tachyon PathGenerator.next (one N-API call per step)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += gen.next(); } },
    { name: 'tachyon PathGenerator.fill (1,000 per call)', opsPerCall: N, fn: () => { sink += gen.fill(buf)[N - 1]!; } },
  ])),
);

// Benjamini–Hochberg on 1,000 p-values.
const pv = Float64Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000 + 0.5) / 1000 ** 1.5);
function jsBH(p: Float64Array): Float64Array {
  const m = p.length;
  const order = Array.from(p.keys()).sort((a, b) => p[a]! - p[b]!);
  const out = new Float64Array(m);
  let run = Infinity;
  for (let j = m - 1; j >= 0; j--) {
    const i = order[j]!;
    run = Math.min(run, (m / (j + 1)) * p[i]!);
    out[i] = Math.min(run, 1);
  }
  return out;
}
rows.push(
  ...(await runGroup('stats: Benjamini–Hochberg, 1,000 p-values (per call)', [
    { name: 'plain JS (sort + running min)', anchor: true, opsPerCall: 1, fn: () => { sink += jsBH(pv)[0]!; } },
    { name: "tachyon pAdjust(p, 'BH')", opsPerCall: 1, fn: () => { sink += pAdjust(pv, 'BH')[0]!; } },
  ])),
);

// Isotonic calibrator: predict one score.
const scores = Float64Array.from({ length: 2000 }, (_, k) => (k * 0.618034) % 1);
const labels = scores.map((x, i) => (x + (0.3 * ((i * 7919) % 100)) / 100 > 0.65 ? 1 : 0));
const cal = IsotonicCalibrator.fit(scores, labels);
const { scores: kx, values: ky } = cal.knots();
function jsPredict(x: number): number {
  if (x <= kx[0]!) return ky[0]!;
  if (x >= kx[kx.length - 1]!) return ky[ky.length - 1]!;
  let lo = 0;
  let hi = kx.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (kx[mid]! <= x) lo = mid;
    else hi = mid;
  }
  return ky[lo]! + ((ky[hi]! - ky[lo]!) * (x - kx[lo]!)) / (kx[hi]! - kx[lo]!);
}
const probe = scores.subarray(0, N);
rows.push(
  ...(await runGroup('stats: isotonic calibration, predict one score (2,000-point fit)', [
    { name: 'plain JS binary search + interpolation', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += jsPredict(scores[i]!); } },
    { name: 'tachyon IsotonicCalibrator.predict (N-API per score)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += cal.predict(scores[i]!); } },
    { name: 'tachyon IsotonicCalibrator.predictBatch (1,000 per call)', opsPerCall: N, fn: () => { sink += cal.predictBatch(probe)[0]!; } },
  ])),
);

if (sink === 42) console.log('');
writeResults(import.meta.url, rows);
