/**
 * Models through the N-API boundary, each beside a plain-JS version of the same job:
 * the GARCH(1,1) online update (per call and batched), the DCC update for 10 assets, and
 * VPIN per bar.
 * Run: `npm run bench -- --filter models` or `npx tsx bench/models.bench.ts`.
 */
import { Dcc, Garch11, Vpin } from '../ts/src/index.js';
import { runGroup, writeResults, type JsRow } from './lib.js';

const N = 1000;
const rows: JsRow[] = [];
let sink = 0;

// Deterministic pseudo-returns.
let seed = 12345;
const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
const returns = Float64Array.from({ length: N }, () => rnd() * 1.5);

// --- GARCH(1,1) online update
const p = { mu: 0.05, omega: 0.02, alpha: 0.08, beta: 0.9 };
const model = new Garch11(p, 1);
let jsH = 1;
function jsGarchUpdate(r: number): number {
  const e = r - p.mu;
  jsH = p.omega + p.alpha * e * e + p.beta * jsH;
  return jsH;
}
rows.push(
  ...(await runGroup('models: garch GARCH(1,1) online variance update (per return)', [
    { name: 'plain JS recursion', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += jsGarchUpdate(returns[i]!); } },
    { name: 'Garch11.update(r) (one N-API call each)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += model.update(returns[i]!); } },
    { name: 'Garch11.updateMany(1000 returns)', opsPerCall: N, fn: () => { sink += model.updateMany(returns)[N - 1]!; } },
  ])),
);

// --- DCC update, 10 assets
const A = 10;
const asset = { params: p, variance: 1 };
const qbar = Float64Array.from({ length: A * A }, (_, k) => (Math.floor(k / A) === k % A ? 1 : 0.3));
const dcc = new Dcc(Array.from({ length: A }, () => asset), 0.04, 0.93, qbar, qbar);
const obs = Array.from({ length: 64 }, () => Float64Array.from({ length: A }, () => rnd()));
// Plain JS: the same recursion (univariate variances, Q, R) on typed arrays.
const jq = Float64Array.from(qbar);
const jr = new Float64Array(A * A);
const jh = new Float64Array(A).fill(1);
const jz = new Float64Array(A);
const jd = new Float64Array(A);
function jsDccUpdate(r: Float64Array): void {
  for (let i = 0; i < A; i++) {
    const e = r[i]! - p.mu;
    jz[i] = e / Math.sqrt(jh[i]!);
    jh[i] = p.omega + p.alpha * e * e + p.beta * jh[i]!;
  }
  for (let i = 0; i < A; i++) {
    for (let j = 0; j <= i; j++) {
      const k = i * A + j;
      const v = 0.03 * qbar[k]! + 0.04 * jz[i]! * jz[j]! + 0.93 * jq[k]!;
      jq[k] = v;
      jq[j * A + i] = v;
    }
  }
  for (let i = 0; i < A; i++) jd[i] = 1 / Math.sqrt(jq[i * A + i]!);
  for (let i = 0; i < A; i++) for (let j = 0; j < A; j++) jr[i * A + j] = jq[i * A + j]! * jd[i]! * jd[j]!;
}
const M = 64;
const rOut = new Float64Array(A * A);
rows.push(
  ...(await runGroup('models: dcc online update, 10 assets (per update)', [
    { name: 'plain JS recursion (typed arrays)', anchor: true, opsPerCall: M, fn: () => { for (let i = 0; i < M; i++) jsDccUpdate(obs[i]!); sink += jr[1]!; } },
    { name: 'Dcc.update(returns)', opsPerCall: M, fn: () => { for (let i = 0; i < M; i++) sink += dcc.update(obs[i]!) ? 1 : 0; } },
    { name: 'Dcc.update + correlation(out) read-back', opsPerCall: M, fn: () => { for (let i = 0; i < M; i++) { dcc.update(obs[i]!); sink += dcc.correlation(rOut)[1]!; } } },
  ])),
);

// --- VPIN per bar
const prices = new Float64Array(N);
const volumes = new Float64Array(N);
let px = 100;
for (let i = 0; i < N; i++) {
  px += 0.05 * rnd();
  prices[i] = px;
  volumes[i] = 50 + 100 * Math.abs(rnd());
}
const v = new Vpin({ bucketVolume: 2000, sigma: 0.05 });
// Plain JS VPIN with an erf approximation (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
const W = 50;
const ring = new Float64Array(W);
let rpos = 0;
let rlen = 0;
let rsum = 0;
let fill = 0;
let buy = 0;
let prev = 100;
let jsVpin = 0;
function jsVpinUpdate(price: number, volume: number): void {
  const frac = phi((price - prev) / 0.05);
  prev = price;
  let rest = volume;
  while (rest > 0) {
    const take = Math.min(rest, 2000 - fill);
    fill += take;
    buy += take * frac;
    rest -= take;
    if (fill >= 2000) {
      const imb = Math.abs(2000 - 2 * buy);
      rsum += imb - (rlen === W ? ring[rpos]! : 0);
      ring[rpos] = imb;
      rpos = (rpos + 1) % W;
      if (rlen < W) rlen++;
      jsVpin = rsum / (W * 2000);
      fill = 0;
      buy = 0;
    }
  }
}
rows.push(
  ...(await runGroup('models: vpin per-bar update', [
    { name: 'plain JS (A&S erf approximation)', anchor: true, opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) jsVpinUpdate(prices[i]!, volumes[i]!); sink += jsVpin; } },
    { name: 'Vpin.update(price, volume)', opsPerCall: N, fn: () => { for (let i = 0; i < N; i++) sink += v.update(prices[i]!, volumes[i]!); } },
    { name: 'Vpin.updateMany(1000 bars)', opsPerCall: N, fn: () => { sink += v.updateMany(prices, volumes)[N - 1]!; } },
  ])),
);

if (sink === 42) console.log('');
writeResults(import.meta.url, rows);
