/**
 * The sweep worker (piscina): runs one backtest for a parameter combination, optionally on a
 * range of the records. Market data is loaded once per worker thread and reused.
 */
import type { TachyonConfig } from '../config/schema.js';
import type { MarketData } from '../data/load.js';
import { RecordView } from '../data/records.js';
import { loadConfiguredData, runBacktest, type Metrics } from './backtest.js';

export interface SweepTask {
  config: TachyonConfig;
  params: Record<string, number | string | boolean>;
  /** Record range `[start, end)`; default all. */
  range?: [number, number];
}

export interface SweepOutcome {
  params: Record<string, number | string | boolean>;
  range: [number, number];
  metrics: Metrics;
  trades: number;
  fills: number;
  endEquity: string;
  seconds: number;
}

let cached: { key: string; data: MarketData } | undefined;

export default async function run(t: SweepTask): Promise<SweepOutcome> {
  const key = JSON.stringify([t.config.data, t.config.instruments, t.config.seed]);
  if (!cached || cached.key !== key) cached = { key, data: await loadConfiguredData(t.config) };
  let data = cached.data;
  const range: [number, number] = t.range ?? [0, data.count];
  if (t.range) {
    const v = new RecordView(data.records);
    data = { ...data, records: v.slice(range[0], range[1]).slice(), count: range[1] - range[0] };
  }
  const config: TachyonConfig = { ...t.config, strategy: { ...t.config.strategy, params: { ...t.config.strategy.params, ...t.params } } };
  const r = await runBacktest({ config, data });
  return { params: t.params, range, metrics: r.metrics, trades: r.metrics.trades, fills: r.stats.fills, endEquity: r.account.equity, seconds: r.timing.seconds };
}
