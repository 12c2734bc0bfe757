import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Amihud,
  Dcc,
  Egarch,
  Garch,
  Garch11,
  GjrGarch,
  KyleLambda,
  OrderFlowImbalance,
  RangeVolatility,
  RollSpread,
  Vpin,
  amihud,
  bipowerVariation,
  effectiveSpread,
  isTachyonError,
  kyleLambda,
  orderFlowImbalance,
  rangeVolatility,
  realizedVariance,
  rollSpread,
  vpin,
  vpinCdf,
  weightedMid,
  Microprice,
} from '../src/index.js';

const FIX = new URL('../../crates/models/tests/fixtures/', import.meta.url);

function csv(name: string): Record<string, number[]> {
  const [head, ...rows] = readFileSync(new URL(name, FIX), 'utf8').trim().split('\n');
  const cols = head!.split(',');
  const out: Record<string, number[]> = {};
  for (const c of cols) out[c] = [];
  for (const r of rows) r.split(',').forEach((v, i) => out[cols[i]!]!.push(v === '' ? Number.NaN : Number(v)));
  return out;
}

function json<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIX), 'utf8')) as T;
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** Asserts `f` throws an Error carrying a code, and returns it. */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isTachyonError(e)).toBe(true);
    return (e as { code: string }).code;
  }
  throw new Error('expected a throw');
}

async function asyncCodeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isTachyonError(e)).toBe(true);
    return (e as { code: string }).code;
  }
  throw new Error('expected a rejection');
}

interface ArchCase {
  name: string;
  names: string[];
  params: number[];
  loglik: number;
  forecast: number[];
}

const sp500 = Float64Array.from(csv('sp500_returns.csv').ret!);

