/**
 * The decider both bench servers use, so the comparison is of transport and encoding only.
 * Uses the engine area's native `DecisionEngine` when the public API has it; until then a plain
 * linear scorer with the same column contract (and says which one ran).
 */
import * as tachyon from '../../ts/src/index.js';
import type { Decider, DecisionColumns } from '../../ts/src/index.js';

export const N_FEATURES = 8;
const WEIGHTS = [0.8, -0.4, 1.2, 0.3, -0.6, 0.5, 0.1, -0.2];

class LinearScorer implements Decider {
  readonly nFeatures = N_FEATURES;
  decideBatch(features: Float64Array, out?: DecisionColumns): DecisionColumns {
    const rows = features.length / N_FEATURES;
    if (!out || out.length !== rows) throw new Error('bad output columns');
    for (let r = 0; r < rows; r++) {
      let s = 0.05;
      for (let f = 0; f < N_FEATURES; f++) s += WEIGHTS[f]! * Math.max(-3, Math.min(3, features[r * N_FEATURES + f]!));
      s = Math.max(-4, Math.min(4, s));
      out.scores[r] = s;
      out.confidence[r] = Math.abs(s) / 4;
      out.actions[r] = s >= 1 ? 1 : s <= -1 ? 2 : 0;
      out.clamps[r] = 0;
      out.reasons[r] = out.actions[r] === 0 ? 1 : 0;
      out.clampFeatures[r] = 0xffff;
    }
    return out;
  }
}

export function makeDecider(): { decider: Decider; name: string } {
  const Engine = (tachyon as Record<string, unknown>).DecisionEngine as (new (o: unknown) => Decider) | undefined;
  if (Engine) {
    const decider = new Engine({
      weights: WEIGHTS,
      featureMin: new Array(N_FEATURES).fill(-3),
      featureMax: new Array(N_FEATURES).fill(3),
      bias: 0.05,
      scoreCap: 4,
      buyThreshold: 1,
      sellThreshold: 1,
    });
    return { decider, name: 'native DecisionEngine' };
  }
  return { decider: new LinearScorer(), name: 'JS linear scorer (engine not on this branch yet)' };
}
