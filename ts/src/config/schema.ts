/**
 * The Tachyon configuration: one zod schema, the single source of truth for every option, its
 * default and its meaning. `config/tachyon.reference.yaml` documents the same keys with comments
 * (a test keeps the two in step).
 *
 * Money and sizes are decimal strings (`"0.01"`, `"100000"`): they become exact fixed-point
 * values at the instrument's scale, never floating point. Rates such as fees are given in basis
 * points (numbers).
 */
import { z } from 'zod';

/** A decimal written as a string (or a finite number, converted through its shortest decimal form). */
const decimal = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'NaN') : v.trim();
    if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(s)) {
      ctx.addIssue({ code: 'custom', message: `expected a decimal number like "0.01", got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return s;
  });

const positiveDecimal = decimal.refine((s) => Number(s) > 0, { message: 'must be greater than 0' });
const nonNegativeDecimal = decimal.refine((s) => Number(s) >= 0, { message: 'must not be negative' });

export const InstrumentConfig = z.strictObject({
  /** Unified symbol, e.g. `BTC/USDT` (CCXT style). */
  symbol: z.string().min(1),
  /** Price increment; its decimal places are the price scale. */
  tickSize: positiveDecimal.default('0.01'),
  /** Quantity increment; its decimal places are the quantity scale. */
  lotSize: positiveDecimal.default('0.00001'),
  /** Smallest order notional in quote currency. */
  minNotional: nonNegativeDecimal.default('5'),
  /** Smallest order quantity (default one lot). */
  minQty: positiveDecimal.optional(),
  /** Largest order quantity. */
  maxQty: positiveDecimal.optional(),
});
export type InstrumentConfig = z.infer<typeof InstrumentConfig>;

export const SyntheticConfig = z.strictObject({
  /** Price process (`tachyon_stats::mc`): gbm, merton (jump-diffusion), heston (stochastic volatility), ou (mean-reverting). */
  model: z.enum(['gbm', 'merton', 'heston', 'ou']).default('gbm'),
  /** Merton: jumps per year (default 50), mean and standard deviation of a log jump (0, 0.01). */
  jumpIntensity: z.number().nonnegative().optional(),
  jumpMean: z.number().optional(),
  jumpStd: z.number().nonnegative().optional(),
  /** Heston: initial variance (default sigma²), long-run variance `theta` (default sigma²), mean reversion `kappa` (2), vol of variance `xi` (0.5), correlation `rho` (−0.7). OU: `kappa` (50) and long-run price `theta` (default the start price). */
  v0: z.number().nonnegative().optional(),
  kappa: z.number().nonnegative().optional(),
  theta: z.number().optional(),
  xi: z.number().positive().optional(),
  rho: z.number().min(-1).max(1).optional(),
  /** Starting price. */
  startPrice: z.number().positive().default(65000),
  /** Annualised drift. */
  mu: z.number().default(0),
  /** Annualised volatility as a fraction of price (OU: of the long-run price). */
  sigma: z.number().nonnegative().default(0.6),
  /** Bar length in milliseconds (market time). */
  barMs: z.number().int().positive().default(60_000),
  /** Bars to generate for a backtest. */
  bars: z.number().int().positive().default(100_000),
  /** Market start time (ISO 8601). */
  start: z.string().default('2024-01-01T00:00:00Z'),
});

export const DataConfig = z.strictObject({
  /** Where market data comes from. */
  source: z.enum(['synthetic', 'csv', 'parquet', 'ccxt']).default('synthetic'),
  /** File for `csv` / `parquet`. */
  path: z.string().optional(),
  /** What the file holds. */
  format: z.enum(['ohlcv', 'trades', 'l2']).default('ohlcv'),
  /** Symbol the file's rows belong to when it has no symbol column (default: the first instrument). */
  symbol: z.string().optional(),
  /** A bad row (malformed, NaN price, timestamp going backwards): skip it (counted) or stop. */
  onBadRow: z.enum(['skip', 'stop']).default('skip'),
  /** Stop anyway after this many bad rows (0 = no limit). */
  maxBadRows: z.number().int().nonnegative().default(1000),
  /** Columns the reader does not know: ignore them (listed once) or stop. */
  onUnknownColumn: z.enum(['ignore', 'stop']).default('ignore'),
  synthetic: SyntheticConfig.default(SyntheticConfig.parse({})),
});

export const L2Config = z.strictObject({
  /** One-way latency between the strategy and the venue, ns (each way). */
  latencyNs: z.number().int().nonnegative().default(0),
  /** Queue-position estimate: `fifo` (join behind the displayed size; conservative) or `probabilistic`. */
  queue: z.enum(['fifo', 'probabilistic']).default('fifo'),
  /** Exponent of the probabilistic queue model (cancels mostly from the longer side when > 1). */
  queuePower: z.number().positive().default(2),
  /** Extra adverse ticks of aggressive orders: `none`, `linear` (coef × lots) or `squareRoot` (coef × √lots). */
  impact: z.enum(['none', 'linear', 'squareRoot']).default('none'),
  /** Impact coefficient, ticks per lot (or per √lot). */
  impactCoef: z.number().nonnegative().default(0),
});

export const ExecutionConfig = z.strictObject({
  /** When a market order placed on bar t fills: the open of bar t+1 (default) or the close of bar t. */
  fillAt: z.enum(['next-open', 'close']).default('next-open'),
  /** Taker fee in basis points of notional. */
  takerFeeBps: z.number().min(-100).max(1000).default(10),
  /** Maker fee in basis points (negative = rebate). */
  makerFeeBps: z.number().min(-100).max(1000).default(10),
  /** Adverse slippage of market orders in basis points, rounded to the tick against the trader. */
  slippageBps: z.number().min(0).max(10_000).default(0),
  /**
   * Execution model of backtests: `bars` (the bar/trade conventions above) or `l2` (book
   * levels and trades replayed through the simulated venue: queue position, depth walk,
   * latency; fees from takerFeeBps/makerFeeBps, in multiples of 0.01 bp; fillAt and
   * slippageBps do not apply; bar records are refused as BAR_IN_L2_MODE). Needs `l2` or
   * `trades` data (`data.format`).
   */
  model: z.enum(['bars', 'l2']).default('bars'),
  /** Settings of the simulated venue in `model: l2` (its seed is the top-level `seed`). */
  l2: L2Config.default(L2Config.parse({})),
});

export const AccountConfig = z.strictObject({
  /** Quote currency of the account. */
  currency: z.string().default('USDT'),
  /** Starting cash. */
  initialCash: positiveDecimal.default('100000'),
});

export const StrategyConfig = z.strictObject({
  /**
   * `ema-cross` (built in, runs in TypeScript), `ema-cross-native` (the same rule run by the
   * Rust loop without a JS callback per event), `decision` (pure configuration of the Rust
   * decision engine over indicator features; backtests), or `module` (your file exporting a
   * Strategy).
   */
  kind: z.enum(['ema-cross', 'ema-cross-native', 'decision', 'module']).default('ema-cross'),
  /** Path of the module for `kind: module` (default export: a Strategy or a factory). */
  module: z.string().optional(),
  /** Parameters handed to the strategy. */
  params: z.record(z.string(), z.unknown()).default({ fast: 10, slow: 30, qty: '0.01' }),
});

export const RiskConfig = z.strictObject({
  /** Largest absolute position per instrument (quantity). */
  maxPosition: positiveDecimal.optional(),
  /** Largest notional of one order (quote currency). */
  maxOrderNotional: positiveDecimal.optional(),
  /** Orders per second before intents are refused. */
  maxOrdersPerSec: z.number().int().positive().default(50),
  /** Extra options passed to the Rust risk engine when it is available. */
  engine: z.record(z.string(), z.unknown()).optional(),
});

export const VenueConfig = z.strictObject({
  /** `sim`: the simulated venue. `ccxt`: a real exchange through CCXT (live data; live orders only in `live`). */
  kind: z.enum(['sim', 'ccxt']).default('sim'),
  /** CCXT exchange id. */
  exchange: z.string().default('binance'),
  /** Use the exchange's sandbox/testnet endpoints. */
  sandbox: z.boolean().default(true),
  /** Environment variable holding the API key (credentials come only from the environment). */
  apiKeyEnv: z.string().default('TACHYON_API_KEY'),
  /** Environment variable holding the API secret. */
  apiSecretEnv: z.string().default('TACHYON_API_SECRET'),
  /**
   * Base URL that replaces every REST and WebSocket endpoint of the exchange (a gateway, or the
   * local fake venue in tests), e.g. `http://127.0.0.1:9100`.
   */
  baseUrl: z.string().url().optional(),
  /** Minimum milliseconds between REST calls (CCXT's rate limiter). */
  rateLimitMs: z.number().int().nonnegative().default(50),
  /** Request timeout in milliseconds. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Reconnect back-off: first delay and cap, in milliseconds (exponential with jitter). */
  reconnectMs: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([250, 10_000]),
  /** Candle interval for `watchOHLCV` / `data fetch`. */
  timeframe: z.string().default('1m'),
});

export const JournalConfig = z.strictObject({
  /** `sqlite` (default, a file) or `postgres`. */
  backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
  /** SQLite file. */
  path: z.string().default('./data/tachyon.db'),
  /** Environment variable holding the PostgreSQL connection string. */
  urlEnv: z.string().default('TACHYON_PG_URL'),
  /** SQLite `synchronous`: `normal` survives a process crash; `full` also a power cut. */
  synchronous: z.enum(['normal', 'full']).default('normal'),
  /** Journal every decision (one row per strategy decision), not only orders and fills. */
  decisions: z.boolean().default(true),
});

export const PaperConfig = z.strictObject({
  /** Seconds to run; 0 runs until Ctrl-C. */
  durationSec: z.number().nonnegative().default(0),
  /** Synthetic market speed in bars per second of wall time. */
  barsPerSec: z.number().positive().max(1_000_000).default(20),
  /** Terminal summary refresh in milliseconds. */
  summaryMs: z.number().int().positive().default(1000),
});

export const ServerConfig = z.strictObject({
  /** Start the decision server and dashboard beside the session (when the server is installed). */
  enabled: z.boolean().default(true),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
});

export const LogConfig = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Structured log file (JSON lines); empty = no file. */
  file: z.string().default(''),
});