describe('GARCH family against the reference fixtures', () => {
  const arch = json<{ cases: ArchCase[] }>('garch_arch.json').cases;
  const get = (n: string) => arch.find((c) => c.name === n)!;

  it('GARCH(1,1) Normal matches Python arch (estimates 1e-4, log-likelihood 1e-6)', () => {
    const c = get('garch_normal');
    const m = Garch11.fit(sp500);
    const r = m.fitResult!;
    expect(r.converged).toBe(true);
    expect(r.status).toBe('converged');
    expect(r.names).toEqual(c.names);
    r.estimates.forEach((v, i) => expect(rel(v, c.params[i]!)).toBeLessThan(1e-4));
    expect(rel(r.loglik, c.loglik)).toBeLessThan(1e-6);
    expect(r.variances.length).toBe(sp500.length);
    // forecasts at the fitted estimates are close to arch's at its estimates
    m.forecast(10).forEach((v, i) => expect(rel(v, c.forecast[i]!)).toBeLessThan(1e-3));
  });

  it('GJR and EGARCH with Student-t errors match Python arch', () => {
    for (const [cls, name] of [
      [GjrGarch, 'gjr_t'],
      [Egarch, 'egarch_t'],
    ] as const) {
      const c = get(name);
      const r = cls.fit(sp500, { dist: 'studentT' }).fitResult!;
      expect(r.converged).toBe(true);
      r.estimates.forEach((v, i) => expect(Math.abs(v - c.params[i]!)).toBeLessThanOrEqual(Math.max(1e-4 * Math.abs(c.params[i]!), 1e-6)));
      expect(rel(r.loglik, c.loglik)).toBeLessThan(1e-6);
    }
  });

  it('the likelihood at arch estimates equals arch (apples to apples, 1e-9)', () => {
    const c = get('egarch_normal');
    const p = Object.fromEntries(c.names.map((n, i) => [n, c.params[i]!]));
    const l = Garch.loglik(sp500, { mu: p.mu, omega: p.omega!, alpha: p.alpha!, gamma: p.gamma, beta: p.beta! }, { kind: 'egarch' });
    expect(rel(l.loglik, c.loglik)).toBeLessThan(1e-9);
  });

  it("GARCH(1,1) with fGarch's start matches R fGarch on the last 2000 returns", () => {
    const c = json<{ cases: (ArchCase & { start: number })[] }>('garch_fgarch.json').cases.find((x) => x.name === 'fgarch_norm_last2000')!;
    const r = Garch11.fit(sp500.subarray(c.start), { init: 'fgarch' }).fitResult!;
    r.estimates.forEach((v, i) => expect(rel(v, c.params[i]!)).toBeLessThan(1e-4));
    expect(rel(r.loglik, c.loglik)).toBeLessThan(1e-6);
    expect(r.stdErrors).not.toBeNull();
    expect(r.robustStdErrors).not.toBeNull();
  });

  it('fitAsync gives exactly the sync result and keeps the event loop free', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const [a, b] = await Promise.all([GjrGarch.fitAsync(sp500), Garch.fitAsync(sp500, { kind: 'gjr' })]);
    clearInterval(timer);
    const s = GjrGarch.fit(sp500).fitResult!;
    expect(a.fitResult!.estimates).toEqual(s.estimates);
    expect(a.fitResult!.loglik).toBe(s.loglik);
    expect(a.fitResult!.stdErrors).toEqual(s.stdErrors);
    expect(b.fitResult!.estimates).toEqual(s.estimates);
    expect(a).toBeInstanceOf(GjrGarch);
    expect(ticks).toBeGreaterThan(0);
  });

  it('streaming update reproduces the fitted variance path; updateMany equals update', () => {
    const m = Garch11.fit(sp500.subarray(0, 1500));
    const r = m.fitResult!;
    const f = new Garch11(r.params, r.variances[0]!);
    for (let t = 0; t < 1500; t++) {
      expect(rel(f.variance, r.variances[t]!)).toBeLessThan(1e-12);
      f.update(sp500[t]!);
    }
    expect(rel(f.variance, r.nextVariance)).toBeLessThan(1e-12);
    const g = new Garch11(r.params, r.variances[0]!);
    const many = g.updateMany(sp500.subarray(0, 1500));
    expect(many[1499]).toBe(f.variance);
    expect(g.stats()).toEqual({ updates: 1500, skipped: 0 });
  });

  it('simulation is seeded and a fit recovers the parameters', () => {
    const truth = { mu: 0.05, omega: 0.02, alpha: 0.08, beta: 0.9 };
    const s1 = Garch.simulate(truth, 4000, 7n);
    const s2 = Garch.simulate(truth, 4000, 7n);
    expect(s1.returns).toEqual(s2.returns);
    const r = Garch11.fit(s1.returns).fitResult!;
    const want = [truth.mu, truth.omega, truth.alpha, truth.beta];
    r.estimates.forEach((v, i) => expect(Math.abs(v - want[i]!) / r.stdErrors![i]!).toBeLessThan(4));
  });

  it('bad input gives typed errors; streaming skips and counts', async () => {
    expect(codeOf(() => Garch11.fit([1, 2, 3]))).toBe('ERR_TOO_SHORT');
    expect(codeOf(() => Garch11.fit(new Float64Array(100).fill(0.3)))).toBe('ERR_CONSTANT_SERIES');
    const bad = sp500.slice(0, 200);
    bad[17] = Number.NaN;
    expect(codeOf(() => Garch11.fit(bad))).toBe('ERR_NOT_FINITE');
    expect(await asyncCodeOf(Garch11.fitAsync(bad))).toBe('ERR_NOT_FINITE');
    expect(codeOf(() => Egarch.fit(sp500, { init: 'fgarch' }))).toBe('ERR_INVALID_SPEC');
    expect(codeOf(() => new Garch11({ omega: -1, alpha: 0.1, beta: 0.8 }, 1))).toBe('ERR_INVALID_PARAMETER');
    expect(codeOf(() => Garch11.fit(sp500, { init: 'fixed' }))).toBe('ERR_INVALID_ARG');
    // non-convergence is an answer, not an error
    const short = Garch11.fit(sp500, { maxIterations: 2 }).fitResult!;
    expect(short.status).toBe('max_iterations');
    expect(short.converged).toBe(false);
    expect(short.estimates.every(Number.isFinite)).toBe(true);
    const e = new Egarch({ omega: 0, alpha: 0.1, gamma: -0.05, beta: 0.95, nu: 6 }, 1, { dist: 'studentT' });
    expect(e.forecast(1).length).toBe(1);
    expect(codeOf(() => e.forecast(5))).toBe('ERR_INVALID_SPEC');
    const m = new Garch11({ omega: 0.1, alpha: 0.1, beta: 0.8 }, 1);
    expect(m.update(Number.NaN)).toBe(1);
    expect(m.update(Number.POSITIVE_INFINITY)).toBe(1);
    expect(m.stats()).toEqual({ updates: 0, skipped: 2 });
  });
});

