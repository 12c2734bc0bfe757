/**
 * Signals: Wyckoff events and phases, volume-price analysis, fusion of several sources'
 * signals, and an ensemble of model forecasts given as Beta(α, β).
 *
 * ## Wyckoff rules (parameters with defaults; ATR = Wilder ATR(14), V̄ = SMA(20) of volume,
 * both as of the previous bar; trend = close − close 20 bars ago)
 * Accumulation:
 * - **SC** selling climax: down close, range ≥ 1.5·ATR, volume ≥ 2·V̄, trend ≤ −3·ATR →
 *   phase A, support = SC low (lower lows move it until the AR).
 * - **AR** automatic rally: within 15 bars, the peak after the SC is ≥ 1.5·ATR above support
 *   and a bar makes a lower high → resistance = peak. No AR in time drops the range.
 * - **ST** secondary test: coming from above (previous low > support + 0.5·ATR), low within
 *   ±0.5·ATR of support, volume ≤ 0.7 × the SC's → phase B (repeats are flagged in B).
 * - **Spring**: in B, support − 1·ATR ≤ low < support and close ≥ support → phase C.
 * - **SOS** sign of strength: in B or C, close > resistance, up close, range ≥ 1·ATR,
 *   volume ≥ 1.5·V̄ → phase D. **Phase E**: in D, close > resistance + 2·ATR.
 * - Failure: after the AR, close < support − 1·ATR flags **SOW** and drops the range.
 *
 * Distribution mirrors it: **BC** (up close after a rise), **ARe** automatic reaction (support
 * = trough), **ST** near the resistance on lower volume, **UT** upthrust (resistance < high ≤
 * resistance + 1·ATR, close ≤ resistance → phase C), **SOW** (close < support, down close,
 * wide, heavy → phase D), phase E below support − 2·ATR; a close above resistance + 1·ATR
 * flags **SOS** and drops the range. A new climax may start a schematic when none is tracked
 * or after phase E; a range older than 300 bars without phase E is dropped.
 *
 * @example Wyckoff
 * ```ts
 * import { Wyckoff } from 'tachyon';
 * const wy = new Wyckoff({ climaxVolume: 2.5 });   // every rule parameter is an option
 * const r = wy.update(high, low, close, volume);    // (…, ts?) to enforce bar order
 * if (r.events.includes('Spring')) console.log('spring at', close, 'phase', r.phase); // 'C'
 * const series = wy.batch(highs, lows, closes, volumes); // { events: Uint16Array, phases, schematics, support, resistance }
 * ```
 *
 * ## Volume-price rules (V̄, R̄ = SMA(20) of volume and range as of the previous bar)
 * effort = volume/V̄, result = range/R̄; **effort without result**: effort ≥ 1.5 and
 * result ≤ 0.7; **result without effort**: result ≥ 1.3 and effort ≤ 0.7; **no demand**: up
 * close, result ≤ 0.7, volume below each of the previous two bars; **no supply**: the same on a
 * down close.
 *
 * @example Volume-price analysis
 * ```ts
 * import { VolumePrice } from 'tachyon';
 * const vpa = new VolumePrice({ period: 20 });
 * const r = vpa.update(high, low, close, volume);
 * if (r.noDemand) reduceLongs();
 * r.effort; r.result; r.closeLocation;
 * ```
 *
 * ## Fusion (sources with direction 0 or confidence 0 abstain)
 * Track record: accuracy = (a₀ + hits)/(a₀ + b₀ + hits + misses), hits and misses optionally
 * fading by `memory`. **bayesian**: evidence eᵢ = dᵢ·logit(½ + (accᵢ − ½)·cᵢ) (capped at
 * `maxLogit`), L = Σeᵢ, confidence |2σ(L) − 1|. **consensus**: unweighted majority with a
 * quorum, confidence 2·share − 1. **timeDecay**: wᵢ = cᵢ·2^(−ageᵢ/halfLife), score
 * Σwᵢdᵢ/Σcᵢ. **hybrid**: decayed Bayesian evidence behind the quorum, confidence discounted by
 * the share of evidence that disagrees.
 *
 * @example Fusion
 * ```ts
 * import { SignalFusion } from 'tachyon';
 * const fusion = new SignalFusion(3, { method: 'hybrid', quorum: 2, halfLife: 60 });
 * fusion.record(0, true); fusion.record(1, false);         // outcomes of past signals
 * const r = fusion.fuse(Int8Array.of(1, 1, -1), Float64Array.of(0.8, 0.6, 0.9), Float64Array.of(0, 30, 120));
 * r.direction; r.confidence; r.contributions;              // per source
 * fusion.fuse(Int8Array.of(1, 1, -1), Float64Array.of(1, 1, 1), undefined, 'consensus');
 * ```
 *
 * ## Ensemble of Beta(α, β) forecasts of P(up)
 * wᵢ = baseᵢ·Σₖπₖ·regimeWeightsₖᵢ (normalised); m = Σwᵢ·μᵢ; disagreement d = min(1, 2·√Σwᵢ(μᵢ − m)²);
 * p = calibration(m) (isotonic knots, optional); direction sign(p − ½); confidence
 * |2p − 1|·(1 − λ·d); plus the moment-matched Beta(α*, β*) of the mixture.
 *
 * @example Ensemble
 * ```ts
 * import { Ensemble } from 'tachyon';
 * const ens = new Ensemble({
 *   weights: [1, 1, 2],
 *   regimeWeights: [[1, 0.5, 1], [0.2, 1, 1]],           // trending, mean-reverting
 *   disagreementPenalty: 0.5,
 *   calibration: { xs: [0.2, 0.5, 0.8], ys: [0.3, 0.5, 0.7] },
 * });
 * const r = ens.combine(Float64Array.of(8, 3, 12), Float64Array.of(4, 5, 9), Float64Array.of(0.9, 0.1));
 * r.direction; r.confidence; r.probability; r.disagreement; r.weights;
 * ```
 *
 * @example Ensemble with a fitted calibration and HMM regimes (from `tachyon`'s statistics)
 * ```ts
 * import { Ensemble, IsotonicCalibrator, HmmFilter, hmmFit } from 'tachyon';
 * const cal = IsotonicCalibrator.fit(pastProbabilities, pastOutcomes); // outcomes 0/1
 * const regimes = new HmmFilter(hmmFit(returns, { states: 2 }).model);
 * const ens = new Ensemble({ weights: [1, 1, 2], regimeWeights: [[1, 0.5, 1], [0.2, 1, 1]], calibration: cal });
 * regimes.update(latestReturn);
 * ens.combine(alphas, betas, regimes.probabilities());
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';
import { IsotonicCalibrator } from '../stats/index.js';

/** Ensemble options; `calibration` also takes a fitted {@link IsotonicCalibrator}. */
export type EnsembleConfig = Omit<Native.EnsembleOptions, 'calibration'> & {
  calibration?: Native.CalibrationKnots | IsotonicCalibrator;
};