export const ReportConfig = z.strictObject({
  /** Directory for HTML/JSON backtest reports. */
  dir: z.string().default('./reports'),
  /** Periods per year used to annualise (default from the bar length). */
  periodsPerYear: z.number().positive().optional(),
  /** Annual risk-free rate for Sharpe/Sortino. */
  riskFree: z.number().default(0),
});

export const TachyonConfig = z.strictObject({
  /** Seed of every random choice (synthetic market, simulated venue). */
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
  instruments: z.array(InstrumentConfig).min(1).default([InstrumentConfig.parse({ symbol: 'BTC/USDT' })]),
  account: AccountConfig.default(AccountConfig.parse({})),
  data: DataConfig.default(DataConfig.parse({})),
  execution: ExecutionConfig.default(ExecutionConfig.parse({})),
  strategy: StrategyConfig.default(StrategyConfig.parse({})),
  risk: RiskConfig.default(RiskConfig.parse({})),
  venue: VenueConfig.default(VenueConfig.parse({})),
  journal: JournalConfig.default(JournalConfig.parse({})),
  paper: PaperConfig.default(PaperConfig.parse({})),
  server: ServerConfig.default(ServerConfig.parse({})),
  log: LogConfig.default(LogConfig.parse({})),
  report: ReportConfig.default(ReportConfig.parse({})),
});
export type TachyonConfig = z.infer<typeof TachyonConfig>;
/** A configuration as written in a file (everything optional). */
export type TachyonConfigInput = z.input<typeof TachyonConfig>;

export type DataConfig = z.infer<typeof DataConfig>;
export type ExecutionConfig = z.infer<typeof ExecutionConfig>;
export type VenueConfig = z.infer<typeof VenueConfig>;
export type JournalConfig = z.infer<typeof JournalConfig>;
export type RiskConfig = z.infer<typeof RiskConfig>;