describe('DCC-GARCH', () => {
  const d = csv('dcc_returns.csv');
  const n = d.sp500!.length;
  const returns = new Float64Array(n * 3);
  for (let t = 0; t < n; t++) {
    returns[t * 3] = d.sp500![t]!;
    returns[t * 3 + 1] = d.nasdaq![t]!;
    returns[t * 3 + 2] = d.wti![t]!;
  }
  const fx = json<{ a: number; b: number; loglik: number }>('dcc_pymgarch.json');

  it('matches pymgarch (a, b to 1e-3; joint log-likelihood to 1e-6), async equals sync', async () => {
    const dcc = await Dcc.fitAsync(returns, 3);
    const r = dcc.fitResult!;
    expect(r.converged).toBe(true);
    expect(rel(r.a, fx.a)).toBeLessThan(1e-3);
    expect(rel(r.b, fx.b)).toBeLessThan(1e-3);
    expect(rel(r.loglik, fx.loglik)).toBeLessThan(1e-6);
    const s = Dcc.fit(returns, 3).fitResult!;
    expect(s.a).toBe(r.a);
    expect(s.loglik).toBe(r.loglik);
    // online: correlation is a valid correlation matrix, forecasts revert to Q̄
    const c = dcc.correlation();
    expect([c[0], c[4], c[8]]).toEqual([1, 1, 1]);
    const into = new Float64Array(9);
    expect(dcc.correlation(into)).toBe(into);
    expect(Array.from(into)).toEqual(Array.from(c));
    expect(codeOf(() => dcc.correlation(new Float64Array(4)))).toBe('ERR_INVALID_ARG');
    const far = dcc.forecast(2000)[1999]!;
    const qbar = r.qbar;
    for (let k = 0; k < 9; k++) expect(Math.abs(far[k]! - qbar[k]!)).toBeLessThan(1e-9);
    expect(dcc.update([0.5, -0.2, 1.0])).toBe(true);
    expect(dcc.update([0.5, Number.NaN, 1.0])).toBe(false);
    expect(dcc.stats()).toEqual({ updates: 1, skipped: 1 });
    const b = dcc.breakdown(1);
    expect(b.largestEigenvalueShare).toBeGreaterThan(1 / 3);
    expect(b.meanCorrelationChange).not.toBeNull();
  });

  it('bad input', () => {
    expect(codeOf(() => Dcc.fit(returns.subarray(0, 301), 3))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => Dcc.fit(returns, 1))).toBe('ERR_INVALID_ARG');
    const asset = { params: { omega: 0.02, alpha: 0.08, beta: 0.9 }, variance: 1 };
    const dcc = new Dcc([asset, asset], 0.05, 0.9, [1, 0.3, 0.3, 1], [1, 0.3, 0.3, 1]);
    expect(codeOf(() => dcc.update([1, 2, 3]))).toBe('ERR_LENGTH_MISMATCH');
    expect(codeOf(() => new Dcc([asset, asset], 0.5, 0.6, [1, 0, 0, 1], [1, 0, 0, 1]))).toBe('ERR_INVALID_PARAMETER');
  });
});

describe('VPIN', () => {
  const fx = json<{ price: number[]; volume: number[]; bucket_volume: number; sigma: number; vpin: (number | null)[] }>('vpin_sp500.json');

  it('batch matches the independent numpy reference; streaming equals batch', () => {
    const s = vpin(fx.price, fx.volume, { bucketVolume: fx.bucket_volume });
    expect(rel(s.sigma, fx.sigma)).toBeLessThan(1e-12);
    s.byBucket.forEach((v, k) => {
      const w = fx.vpin[k];
      if (w === null || w === undefined) expect(Number.isNaN(v)).toBe(true);
      else expect(rel(v, w)).toBeLessThan(1e-9);
    });
    const st = new Vpin({ bucketVolume: fx.bucket_volume, sigma: s.sigma });
    const byBar = st.updateMany(fx.price, fx.volume);
    expect(Array.from(byBar)).toEqual(Array.from(s.byBar));
    expect(st.value).toBe(s.byBar[s.byBar.length - 1]);
    const cdf = vpinCdf(s.byBucket);
    const last = cdf[cdf.length - 1]!;
    expect(st.cdf()).toBeCloseTo(last, 12);
    expect(st.stats().buckets).toBe(s.byBucket.length);
  });

  it('counts bad bars and rejects bad options', () => {
    const v = new Vpin({ bucketVolume: 10 });
    v.update(100, 1);
    expect(v.update(Number.NaN, 1)).toBe(0);
    expect(v.update(100, -5)).toBe(0);
    expect(v.stats().skipped).toBe(2);
    expect(codeOf(() => new Vpin({ bucketVolume: 0 }))).toBe('ERR_INVALID_PARAMETER');
    expect(codeOf(() => new Vpin({ bucketVolume: 1, sigma: 'sample' }))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => vpin([1, 2], [1], { bucketVolume: 1 }))).toBe('ERR_LENGTH_MISMATCH');
  });
});

