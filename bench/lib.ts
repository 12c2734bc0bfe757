/**
 * Shared helper for the tinybench boundary benches (`bench/*.bench.ts`).
 *
 * Each case's function performs `opsPerCall` operations (a loop), so per-operation figures are
 * the sample latency divided by `opsPerCall`: a single N-API call (~10–50 ns) is far below the
 * timer's resolution. Tail percentiles are therefore per-batch, like the Rust runner's.
 * Results print beside the group's anchor and are written to bench/results/<file>.json for
 * `scripts/bench.mjs` and the gate.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

export interface JsCase {
  name: string;
  /** The reference the group is compared against. */
  anchor?: boolean;
  /** Operations one call of `fn` performs. */
  opsPerCall: number;
  fn: () => void;
}

export interface JsRow {
  group: string;
  name: string;
  anchor: boolean;
  p50_ns: number;
  p99_ns: number;
  p999_ns: number;
  mean_ns: number;
  min_ns: number;
  ops_per_sec: number;
  samples: number;
  batch: number;
}

export const quick = process.env.TACHYON_BENCH_QUICK === '1';
const filter = process.env.TACHYON_BENCH_FILTER ?? '';

export function fmtNs(ns: number): string {
  if (ns < 10) return `${ns.toFixed(2)} ns`;
  if (ns < 1000) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

export function fmtRate(r: number): string {
  if (r >= 1e9) return `${(r / 1e9).toFixed(2)} G/s`;
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)} M/s`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)} k/s`;
  return `${r.toFixed(0)} /s`;
}

export function printRows(group: string, rows: JsRow[]): void {
  const anchor = rows.find((r) => r.anchor);
  console.log(`\n${group}`);
  for (const r of rows) {
    const name = `${r.name}${r.anchor ? ' (anchor)' : ''}`.padEnd(44);
    const vs = anchor && !r.anchor ? `  ${(anchor.p50_ns / r.p50_ns).toFixed(2).padStart(6)}× anchor speed` : '';
    console.log(
      `  ${name} p50 ${fmtNs(r.p50_ns).padStart(10)}  p99 ${fmtNs(r.p99_ns).padStart(10)}  p99.9 ${fmtNs(r.p999_ns).padStart(10)}  ${fmtRate(r.ops_per_sec).padStart(10)}${vs}`,
    );
  }
}

/** Runs one group of cases and prints it. */
export async function runGroup(group: string, cases: JsCase[]): Promise<JsRow[]> {
  const selected = cases.filter((c) => `${group}/${c.name}`.includes(filter));
  if (selected.length === 0) return [];
  const bench = new Bench({ time: quick ? 300 : 1500, warmupTime: quick ? 100 : 300 });
  for (const c of selected) bench.add(c.name, c.fn);
  await bench.run();
  const rows: JsRow[] = [];
  for (const c of selected) {
    const t = bench.getTask(c.name);
    const res = t?.result as { latency?: { p50?: number; p99?: number; p999?: number; mean?: number; min?: number; samplesCount?: number } } | undefined;
    const lat = res?.latency;
    if (!lat || lat.p50 === undefined) throw new Error(`bench ${group}/${c.name} produced no result`);
    const per = (ms: number | undefined) => ((ms ?? Number.NaN) * 1e6) / c.opsPerCall;
    rows.push({
      group,
      name: c.name,
      anchor: c.anchor ?? false,
      p50_ns: per(lat.p50),
      p99_ns: per(lat.p99),
      p999_ns: per(lat.p999),
      mean_ns: per(lat.mean),
      min_ns: per(lat.min),
      ops_per_sec: 1e9 / per(lat.p50),
      samples: lat.samplesCount ?? 0,
      batch: c.opsPerCall,
    });
  }
  printRows(group, rows);
  return rows;
}

/** Writes rows to bench/results/<bench file name>.json. */
export function writeResults(importMetaUrl: string, rows: JsRow[]): void {
  const file = fileURLToPath(importMetaUrl);
  const dir = join(dirname(file), 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${basename(file).replace(/\.bench\.ts$/, '')}.json`), JSON.stringify(rows, null, 2));
}
