/**
 * Backtests: the same strategy object as paper and live, replayed deterministically through
 * the simulated venue; or a strategy given as configuration and run entirely in Rust.
 *
 * @example
 * ```ts
 * import { runBacktest, loadConfig, emaCross } from 'tachyon';
 * const config = loadConfig({ object: { data: { source: 'synthetic', synthetic: { bars: 50_000 } } } });
 * const r = await runBacktest({ config, strategy: emaCross({ fast: 10, slow: 30, qty: 0.01 }) });
 * r.metrics.sharpe;                    // annualised Sharpe ratio
 * r.trades.length;                     // round trips
 * // the same rule without a JS call per bar:
 * const native = await runBacktest({ config: loadConfig({ object: { strategy: { kind: 'ema-cross-native' } } }) });
 * ```
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Native from '../../../native/index.js';
import type { TachyonConfig } from '../config/schema.js';
import { TachyonError } from '../errors.js';
import { formatMantissa, scaleOf } from '../data/decimal.js';
import { loadMarketData, type LoadReport, type MarketData } from '../data/index.js';
import { RecordView, RECORD_BYTES } from '../data/records.js';
import { syntheticData } from '../data/synthetic.js';
import { native } from '../native.js';
import { decodeReports, RECORD_ERROR_CODES, REJECT_CODES, SimulatedVenue } from '../venues/simulated.js';
import { RiskGate } from './risk.js';
import { Runner, type RunnerCounts, type RunnerSink } from './runner.js';
import { emaCross } from './strategies/ema-cross.js';
import type { Strategy, StrategyFactory } from './strategy.js';

export type Metrics = Native.MetricsJs;

/** One fill in the results (exact decimal strings). */
export interface FillRow {
  orderId: number;
  ts: number;
  symbol: string;
  side: 'buy' | 'sell';
  qty: string;
  price: string;
  fee: string;
  liquidity: 'maker' | 'taker';
}

/** One round trip in the results. */
export interface TradeRow {
  symbol: string;
  direction: 'long' | 'short';
  entryTs: number;
  exitTs: number;
  qty: string;
  entryPrice: string;
  exitPrice: string;
  pnl: string;
  fees: string;
  returnPct: number;
  fills: number;
  open: boolean;
}

export interface BacktestResult {
  /** Strategy name. */
  strategy: string;
  /** Where the strategy ran: a TypeScript object per event, or the Rust loop alone. */
  engine: 'typescript' | 'rust';
  symbols: string[];
  data: LoadReport;
  metrics: Metrics;
  curve: { ms: Float64Array; equity: Float64Array; exposure: Float64Array; inMarket: Uint8Array };
  trades: TradeRow[];
  fills: FillRow[];
  stats: {
    records: number;
    badRecords: Record<string, number>;
    orders: number;
    fills: number;
    rejected: Record<string, number>;
    cancelled: number;
    expired: number;
  };
  account: Native.AccountState;
  /** Runner counters (TypeScript engine only). */
  counts: RunnerCounts | null;
  timing: { seconds: number; eventsPerSec: number };
  seed: number;
  config: TachyonConfig;
}

export interface BacktestOptions {
  config: TachyonConfig;
  /** Market data; default from `config.data`. */
  data?: MarketData;
  /** Strategy object; default from `config.strategy`. */
  strategy?: Strategy;
  /** Progress of loading and replay. */
  onProgress?: (phase: 'load' | 'replay', done: number, total: number) => void;
  /** Where orders/fills/decisions go (a journal writer), if anywhere. */
  sink?: RunnerSink;
}

/** Loads the configured market data. */
export async function loadConfiguredData(config: TachyonConfig, onProgress?: (done: number, total: number) => void): Promise<MarketData> {
  const d = config.data;
  const instruments = config.instruments.map((i) => ({ symbol: i.symbol, tickSize: i.tickSize, lotSize: i.lotSize }));
  if (d.source === 'synthetic') {
    const s = d.synthetic;
    const i = config.instruments[0]!;
    return syntheticData(s.bars, {
      seed: config.seed,
      symbol: i.symbol,
      tickSize: i.tickSize,
      lotSize: i.lotSize,
      model: s.model,
      jumpIntensity: s.jumpIntensity,
      jumpMean: s.jumpMean,
      jumpStd: s.jumpStd,
      v0: s.v0,
      kappa: s.kappa,
      theta: s.theta,
      xi: s.xi,
      rho: s.rho,
      startPrice: s.startPrice,
      mu: s.mu,
      sigma: s.sigma,
      barMs: s.barMs,
      startMs: Date.parse(s.start),
    });
  }
  if (d.source === 'ccxt')
    throw new TachyonError('ERR_CONFIG', 'backtests replay files: download history first with `tachyon data fetch`, then set data.source: csv and data.path');
  if (!d.path) throw new TachyonError('ERR_CONFIG', `data.source is ${d.source} but data.path is not set`);
  return loadMarketData({
    path: d.path,
    format: d.format,
    instruments,
    symbol: d.symbol,
    onBadRow: d.onBadRow,
    maxBadRows: d.maxBadRows,
    onUnknownColumn: d.onUnknownColumn,
    onProgress,
  });
}

