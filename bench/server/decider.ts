/**
 * The decider both bench servers use, so the comparison is of transport and encoding only: the
 * engine area's native `DecisionEngine` (SIMD kernel chosen at run time).
 */
import { DecisionEngine } from '../../ts/src/index.js';
import type { Decider } from '../../ts/src/index.js';

export const N_FEATURES = 8;
const WEIGHTS = [0.8, -0.4, 1.2, 0.3, -0.6, 0.5, 0.1, -0.2];

export function makeDecider(): { decider: Decider; name: string } {
  const engine = new DecisionEngine({
    weights: WEIGHTS,
    bias: 0.05,
    featureMin: new Array(N_FEATURES).fill(-3),
    featureMax: new Array(N_FEATURES).fill(3),
    scoreCap: 4,
    buyThreshold: 1,
    sellThreshold: 1,
  });
  return { decider: engine, name: `native DecisionEngine (${engine.path})` };
}