describe('realized, range and microstructure measures', () => {
  it('range volatility matches R TTR; streaming equals batch', () => {
    const t = csv('range_vol_ttr.csv');
    const y = rangeVolatility(t.open!, t.high!, t.low!, t.close!, { estimator: 'yangZhang', window: 20, annualization: 260 });
    y.forEach((v, i) => {
      const w = t.yang_zhang![i]!;
      expect(Number.isNaN(v)).toBe(Number.isNaN(w));
      if (!Number.isNaN(w)) expect(rel(v, w)).toBeLessThan(1e-10);
    });
    const s = new RangeVolatility({ estimator: 'yangZhang', window: 20, annualization: 260 });
    t.open!.forEach((o, i) => {
      const v = s.update(o, t.high![i]!, t.low![i]!, t.close![i]!);
      expect(v ?? Number.NaN).toEqual(y[i]);
    });
    expect(codeOf(() => rangeVolatility([1], [1, 2], [1], [1]))).toBe('ERR_LENGTH_MISMATCH');
  });

  it('Amihud, Roll and Kyle match pandas / statsmodels; streaming equals batch', () => {
    const m = csv('micro_sp500.csv');
    const ret = m.ret!.slice(1);
    const dv = m.dollar_volume!.slice(1);
    const a = amihud(ret, dv, 21, 1e6);
    a.forEach((v, i) => {
      const w = m.amihud_21![i + 1]!;
      if (Number.isNaN(w)) expect(Number.isNaN(v)).toBe(true);
      else expect(rel(v, w)).toBeLessThan(1e-10);
    });
    const sa = new Amihud(21, 1e6);
    ret.forEach((r, i) => expect(sa.update(r, dv[i]!) ?? Number.NaN).toEqual(a[i]));

    const { spread, autocov } = rollSpread(m.close!, 21);
    autocov.forEach((v, i) => {
      const w = m.roll_autocov_21![i]!;
      if (Number.isNaN(w)) expect(Number.isNaN(v)).toBe(true);
      else expect(Math.abs(v - w)).toBeLessThan(1e-8 * Math.max(1, Math.abs(w)));
    });
    const sr = new RollSpread(21);
    m.close!.forEach((p, i) => expect(sr.update(p)?.spread ?? Number.NaN).toEqual(spread[i]));

    const dp = m.dp!.slice(1);
    const flow = m.flow!.slice(1);
    const k = kyleLambda(dp, flow, 50);
    k.lambda.forEach((v, i) => {
      const w = m.kyle_lambda_50![i + 1]!;
      if (Number.isNaN(w)) expect(Number.isNaN(v)).toBe(true);
      else expect(rel(v, w)).toBeLessThan(1e-8);
    });
    const sk = new KyleLambda(50);
    dp.forEach((d, i) => expect(sk.update(d, flow[i]!)?.lambda ?? Number.NaN).toEqual(k.lambda[i]));
    expect(sk.update(Number.NaN, 1)).toBeNull();
    expect(sk.stats().skipped).toBe(1);
  });

  it('realized variance and bipower variation match numpy', () => {
    const m = csv('micro_sp500.csv');
    const c = m.close!;
    const lr = c.slice(1).map((p, i) => Math.log(p / c[i]!));
    const meta = json<{ realized: { rv: number; bv: number } }>('micro_sp500.json');
    expect(rel(realizedVariance(lr), meta.realized.rv)).toBeLessThan(1e-12);
    expect(rel(bipowerVariation(lr), meta.realized.bv)).toBeLessThan(1e-12);
    expect(codeOf(() => realizedVariance([1, Number.NaN]))).toBe('ERR_NOT_FINITE');
  });

  it('order-flow imbalance by hand; streaming equals batch; microprice and effective spread', () => {
    // two levels, two snapshots (worked example in crates/models/src/micro.rs)
    const bp = [100, 99, 100, 99.5];
    const bq = [5, 7, 8, 1];
    const ap = [101, 102, 100.5, 102];
    const aq = [4, 6, 2, 9];
    expect(Array.from(orderFlowImbalance(bp, bq, ap, aq, 2))).toEqual([1, -2]);
    const t = new OrderFlowImbalance(2);
    expect(t.update(bp.slice(0, 2), bq.slice(0, 2), ap.slice(0, 2), aq.slice(0, 2))).toBeNull();
    expect(Array.from(t.update(bp.slice(2), bq.slice(2), ap.slice(2), aq.slice(2))!)).toEqual([1, -2]);
    expect(t.update([101, 99], [1, 1], [100, 102], [1, 1])).toBeNull(); // crossed: skipped
    expect(t.stats()).toEqual({ updates: 2, skipped: 1 });
    expect(codeOf(() => orderFlowImbalance([1, 2, 3], [1, 1, 1], [2, 3, 4], [1, 1, 1], 2))).toBe('ERR_LENGTH_MISMATCH');
    expect(weightedMid([100], [3], [101], [1])[0]).toBeCloseTo(100.75, 12);
    expect(effectiveSpread([100.02, 99.97], [100, 100], { side: [1, -1] })[1]).toBeCloseTo(0.06, 12);
    expect(codeOf(() => effectiveSpread([1], [1], { side: [0] }))).toBe('ERR_INVALID_INPUT');
  });
});

