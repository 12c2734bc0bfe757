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
export {
  startServer,
  DemoSession,
  controlFromRiskEngine,
  encodeDecisionRequest,
  encodeMarketEvents,
  encodeSubscribe,
  encodePing,
  decodeFrame,
  WireErrorCode,
  WireTopic,
  type TachyonServer,
  type ServerOptions,
  type ServerDeps,
  type Decider,
  type DecisionColumns,
  type ControlPort,
  type StateSource,
  type RuntimeSnapshot,
  type Frame,
} from './server/index.js';