function calibrationKnots(c: Native.CalibrationKnots | IsotonicCalibrator): Native.CalibrationKnots {
  if (c instanceof IsotonicCalibrator) {
    const k = c.knots();
    return { xs: k.scores, ys: k.values };
  }
  return c;
}

/** Wyckoff event detector and phase labeller (rules above; every parameter is an option). */
export class Wyckoff {
  private readonly h: ReturnType<typeof native.wyckoffNew>;
  constructor(options: Native.WyckoffOptions = {}) {
    this.h = native.wyckoffNew(options);
  }
  /** Processes one bar (`ts` optional, strictly increasing); a bad bar throws a coded error. */
  update(high: number, low: number, close: number, volume: number, ts?: number): Native.WyckoffReading {
    return native.wyckoffUpdate(this.h, high, low, close, volume, ts);
  }
  /** Processes equal-length columns; refused bars read as no event with NaN levels. */
  batch(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array): Native.WyckoffSeries {
    return native.wyckoffBatch(this.h, high, low, close, volume);
  }
  /** Times each event fired: SC, BC, AR, ARe, ST, Spring, UT, SOS, SOW. */
  get eventCounts(): number[] {
    return native.wyckoffEventCounts(this.h);
  }
  /** Inputs accepted and refused, by reason. */
  get stats(): Native.InputStats {
    return native.wyckoffStats(this.h);
  }
  /** Back to the initial state (counters kept). */
  reset(): void {
    native.wyckoffReset(this.h);
  }
}