/** Resolves the configured strategy object (`ema-cross` or a module). */
export async function loadStrategy(config: TachyonConfig, baseDir = process.cwd()): Promise<Strategy> {
  const s = config.strategy;
  if (s.kind === 'ema-cross' || s.kind === 'ema-cross-native') return emaCross(s.params);
  if (s.kind === 'decision')
    throw new TachyonError(
      'ERR_CONFIG',
      'strategy.kind decision runs in the Rust backtest loop (`tachyon backtest`); for paper or live trading use ema-cross or a strategy module',
    );
  if (!s.module) throw new TachyonError('ERR_CONFIG', 'strategy.kind is module but strategy.module (a file exporting a Strategy) is not set');
  const path = isAbsolute(s.module) ? s.module : resolve(baseDir, s.module);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new TachyonError('ERR_STRATEGY', `cannot load strategy module ${path}: ${(cause as Error).message}`, { cause });
  }
  const exp = mod.default ?? mod.strategy;
  if (typeof exp === 'function') return (exp as StrategyFactory)(s.params);
  if (exp && typeof exp === 'object') return exp as Strategy;
  throw new TachyonError('ERR_STRATEGY', `${path} must export a Strategy object or a factory (params) => Strategy as default or as "strategy"`);
}

/** The simulated venue's settings from the configuration. */
export function venueOptions(config: TachyonConfig) {
  return {
    instruments: config.instruments.map((i) => ({
      symbol: i.symbol,
      tickSize: i.tickSize,
      lotSize: i.lotSize,
      minNotional: i.minNotional,
      minQty: i.minQty,
      maxQty: i.maxQty,
    })),
    initialCash: config.account.initialCash,
    takerFeeBps: config.execution.takerFeeBps,
    makerFeeBps: config.execution.makerFeeBps,
    slippageBps: config.execution.slippageBps,
    fillAt: config.execution.fillAt === 'close' ? ('close' as const) : ('nextOpen' as const),
    maxPosition: config.instruments.map(() => config.risk.maxPosition ?? null),
    venue: config.execution.model,
    l2: l2Options(config),
  };
}

/** The simulated venue's settings for `execution.model: l2` (seeded by `config.seed`). */
function l2Options(config: TachyonConfig): Native.SimVenueOptions | undefined {
  if (config.execution.model !== 'l2') return undefined;
  const l = config.execution.l2;
  const latency = { constantNs: l.latencyNs };
  return {
    seed: config.seed,
    latencyIn: latency,
    latencyOut: latency,
    queue: l.queue,
    queuePower: l.queuePower,
    impact: l.impact,
    impactCoef: l.impactCoef,
  };
}

function metricOptions(config: TachyonConfig): Native.MetricOptions {
  return { periodsPerYear: config.report.periodsPerYear, riskFree: config.report.riskFree };
}

function shape(
  r: Native.BacktestResultJs,
  symbols: string[],
  config: TachyonConfig,
  strategy: string,
  engine: 'typescript' | 'rust',
  data: MarketData,
  counts: RunnerCounts | null,
  seconds: number,
): BacktestResult {
  const inst = config.instruments;
  const cashScale = Math.max(...inst.map((i) => scaleOf(i.tickSize) + scaleOf(i.lotSize)));
  const fills: FillRow[] = decodeReports(r.fills).map((f) => {
    const i = inst[f.instrument]!;
    return {
      orderId: f.orderId,
      ts: Number(f.tsNs) / 1e6,
      symbol: symbols[f.instrument] ?? String(f.instrument),
      side: f.side,
      qty: formatMantissa(f.lastQtyMantissa, scaleOf(i.lotSize)),
      price: formatMantissa(f.lastPriceMantissa, scaleOf(i.tickSize)),
      fee: formatMantissa(f.feeMantissa, cashScale),
      liquidity: f.liquidity ?? 'taker',
    };
  });
  const byCode = (codes: readonly string[], v: number[]) => Object.fromEntries(codes.map((c, k) => [c, v[k] ?? 0]).filter(([, n]) => (n as number) > 0));
  return {
    strategy,
    engine,
    symbols,
    data: data.report,
    metrics: r.metrics,
    curve: { ms: r.curveMs, equity: r.curveEquity, exposure: r.curveExposure, inMarket: r.curveInMarket },
    trades: r.trips.map((t) => ({
      symbol: symbols[t.instrument] ?? String(t.instrument),
      direction: t.direction > 0 ? 'long' : 'short',
      entryTs: t.entryMs,
      exitTs: t.exitMs,
      qty: t.qty,
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
      pnl: t.pnl,
      fees: t.fees,
      returnPct: t.returnPct,
      fills: t.fills,
      open: t.open,
    })),
    fills,
    stats: {
      records: r.stats.records,
      badRecords: byCode(RECORD_ERROR_CODES, r.stats.badRecords),
      orders: r.stats.orders,
      fills: r.stats.fills,
      rejected: byCode(REJECT_CODES, r.stats.rejected),
      cancelled: r.stats.cancelled,
      expired: r.stats.expired,
    },
    account: r.account,
    counts,
    timing: { seconds, eventsPerSec: data.count / Math.max(seconds, 1e-9) },
    seed: config.seed,
    config,
  };
}

