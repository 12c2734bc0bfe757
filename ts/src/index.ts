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
