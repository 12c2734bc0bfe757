/**
 * Parameter sweeps on piscina worker threads, walk-forward optimisation and purged k-fold
 * evaluation.
 *
 * - {@link parseGrid}: `"fast=5,10,20;slow=30..90:30"` → every combination.
 * - {@link runSweep}: each combination is a backtest on a worker (the data is loaded once per
 *   worker), with a progress callback; results sorted by the objective (Sharpe by default).
 * - {@link runWalkForward}: windows from `tachyon_backtest::split::walk_forward`; each window
 *   picks the best combination on its training bars and is scored on the test bars after it.
 * - {@link runPurgedKFold}: folds from the Rust purged k-fold (labels spanning `horizon`
 *   bars, embargo); each fold picks the best combination on its training segments and is
 *   scored on the held-out fold.
 *
 * Every backtest is deterministic, so a sweep gives the same table on 1 or 16 workers.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { TachyonConfig } from '../config/schema.js';
import { TachyonError } from '../errors.js';
import { native } from '../native.js';
import type { SweepTask, SweepOutcome } from './sweep-worker.js';

export type { SweepTask, SweepOutcome } from './sweep-worker.js';

export type ParamGrid = Record<string, (number | string | boolean)[]>;

/** Parses `"a=1,2,3;b=10..50:20;c=true"` (ranges `lo..hi:step`, inclusive). */
export function parseGrid(spec: string): ParamGrid {
  const grid: ParamGrid = {};
  for (const part of spec.split(/[;\s]+/).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new TachyonError('ERR_CONFIG', `sweep part ${JSON.stringify(part)} must be name=values, e.g. fast=5,10 or slow=30..90:30`);
    const name = part.slice(0, i);
    const vals = part.slice(i + 1);
    const range = /^(-?[\d.]+)\.\.(-?[\d.]+)(?::([\d.]+))?$/.exec(vals);
    if (range) {
      const lo = Number(range[1]);
      const hi = Number(range[2]);
      const step = Number(range[3] ?? 1);
      if (!(step > 0) || hi < lo || (hi - lo) / step > 10_000) throw new TachyonError('ERR_CONFIG', `sweep range ${vals} must be lo..hi:step with lo <= hi, step > 0 and at most 10000 values`);
      const out: number[] = [];
      for (let v = lo; v <= hi + 1e-12; v += step) out.push(Number(v.toFixed(10)));
      grid[name] = out;
    } else {
      grid[name] = vals.split(',').map((v) => (v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) && v.trim() !== '' ? Number(v) : v));
    }
  }
  if (Object.keys(grid).length === 0) throw new TachyonError('ERR_CONFIG', 'empty sweep: give name=values pairs, e.g. "fast=5,10;slow=30,60"');
  return grid;
}

/** Every combination of a grid. */
export function combinations(grid: ParamGrid): Record<string, number | string | boolean>[] {
  let out: Record<string, number | string | boolean>[] = [{}];
  for (const [k, vals] of Object.entries(grid)) out = out.flatMap((c) => vals.map((v) => ({ ...c, [k]: v })));
  return out;
}

export interface SweepOptions {
  config: TachyonConfig;
  grid: ParamGrid;
  /** Worker threads (default: available cores). */
  workers?: number;
  /** Metric to maximise (default `sharpe`). */
  objective?: keyof SweepOutcome['metrics'];
  onProgress?: (done: number, total: number) => void;
}

function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? here.replace(/sweep\.ts$/, 'sweep-worker.dev.mjs') : here.replace(/sweep\.js$/, 'sweep-worker.js');
}

function pool(workers?: number): Piscina {
  const n = Math.max(1, Math.min(workers ?? availableParallelism(), 64));
  return new Piscina({ filename: workerFile(), minThreads: n, maxThreads: n });
}