function checkSymbols(config: TachyonConfig, data: MarketData): string[] {
  const want = config.instruments.map((i) => i.symbol);
  if (data.symbols.length > want.length || data.symbols.some((s, k) => s !== want[k]))
    throw new TachyonError('ERR_CONFIG', `the data's instruments (${data.symbols.join(', ')}) do not match the configured ones (${want.join(', ')})`);
  return want;
}

/** Runs a backtest (see the module docs). */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const config = o.config;
  const data = o.data ?? (await loadConfiguredData(config, o.onProgress ? (d, t) => o.onProgress!('load', d, t) : undefined));
  const symbols = checkSymbols(config, data);
  if (data.count === 0) throw new TachyonError('ERR_DATA', `no usable records in ${data.report.file} (${data.report.badTotal} bad rows; first: ${data.report.issues[0]?.message ?? 'none'})`);
  const t0 = performance.now();
  if ((config.strategy.kind === 'ema-cross-native' || config.strategy.kind === 'decision') && !o.strategy) {
    const p = config.strategy.params;
    const decision = config.strategy.kind === 'decision';
    const opts = decision
      ? ({
          kind: 'decision',
          qty: String(p.qty ?? '0.01'),
          longShort: p.longShort === true,
          features: p.features as Native.FeatureOptions[],
          weights: p.weights as number[],
          bias: p.bias as number | undefined,
          featureMin: p.featureMin as number[] | undefined,
          featureMax: p.featureMax as number[] | undefined,
          scoreCap: p.scoreCap as number | undefined,
          buyThreshold: p.buyThreshold as number | undefined,
          sellThreshold: p.sellThreshold as number | undefined,
        } satisfies Native.NativeStrategyOptions)
      : ({ kind: 'emaCross', fast: Number(p.fast ?? 10), slow: Number(p.slow ?? 30), qty: String(p.qty ?? '0.01'), longShort: p.longShort === true } satisfies Native.NativeStrategyOptions);
    const r = await native.backtestRunAsync(venueOptions(config), data.records, opts, metricOptions(config));
    const seconds = (performance.now() - t0) / 1000;
    const name = decision ? `decision(${(p.features as { kind: string }[] | undefined)?.map((f) => f.kind).join('+') ?? ''})` : `ema-cross(${String(p.fast ?? 10)},${String(p.slow ?? 30)})`;
    return shape(r, symbols, config, name, 'rust', data, null, seconds);
  }
  const strategy = o.strategy ?? (await loadStrategy(config));
  const venue = new SimulatedVenue(venueOptions(config));
  // With `risk.engine` configured, intents also pass the Rust risk engine (limits, modes),
  // which learns every fill; without it the backtest keeps the venue's own checks only.
  const risk = config.risk.engine ? new RiskGate(config, 'sim', config.instruments, {}) : null;
  let runner: Runner | undefined;
  const riskSink: RunnerSink | undefined = risk
    ? {
        ...(o.sink ?? {}),
        fill(ord, f, r, pos) {
          risk.onFill(ord.instrument, f.side, f.exact.qty, f.exact.price);
          o.sink?.fill?.(ord, f, r, pos);
        },
        risk(code, message, symbol, tsNs, detail) {
          o.sink?.risk?.(code, message, symbol, tsNs, detail);
        },
      }
    : o.sink;
  runner = new Runner({
    instruments: config.instruments,
    venue,
    strategy,
    mode: 'backtest',
    initialCash: Number(config.account.initialCash),
    maxOrderNotional: risk ? undefined : config.risk.maxOrderNotional,
    maxOrdersPerSec: 0,
    ...(riskSink ? { sink: riskSink } : {}),
    ...(risk
      ? {
          gate: (ord, _reducing, mark, nowNs) => {
            const pow = 10 ** scaleOf(config.instruments[ord.instrument]!.tickSize);
            risk.setEquity(runner!.equity(), nowNs);
            // market time: rate limits and daily loss count in the replay's clock
            return risk.check(ord.instrument, ord.side === 'buy', ord.type === 'limit' ? ord.price : Math.round(mark * pow), ord.qty, mark, nowNs);
          },
        }
      : {}),
  });
  const view = new RecordView(data.records);
  const CHUNK = 1 << 16;
  runner.start();
  for (let from = 0; from < data.count; from += CHUNK) {
    const to = Math.min(data.count, from + CHUNK);
    venue.push(view.slice(from, to));
    runner.run(view, from, to);
    o.onProgress?.('replay', to, data.count);
  }
  runner.stop();
  const r = venue.finish(metricOptions(config));
  const seconds = (performance.now() - t0) / 1000;
  return shape(r, symbols, config, strategy.name ?? 'strategy', 'typescript', data, runner.counts, seconds);
}

/** Bytes per record (re-exported for tools that size buffers). */
export const BACKTEST_RECORD_BYTES = RECORD_BYTES;