describe('Stoikov micro-price', () => {
  it('fits the reference table from the same synthetic quotes (regenerated in JS)', () => {
    const fx = json<{ n: number; seed: number; tick: number; n_imbalance: number; n_spread: number; adjustment: number[] }>('microprice_stoikov.json');
    // the integer LCG of crates/models/src/microprice.rs
    const M = (1n << 64n) - 1n;
    let x = BigInt(fx.seed);
    let [bid, spread, bq, aq] = [10000, 1, 5, 5];
    const B: number[] = [], A: number[] = [], BQ: number[] = [], AQ: number[] = [];
    for (let i = 0; i < fx.n; i++) {
      B.push(bid * 0.01); A.push((bid + spread) * 0.01); BQ.push(bq); AQ.push(aq);
      x = (x * 6364136223846793005n + 1442695040888963407n) & M;
      const r = Number(x >> 33n);
      const ev = r % 100;
      const v = Math.floor(r / 100);
      const up = v % (bq + aq) < bq;
      if (ev < 30) bq = Math.max(bq + (v % 5) - 2, 1);
      else if (ev < 60) aq = Math.max(aq + (v % 5) - 2, 1);
      else if (ev < 70) {
        if (spread === 1) { if (!up) bid -= 1; spread = 2; } else { if (up) bid += 1; spread = 1; }
        bq = 1 + (v % 9); aq = 1 + (Math.floor(v / 9) % 9);
      } else if (ev < 80) {
        bid += up ? 1 : -1;
        bq = 1 + (v % 9); aq = 1 + (Math.floor(v / 9) % 9);
      }
    }
    const mp = Microprice.fit(B, A, BQ, AQ, { tick: fx.tick, imbalanceBuckets: fx.n_imbalance, spreadStates: fx.n_spread });
    mp.table().adjustment.forEach((g, k) => expect(Math.abs(g - fx.adjustment[k]!)).toBeLessThan(1e-12));
    const p = mp.price(100, 100.01, 9, 1)!;
    expect(p).toBeGreaterThan(100.005);
    expect(mp.price(100, 100.05, 9, 1)).toBeNull();
    expect(Number.isNaN(mp.prices([100], [100.05], [9], [1])[0]!)).toBe(true);
    expect(codeOf(() => Microprice.fit([1], [1.01], [1], [1], { tick: 0 }))).toBe('ERR_INVALID_PARAMETER');
  });
});
