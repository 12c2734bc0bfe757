/**
 * Tachyon: a low-latency trading engine with a Rust core and a TypeScript shell.
 *
 * This is the one public entry. Each area lives in `ts/src/<area>/` and is re-exported here.
 */
export { TachyonError, isTachyonError, type ErrorCode } from './errors.js';
export {
  Price,
  Quantity,
  Notional,
  Instrument,
  MonotonicClock,
  SimClock,
  LatencyHistogram,
  nowNs,
  type InstrumentOptions,
  type OrderCheck,
  type LatencySummary,
  type RoundingMode,
  type RejectionCode,
} from './api/core.js';
export {
  EventStream,
  EventBatch,
  RingWriter,
  EventKind,
  Side,
  EVENT_RECORD_BYTES,
  fingerprint,
  type EventStreamOptions,
  type MarketEventInput,
  type RingStatus,
  type StreamStats,
} from './api/stream.js';
export * from './indicators/index.js';
export * from './signals/index.js';
export { runDemo, type DemoOptions, type DemoResult } from './runtime/demo.js';
// runtime area: configuration, journal, data, venues, strategies, backtests, sessions
export {
  loadConfig,
  defaultConfig,
  readConfigFile,
  envOverrides,
  ENV_PREFIX,
  TachyonConfig,
  type TachyonConfigInput,
  type LoadConfigOptions,
} from './config/index.js';
export {
  openJournal,
  Journal,
  canonicalJson,
  chainHash,
  GENESIS_HASH,
  TERMINAL_STATUSES,
  type JournalOptions,
  type JournalCounts,
  type OrderRecord,
  type FillRecord,
  type PositionRecord,
  type DecisionRecord,
  type RiskEventRecord,
  type ModeChangeRecord,
  type SessionRecord,
  type AuditReport,
  type OrderStatus,
} from './store/index.js';
export {
  loadMarketData,
  loadCsv,
  loadParquet,
  parseTimestampUs,
  RecordBuffer,
  RecordView,
  RecordKind,
  RECORD_BYTES,
  SyntheticMarket,
  syntheticData,
  parseMantissa,
  formatMantissa,
  type MarketData,
  type LoadOptions,
  type LoadReport,
  type DataIssue,
  type DataIssueCode,
  type DataFormat,
  type DataInstrument,
  type SyntheticMarketOptions,
} from './data/index.js';
export { SimulatedVenue, decodeReports, REJECT_CODES, RECORD_ERROR_CODES, type SimulatedVenueOptions, type ExecReport } from './venues/simulated.js';
export type {
  Strategy,
  StrategyContext,
  StrategyFactory,
  Bar,
  Trade,
  BookUpdate,
  Fill,
  OrderUpdate,
  OrderIntent,
  OrderState,
  WorkingOrder,
  DecisionNote,
  Mode as TradingMode,
} from './runtime/strategy.js';
export { Runner, type RunnerOptions, type RunnerSink, type RunnerOrder, type RunnerCounts } from './runtime/runner.js';
export { emaCross, Ema as EmaLine, type EmaCrossParams } from './runtime/strategies/ema-cross.js';
export {
  runBacktest,
  loadConfiguredData,
  loadStrategy,
  type BacktestOptions,
  type BacktestResult,
  type FillRow,
  type TradeRow,
  type Metrics,
} from './runtime/backtest.js';