/** Volume-price analysis (effort vs result, no demand / no supply). */
export class VolumePrice {
  private readonly h: ReturnType<typeof native.volumePriceNew>;
  constructor(options: Native.VolumePriceOptions = {}) {
    this.h = native.volumePriceNew(options);
  }
  /** Analyses one bar (`ts` optional); a bad bar throws a coded error. */
  update(high: number, low: number, close: number, volume: number, ts?: number): Native.VolumePriceReading {
    return native.volumePriceUpdate(this.h, high, low, close, volume, ts);
  }
  /** Times each flag was set: effort without result, result without effort, no demand, no supply. */
  get flagCounts(): number[] {
    return native.volumePriceFlagCounts(this.h);
  }
  /** Inputs accepted and refused, by reason. */
  get stats(): Native.InputStats {
    return native.volumePriceStats(this.h);
  }
}

/** Track records and fusion of several sources' directional signals. */
export class SignalFusion {
  private readonly h: ReturnType<typeof native.fusionNew>;
  /** Number of sources. */
  readonly sources: number;
  constructor(sources: number, options: Native.SignalFusionOptions = {}) {
    this.h = native.fusionNew(sources, options);
    this.sources = native.fusionSources(this.h);
  }
  /** Records whether source `i`'s last signal was right. */
  record(source: number, correct: boolean): void {
    native.fusionRecord(this.h, source, correct);
  }
  /** Source `i`'s posterior mean accuracy. */
  accuracy(source: number): number {
    return native.fusionAccuracy(this.h, source);
  }
  /**
   * Fuses one signal per source: directions −1/0/1, confidences in [0, 1], optional ages
   * (≥ 0, in the unit of `halfLife`). `method` overrides the configured one for this call.
   */
  fuse(directions: Int8Array, confidences: Float64Array, ages?: Float64Array, method?: Native.FusionMode): Native.FusionResult {
    return native.fusionFuse(this.h, directions, confidences, ages, method);
  }
}

/** Ensemble of Beta(α, β) model forecasts of P(up). */
export class Ensemble {
  private readonly h: ReturnType<typeof native.ensembleNew>;
  /** Number of models. */
  readonly models: number;
  /** Number of regimes (0 without regime weights). */
  readonly regimes: number;
  constructor(options: EnsembleConfig) {
    const { calibration, ...rest } = options;
    this.h = native.ensembleNew(calibration === undefined ? rest : { ...rest, calibration: calibrationKnots(calibration) });
    this.models = native.ensembleModels(this.h);
    this.regimes = native.ensembleRegimes(this.h);
  }
  /**
   * Sets the calibration: isotonic knots, or a calibrator fitted on past (probability, outcome)
   * pairs with `IsotonicCalibrator.fit` (its knots must lie in [0, 1]); `null` clears it.
   */
  setCalibration(calibration: Native.CalibrationKnots | IsotonicCalibrator | null): void {
    native.ensembleSetCalibration(this.h, calibration === null ? null : calibrationKnots(calibration));
  }
  /** Combines one Beta(α, β) per model; `regime` = regime probabilities when regimes are configured. */
  combine(alphas: Float64Array, betas: Float64Array, regime?: Float64Array): Native.EnsembleResult {
    return native.ensembleCombine(this.h, alphas, betas, regime);
  }
}

export type {
  WyckoffOptions,
  WyckoffReading,
  WyckoffSeries,
  VolumePriceOptions,
  VolumePriceReading,
  SignalFusionOptions,
  FusionMode,
  FusionResult,
  EnsembleOptions,
  EnsembleResult,
  CalibrationKnots,
} from '../../../native/index.js';

/** Bits of `WyckoffReading.mask` / `WyckoffSeries.events`. */
export const WyckoffEvent = {
  SC: 1,
  BC: 2,
  AR: 4,
  ARe: 8,
  ST: 16,
  Spring: 32,
  UT: 64,
  SOS: 128,
  SOW: 256,
} as const;
export type WyckoffEvent = keyof typeof WyckoffEvent;

/** Values of `WyckoffSeries.phases`. */
export const WyckoffPhase = ['none', 'A', 'B', 'C', 'D', 'E'] as const;
export type WyckoffPhase = (typeof WyckoffPhase)[number];

/** Bits of `VolumePriceReading.flags`. */
export const VolumePriceFlag = { EffortNoResult: 1, ResultNoEffort: 2, NoDemand: 4, NoSupply: 8 } as const;
