import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Ensemble,
  HmmFilter,
  IsotonicCalibrator,
  SignalFusion,
  VolumePrice,
  Wyckoff,
  WyckoffEvent,
  WyckoffPhase,
  isTachyonError,
} from '../src/index.js';

const fixture = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'crates', 'signals', 'tests', 'fixtures', 'fusion_ensemble.json'),
    'utf8',
  ),
) as {
  knots: { xs: number[]; ys: number[] };
  fusion: {
    method: 'bayesian' | 'consensus' | 'timeDecay' | 'hybrid';
    sources: number;
    params: Record<string, number>;
    outcomes: [number, boolean][];
    signals: [number, number, number][];
    expected: { direction: number; confidence: number; score: number; participants: number; contributions: number[] };
  }[];
  ensemble: {
    weights: number[];
    regimeWeights: number[][];
    penalty: number;
    forecasts: [number, number][];
    regime: number[] | null;
    calibrated: boolean;
    expected: { direction: number; confidence: number; probability: number; disagreement: number; weights: number[]; alpha: number | null };
  }[];
};

function close(a: number, b: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a), Math.abs(b)));
}

function expectCode(f: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(isTachyonError(thrown), `expected ${code}`).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

/** The textbook accumulation of crates/signals/tests/integration/wyckoff.rs: SC at 30, AR 35, ST 40, spring 56, SOS 59. */
function accumulation(): { h: number[]; l: number[]; c: number[]; v: number[] } {
  const h: number[] = [];
  const l: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  const bar = (hi: number, lo: number, cl: number, vol: number) => {
    h.push(hi);
    l.push(lo);
    c.push(cl);
    v.push(vol);
  };
  const around = (cl: number, vol: number) => bar(cl + 0.5, cl - 0.5, cl, vol);
  for (let t = 0; t < 30; t++) around(100 - 0.5 * t, 1000);
  bar(85.5, 82.5, 83.5, 3000);
  [84.5, 85.5, 86.0, 86.3].forEach((x) => around(x, 1500));
  around(85.5, 1200);
  [85.5, 85.0, 84.5, 84.0].forEach((x) => around(x, 1000));
  bar(83.6, 82.6, 83.0, 800);
  for (let k = 0; k < 15; k++) around(k % 2 === 0 ? 84.5 : 85.5, 900);
  bar(84.0, 82.0, 83.0, 1200);
  bar(85.0, 83.8, 84.5, 1000);
  around(86.0, 1000);
  bar(88.2, 86.0, 88.0, 2500);
  [88.5, 89.0, 89.5, 90.5, 91.0].forEach((x) => around(x, 1200));
  return { h, l, c, v };
}

describe('Wyckoff', () => {
  it('labels the events and phases of a constructed accumulation', () => {
    const { h, l, c, v } = accumulation();
    const wy = new Wyckoff();
    const readings = h.map((_, t) => wy.update(h[t]!, l[t]!, c[t]!, v[t]!, t));
    const at = (name: string) => readings.flatMap((r, t) => (r.events.includes(name) ? [t] : []));
    expect(at('SC')).toEqual([30]);
    expect(at('AR')).toEqual([35]);
    expect(at('ST')).toEqual([40]);
    expect(at('Spring')).toEqual([56]);
    expect(at('SOS')).toEqual([59]);
    expect(at('BC').concat(at('UT'), at('SOW'))).toEqual([]);
    expect(readings[30]!.phase).toBe('A');
    expect(readings[40]!).toMatchObject({ phase: 'B', schematic: 'accumulation', support: 82.5, resistance: 86.8 });
    expect(readings[56]!.phase).toBe('C');
    expect(readings[59]!.phase).toBe('D');
    expect(readings.at(-1)!.phase).toBe('E');
    expect(readings[56]!.mask).toBe(WyckoffEvent.Spring);
    expect(wy.eventCounts).toEqual([1, 0, 1, 0, 1, 1, 0, 1, 0]);

    // The batch form gives the same answer.
    const s = new Wyckoff().batch(Float64Array.from(h), Float64Array.from(l), Float64Array.from(c), Float64Array.from(v));
    expect(s.events[56]).toBe(WyckoffEvent.Spring);
    expect(s.events[59]).toBe(WyckoffEvent.SOS);
    expect(WyckoffPhase[s.phases[59]!]).toBe('D');
  });

  it('must not trigger a climax on ordinary volume', () => {
    const { h, l, c, v } = accumulation();
    v[30] = 1500;
    const wy = new Wyckoff();
    const masks = h.map((_, t) => wy.update(h[t]!, l[t]!, c[t]!, v[t]!).mask);
    expect(masks.every((m) => m === 0)).toBe(true);
  });

  it('refuses bad bars and options', () => {
    const wy = new Wyckoff();
    expectCode(() => wy.update(9, 10, 9.5, 100), 'ERR_HIGH_BELOW_LOW');
    expectCode(() => wy.update(10, 9, 9.5, -1), 'ERR_NEGATIVE_VOLUME');
    expect(wy.stats.rejected).toBe(2);
    expectCode(() => new Wyckoff({ climaxVolume: 0 }), 'ERR_INVALID_PARAM');
  });
});

describe('VolumePrice', () => {
  it('flags no demand and effort without result', () => {
    const vpa = new VolumePrice();
    for (let t = 0; t < 20; t++) vpa.update(100.5, 99.5, 100 + (t % 2 ? -0.2 : 0.2), 1000);
    vpa.update(100.5, 99.5, 100, 1000);
    vpa.update(100.5, 99.5, 100, 1100);
    const nd = vpa.update(100.4, 100.0, 100.3, 800);
    expect(nd).toMatchObject({ noDemand: true, noSupply: false, flags: 4 });
    const absorb = vpa.update(100.3, 99.9, 100.0, 3000);
    expect(absorb.effortNoResult).toBe(true);
    expect(vpa.flagCounts).toEqual([1, 0, 1, 0]);
    expectCode(() => new VolumePrice({ period: 0 }), 'ERR_INVALID_PARAM');
  });
});

describe('SignalFusion', () => {
  it('matches the independent numpy/scipy reference', () => {
    for (const c of fixture.fusion) {
      const p = c.params;
      const fusion = new SignalFusion(c.sources, {
        method: c.method,
        priorHits: p.priorHits,
        priorMisses: p.priorMisses,
        memory: p.memory,
        quorum: p.quorum,
        majority: p.majority,
        halfLife: p.halfLife,
        maxLogit: p.maxLogit,
      });
      for (const [i, ok] of c.outcomes) fusion.record(i, ok);
      const r = fusion.fuse(
        Int8Array.from(c.signals.map((s) => s[0])),
        Float64Array.from(c.signals.map((s) => s[1])),
        Float64Array.from(c.signals.map((s) => s[2])),
      );
      expect(r.direction).toBe(c.expected.direction);
      expect(r.participants).toBe(c.expected.participants);
      close(r.confidence, c.expected.confidence);
      close(r.score, c.expected.score);
      c.expected.contributions.forEach((x, i) => close(r.contributions[i]!, x));
    }
  });

  it('learns from track records and validates input', () => {
    const f = new SignalFusion(2);
    for (let k = 0; k < 20; k++) {
      f.record(0, true);
      f.record(1, false);
    }
    expect(f.accuracy(0)).toBeCloseTo(21 / 22, 12);
    // The reliable source outweighs the unreliable one, whose vote counts against itself.
    const r = f.fuse(Int8Array.of(1, -1), Float64Array.of(1, 1));
    expect(r.direction).toBe(1);
    expect(r.contributions[1]).toBeGreaterThan(0);
    const c = f.fuse(Int8Array.of(1, -1), Float64Array.of(1, 1), undefined, 'consensus');
    expect(c.direction).toBe(0); // a tie is no majority
    expectCode(() => f.fuse(Int8Array.of(1), Float64Array.of(1)), 'ERR_LENGTH_MISMATCH');
    expectCode(() => f.fuse(Int8Array.of(1, 2), Float64Array.of(1, 1)), 'ERR_INVALID_INPUT');
    expectCode(() => f.fuse(Int8Array.of(1, 1), Float64Array.of(1, 1.5)), 'ERR_INVALID_INPUT');
    expectCode(() => f.fuse(Int8Array.of(1, 1), Float64Array.of(1)), 'ERR_INVALID_ARG');
    expectCode(() => f.record(5, true), 'ERR_LENGTH_MISMATCH');
    expectCode(() => new SignalFusion(2, { quorum: 3 }), 'ERR_INVALID_PARAM');
  });
});

describe('Ensemble', () => {
  it('matches the independent numpy/scipy reference', () => {
    for (const c of fixture.ensemble) {
      const ens = new Ensemble({
        weights: c.weights,
        regimeWeights: c.regimeWeights.length ? c.regimeWeights : undefined,
        disagreementPenalty: c.penalty,
        calibration: c.calibrated ? fixture.knots : undefined,
      });
      const r = ens.combine(
        Float64Array.from(c.forecasts.map((f) => f[0])),
        Float64Array.from(c.forecasts.map((f) => f[1])),
        c.regime ? Float64Array.from(c.regime) : undefined,
      );
      expect(r.direction).toBe(c.expected.direction);
      close(r.confidence, c.expected.confidence);
      close(r.probability, c.expected.probability);
      close(r.disagreement, c.expected.disagreement);
      c.expected.weights.forEach((w, i) => close(r.weights[i]!, w));
      if (c.expected.alpha === null) expect(Number.isNaN(r.alpha)).toBe(true);
      else close(r.alpha, c.expected.alpha);
    }
  });

  it('penalises disagreement, switches weights by regime and validates input', () => {
    const agree = new Ensemble({ weights: [1, 1], disagreementPenalty: 1 });
    const a = agree.combine(Float64Array.of(7, 7), Float64Array.of(3, 3)); // both 0.7
    const split = agree.combine(Float64Array.of(9.8, 4.2), Float64Array.of(0.2, 5.8)); // 0.98 and 0.42
    expect(a.probability).toBeCloseTo(0.7, 12);
    expect(split.probability).toBeCloseTo(0.7, 12);
    expect(split.confidence).toBeLessThan(a.confidence);
    const reg = new Ensemble({ weights: [1, 1], regimeWeights: [[1, 0], [0, 1]] });
    expect(reg.combine(Float64Array.of(8, 2), Float64Array.of(2, 8), Float64Array.of(1, 0)).direction).toBe(1);
    expect(reg.combine(Float64Array.of(8, 2), Float64Array.of(2, 8), Float64Array.of(0, 1)).direction).toBe(-1);
    expectCode(() => reg.combine(Float64Array.of(8, 2), Float64Array.of(2, 8)), 'ERR_LENGTH_MISMATCH');
    expectCode(() => reg.combine(Float64Array.of(8, 2), Float64Array.of(2, 8), Float64Array.of(0.5, 0.6)), 'ERR_INVALID_INPUT');
    expectCode(() => reg.combine(Float64Array.of(-1, 2), Float64Array.of(2, 8), Float64Array.of(1, 0)), 'ERR_INVALID_INPUT');
    expectCode(() => new Ensemble({ weights: [] }), 'ERR_INVALID_PARAM');
    expectCode(() => new Ensemble({ weights: [1], calibration: { xs: [0.5, 0.4], ys: [0.1, 0.2] } }), 'ERR_INVALID_INPUT');
    const cal = new Ensemble({ weights: [1], calibration: { xs: [0, 1], ys: [0.5, 0.5] } });
    expect(cal.combine(Float64Array.of(9), Float64Array.of(1)).direction).toBe(0); // calibrated to 0.5
    cal.setCalibration(null);
    expect(cal.combine(Float64Array.of(9), Float64Array.of(1)).direction).toBe(1);
  });

  it('takes a fitted IsotonicCalibrator and HMM regime probabilities from the statistics module', () => {
    // An over-confident model: it says p, the truth is ½ + (p − ½)/2. Fit the calibrator on
    // 4,000 (forecast, outcome) pairs drawn from that truth (deterministic LCG).
    let seed = 12345;
    const u = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const forecasts = new Float64Array(4000);
    const outcomes = new Float64Array(4000);
    for (let i = 0; i < forecasts.length; i++) {
      const p = 0.05 + 0.9 * u();
      forecasts[i] = p;
      outcomes[i] = u() < 0.5 + (p - 0.5) / 2 ? 1 : 0;
    }
    const cal = IsotonicCalibrator.fit(forecasts, outcomes);
    const raw = new Ensemble({ weights: [1, 1] });
    const calibrated = new Ensemble({ weights: [1, 1], calibration: cal });
    const alphas = Float64Array.of(9, 8);
    const betas = Float64Array.of(1, 2); // means 0.9 and 0.8 → combined 0.85
    const m = raw.combine(alphas, betas).probability;
    const r = calibrated.combine(alphas, betas);
    expect(r.probability).toBeCloseTo(cal.predict(m), 12); // the calibrator's map, applied to m
    expect(r.probability).toBeLessThan(m - 0.1); // over-confidence taken out (truth ≈ 0.675)
    expect(r.probability).toBeGreaterThan(0.55);
    calibrated.setCalibration(null);
    expect(calibrated.combine(alphas, betas).probability).toBeCloseTo(m, 12);
    calibrated.setCalibration(cal);
    expect(calibrated.combine(alphas, betas).probability).toBeCloseTo(cal.predict(m), 12);

    // Regimes: a calm/turbulent Gaussian HMM; model 0 is trusted in calm markets, model 1 in
    // turbulent ones. Feeding large returns moves the filter, and the weights follow it.
    const filter = new HmmFilter({
      states: 2,
      features: 1,
      start: [0.5, 0.5],
      transitions: [0.95, 0.05, 0.05, 0.95],
      means: [0, 0],
      variances: [1e-4, 1e-2],
    });
    const ens = new Ensemble({ weights: [1, 1], regimeWeights: [[1, 0], [0, 1]] });
    const up = Float64Array.of(8, 2);
    const down = Float64Array.of(2, 8); // model 0 says up (0.8), model 1 says down (0.2)
    for (const x of [0.001, -0.002, 0.0015, 0.0005]) filter.update(x);
    const calm = ens.combine(up, down, filter.probabilities());
    for (const x of [0.12, -0.15, 0.09, -0.11]) filter.update(x);
    const turbulent = ens.combine(up, down, filter.probabilities());
    expect(calm.weights[0]).toBeGreaterThan(0.9);
    expect(calm.direction).toBe(1);
    expect(turbulent.weights[1]).toBeGreaterThan(0.9);
    expect(turbulent.direction).toBe(-1);
  });
});