const score = (o: SweepOutcome, key: keyof SweepOutcome['metrics']) => {
  const v = o.metrics[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NEGATIVE_INFINITY;
};

async function runTasks(p: Piscina, tasks: SweepTask[], onDone: () => void): Promise<SweepOutcome[]> {
  return Promise.all(
    tasks.map(async (t) => {
      const r = (await p.run(t)) as SweepOutcome;
      onDone();
      return r;
    }),
  );
}

/** Runs every combination; returns outcomes sorted best first. */
export async function runSweep(o: SweepOptions): Promise<SweepOutcome[]> {
  const combos = combinations(o.grid);
  const objective = o.objective ?? 'sharpe';
  const p = pool(o.workers);
  let done = 0;
  try {
    const tasks = combos.map((params) => ({ config: o.config, params }) satisfies SweepTask);
    const out = await runTasks(p, tasks, () => o.onProgress?.(++done, tasks.length));
    return out.sort((a, b) => score(b, objective) - score(a, objective));
  } finally {
    await p.destroy();
  }
}

export interface WindowOutcome {
  train: [number, number];
  testRange: [number, number];
  best: Record<string, number | string | boolean>;
  trainScore: number;
  outOfSample: SweepOutcome;
}

export interface WalkForwardOptions extends SweepOptions {
  train: number;
  test: number;
  step?: number;
  gap?: number;
  anchored?: boolean;
  /** Number of records of the data (to plan windows); computed by the caller. */
  records: number;
}

/** Walk-forward optimisation (see the module docs). */
export async function runWalkForward(o: WalkForwardOptions): Promise<{ windows: WindowOutcome[] }> {
  const windows = native.walkForwardWindows(o.records, o.train, o.test, o.step, o.gap, o.anchored);
  const combos = combinations(o.grid);
  const objective = o.objective ?? 'sharpe';
  const p = pool(o.workers);
  const total = windows.length * (combos.length + 1);
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);
  try {
    const out: WindowOutcome[] = [];
    for (const w of windows) {
      const trained = await runTasks(
        p,
        combos.map((params) => ({ config: o.config, params, range: [w.trainStart, w.trainEnd] as [number, number] })),
        tick,
      );
      trained.sort((a, b) => score(b, objective) - score(a, objective));
      const best = trained[0]!;
      const [oos] = await runTasks(p, [{ config: o.config, params: best.params, range: [w.testStart, w.testEnd] }], tick);
      out.push({ train: [w.trainStart, w.trainEnd], testRange: [w.testStart, w.testEnd], best: best.params, trainScore: score(best, objective), outOfSample: oos! });
    }
    return { windows: out };
  } finally {
    await p.destroy();
  }
}

export interface KFoldOptions extends SweepOptions {
  k: number;
  embargo: number;
  /** Bars a label spans (t1 = t + horizon bars). */
  horizon: number;
  /** Bar open times (ms) of the data. */
  times: Float64Array;
}

/** Contiguous runs of sorted indices. */
function runs(idx: Uint32Array): [number, number][] {
  const out: [number, number][] = [];
  let a = -1;
  let prev = -2;
  for (const i of idx) {
    if (i !== prev + 1) {
      if (a >= 0) out.push([a, prev + 1]);
      a = i;
    }
    prev = i;
  }
  if (a >= 0) out.push([a, prev + 1]);
  return out;
}

/** Purged k-fold evaluation (see the module docs). */
export async function runPurgedKFold(o: KFoldOptions): Promise<{ folds: { test: [number, number]; best: Record<string, number | string | boolean>; trainScore: number; outOfSample: SweepOutcome }[] }> {
  const n = o.times.length;
  const t1 = new Float64Array(n);
  for (let i = 0; i < n; i++) t1[i] = o.times[Math.min(n - 1, i + o.horizon)]!;
  const folds = native.purgedKfold(o.times, t1, o.k, o.embargo);
  const combos = combinations(o.grid);
  const objective = o.objective ?? 'sharpe';
  const p = pool(o.workers);
  const segsPerFold = folds.map((f) => runs(f.train).filter(([a, b]) => b - a >= 2));
  const total = folds.reduce((s, _f, k) => s + combos.length * segsPerFold[k]!.length + 1, 0);
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);
  try {
    const out = [];
    for (let k = 0; k < folds.length; k++) {
      const f = folds[k]!;
      const segs = segsPerFold[k]!;
      let best = combos[0]!;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const params of combos) {
        const rs = await runTasks(p, segs.map((range) => ({ config: o.config, params, range })), tick);
        // mean objective over the training segments, weighted by their length
        let wsum = 0;
        let s = 0;
        rs.forEach((r, i) => {
          const w = segs[i]![1] - segs[i]![0];
          const v = score(r, objective);
          if (Number.isFinite(v)) {
            s += v * w;
            wsum += w;
          }
        });
        const m = wsum > 0 ? s / wsum : Number.NEGATIVE_INFINITY;
        if (m > bestScore) {
          bestScore = m;
          best = params;
        }
      }
      const [oos] = await runTasks(p, [{ config: o.config, params: best, range: [f.testStart, f.testEnd] }], tick);
      out.push({ test: [f.testStart, f.testEnd] as [number, number], best, trainScore: bestScore, outOfSample: oos! });
    }
    return { folds: out };
  } finally {
    await p.destroy();
  }
}
