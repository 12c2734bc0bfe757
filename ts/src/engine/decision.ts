/**
 * The decision engine: feature rows → score → buy / sell / hold, in Rust, batched across
 * instruments, on AVX-512, AVX2 or scalar kernels chosen at run time (all give bit-identical
 * scores).
 *
 * Per row `x`: each feature is clamped to `[featureMin[f], featureMax[f]]`;
 * `score = Σ weights[f]·x[f] + bias`, clamped to `[-scoreCap, scoreCap]`; `buy` if
 * `score >= buyThreshold`, `sell` if `score <= -sellThreshold`, else `hold`;
 * `confidence = |score| / scoreCap`. A row with a NaN or ±Infinity feature is never traded: it
 * holds with reason `MISSING_FEATURE` (counted in {@link DecisionEngine.counters}).
 *
 * @example
 * ```ts
 * import { DecisionEngine } from 'tachyon';
 * const engine = new DecisionEngine({
 *   weights: [0.8, -0.4, 1.2],        // momentum, spread z-score, order-flow imbalance
 *   featureMin: [-3, -3, -3],
 *   featureMax: [3, 3, 3],
 *   scoreCap: 4,
 *   buyThreshold: 1,
 *   sellThreshold: 1,
 * });
 * engine.decide([1.5, 0.2, 0.4]);
 * // { action: 'buy', score: 1.6, confidence: 0.4, clamps: [], clampFeature: null, reason: null }
 *
 * // Hot loop: write into the staging row and decide with a zero-argument native call.
 * engine.row.set([1.5, 0.2, 0.4]);
 * engine.decideRow();               // 1 (buy); engine.lastScore === 1.6
 *
 * // 1,000 instruments × 3 features in one call:
 * const features = new Float64Array(3000);
 * const batch = engine.decideBatch(features);
 * batch.actions[0];                 // 0 hold, 1 buy, 2 sell (see Action)
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';

export type { StrategyOptions, DecisionCounts } from '../../../native/index.js';

/** Action codes in {@link DecisionBatch.actions}. */
export const Action = { Hold: 0, Buy: 1, Sell: 2 } as const;
export type ActionName = 'hold' | 'buy' | 'sell';
const ACTION_NAMES: readonly ActionName[] = ['hold', 'buy', 'sell'];

/** Bits of {@link DecisionBatch.clamps}. */
export const ClampFlag = { FeatureLow: 1, FeatureHigh: 2, ScoreLow: 4, ScoreHigh: 8 } as const;
export type ClampName = 'featureLow' | 'featureHigh' | 'scoreLow' | 'scoreHigh';

/** Codes of {@link DecisionBatch.reasons}. */
export const HoldReason = { None: 0, BelowThreshold: 1, MissingFeature: 2, NonFiniteScore: 3 } as const;
export type HoldReasonCode = 'BELOW_THRESHOLD' | 'MISSING_FEATURE' | 'NON_FINITE_SCORE';
const REASONS: readonly (HoldReasonCode | null)[] = [null, 'BELOW_THRESHOLD', 'MISSING_FEATURE', 'NON_FINITE_SCORE'];

/** Kernel names. */
export type KernelPath = 'scalar' | 'avx2' | 'avx512';

/** One decision. */
export interface Decision {
  action: ActionName;
  /** Clamped score (0 when held for a missing feature or a non-finite score). */
  score: number;
  /** `|score| / scoreCap`, in [0, 1]. */
  confidence: number;
  /** Clamps that fired. */
  clamps: ClampName[];
  /** First clamped feature, or null. */
  clampFeature: number | null;
  /** Why it was held (null for a buy or sell). */
  reason: HoldReasonCode | null;
}

/** Decoded clamp bits. */
export function clampNames(bits: number): ClampName[] {
  const out: ClampName[] = [];
  if (bits & ClampFlag.FeatureLow) out.push('featureLow');
  if (bits & ClampFlag.FeatureHigh) out.push('featureHigh');
  if (bits & ClampFlag.ScoreLow) out.push('scoreLow');
  if (bits & ClampFlag.ScoreHigh) out.push('scoreHigh');
  return out;
}

/** The output columns {@link DecisionEngine.decideRows} fills (a {@link DecisionBatch} is one). */
export type DecisionOutputs = Pick<DecisionBatch, 'actions' | 'scores' | 'confidence' | 'clamps' | 'reasons' | 'clampFeatures'>;

/** Column outputs of a batch: entry `i` belongs to row `i` of the features. */
export class DecisionBatch {
  readonly actions: Uint8Array;
  readonly scores: Float64Array;
  readonly confidence: Float64Array;
  readonly clamps: Uint8Array;
  readonly reasons: Uint8Array;
  /** First clamped feature per row; 65535 for none. */
  readonly clampFeatures: Uint16Array;

  constructor(readonly length: number) {
    this.actions = new Uint8Array(length);
    this.scores = new Float64Array(length);
    this.confidence = new Float64Array(length);
    this.clamps = new Uint8Array(length);
    this.reasons = new Uint8Array(length);
    this.clampFeatures = new Uint16Array(length);
  }

  /** Row `i` as a {@link Decision}. */
  at(i: number): Decision {
    const f = this.clampFeatures[i]!;
    return {
      action: ACTION_NAMES[this.actions[i]!]!,
      score: this.scores[i]!,
      confidence: this.confidence[i]!,
      clamps: clampNames(this.clamps[i]!),
      clampFeature: f === 0xffff ? null : f,
      reason: REASONS[this.reasons[i]!] ?? null,
    };
  }
}

/** A strategy's decision engine (see the module docs). */
export class DecisionEngine {
  private readonly h: ReturnType<typeof native.decisionNew>;
  private readonly out = new Float64Array(5);
  private stagedOut = new Float64Array(5);
  private staged: Float64Array;

  /** Throws `ERR_INVALID_CONFIG` naming the bad field (e.g. `weights[3]`, `buyThreshold`). */
  constructor(options: Native.StrategyOptions) {
    this.h = native.decisionNew(options);
    this.staged = this.bind();
  }

  private bind(): Float64Array {
    const input = new Float64Array(native.decisionNFeatures(this.h));
    this.stagedOut = new Float64Array(5);
    native.decisionBindStaging(this.h, input, this.stagedOut);
    return input;
  }

  /**
   * The staging row for {@link DecisionEngine.decideRow}: write one instrument's features into
   * it, then call `decideRow()`. (Replaced by `setStrategy`.)
   */
  get row(): Float64Array {
    return this.staged;
  }

  /**
   * Decides the features in {@link DecisionEngine.row}; returns the action code (0 hold,
   * 1 buy, 2 sell). The cheapest call across the N-API boundary: no arguments, no allocation.
   * Score and confidence of this call: {@link DecisionEngine.lastScore},
   * {@link DecisionEngine.lastConfidence}.
   */
  decideRow(): number {
    return native.decisionDecideStaged(this.h);
  }

  /** Score of the last `decideRow()`. */
  get lastScore(): number {
    return this.stagedOut[0]!;
  }

  /** Confidence of the last `decideRow()`. */
  get lastConfidence(): number {
    return this.stagedOut[1]!;
  }

  /** Kernels this CPU supports, slowest first. */
  static availablePaths(): KernelPath[] {
    return native.decisionAvailablePaths() as KernelPath[];
  }

  /** Features per row. */
  get nFeatures(): number {
    return native.decisionNFeatures(this.h);
  }

  /** The kernel in use. */
  get path(): KernelPath {
    return native.decisionPath(this.h) as KernelPath;
  }

  /** Replaces the strategy (same validation). */
  setStrategy(options: Native.StrategyOptions): void {
    native.decisionSetStrategy(this.h, options);
    this.staged = this.bind();
  }

  /** The action code for one instrument (0 hold, 1 buy, 2 sell), features passed in. */
  decideAction(features: Float64Array): number {
    return native.decisionDecideInto(this.h, features, this.out);
  }

  /** One instrument, with score, confidence, clamps and reason. */
  decide(features: Float64Array | readonly number[]): Decision {
    let a: number;
    let o: Float64Array;
    if (features.length === this.staged.length) {
      // Copy into the staging row: cheaper than passing a typed array across the boundary.
      this.staged.set(features);
      a = this.decideRow();
      o = this.stagedOut;
    } else {
      a = native.decisionDecideInto(this.h, features instanceof Float64Array ? features : Float64Array.from(features), this.out);
      o = this.out;
    }
    return {
      action: ACTION_NAMES[a]!,
      score: o[0]!,
      confidence: o[1]!,
      clamps: clampNames(o[2]!),
      clampFeature: o[4]! < 0 ? null : o[4]!,
      reason: REASONS[o[3]!] ?? null,
    };
  }

  /**
   * Every row of `features` (instruments × features, row-major). Pass `out` to reuse the
   * output arrays (its `length` must be the row count).
   */
  decideBatch(features: Float64Array, out?: DecisionBatch): DecisionBatch {
    const rows = Math.floor(features.length / this.staged.length);
    const b = out ?? new DecisionBatch(rows);
    native.decisionDecideBatch(this.h, features, b.actions, b.scores, b.confidence, b.clamps, b.reasons, b.clampFeatures);
    return b;
  }

  /**
   * Rows `featureStart / nFeatures …` of a larger buffer: decides `rows` rows of `nFeatures`
   * values starting at element `featureStart` of `features`, into `out` (whose `length` must be
   * `rows`). For callers that keep many requests in one long-lived buffer (the decision server's
   * copy of a frame): no subarray per call. Bounds are checked (`ERR_INVALID_ARG`).
   */
  decideRows<T extends DecisionOutputs>(features: Float64Array, featureStart: number, rows: number, out: T): T {
    native.decisionDecideRows(this.h, features, featureStart, rows, out.actions, out.scores, out.confidence, out.clamps, out.reasons, out.clampFeatures);
    return out;
  }

  /** Totals so far (decisions, buys, sells, holds, missingFeature, nonFiniteScore, clamped). */
  counters(): Native.DecisionCounts {
    return native.decisionCounters(this.h);
  }
}
