/**
 * The decision server area: `startServer(options, deps)`, its protocol helpers and interfaces.
 */
export { startServer, uwsIsNative, type TachyonServer } from './server.js';
export { resolveServerOptions, isLoopback, type ServerOptions, type ResolvedServerOptions } from './options.js';
export { loadToken, TokenCheck, RateLimiter, MIN_TOKEN_LENGTH } from './auth.js';
export { DemoSession, type DemoSessionOptions } from './demo.js';
export { holdCpuWakeLatency, currentCpuWakeLatency, CPU_DMA_LATENCY, type WakeLatencyHold } from './pmqos.js';
export {
  controlFromRiskEngine,
  type Decider,
  type DecisionColumns,
  type ControlPort,
  type ControlAction,
  type ControlModeName,
  type Transition,
  type RiskEngineLike,
  type RuntimeSnapshot,
  type StateSource,
  type PositionView,
  type LimitUse,
  type VenueHealth,
  type FeedHooks,
  type ServerDeps,
  type AuditEntry,
} from './types.js';
export {
  encodeDecisionRequest,
  encodeMarketEvents,
  encodeSubscribe,
  encodePing,
  decodeFrame,
  FrameDecoder,
  FrameEncoder,
  FrameError,
  ErrorCode as WireErrorCode,
  Payload as WirePayload,
  Topic as WireTopic,
  FILE_IDENTIFIER,
  MARKET_EVENT_BYTES,
  type Frame,
  type DecisionRequestInput,
  type OrderEventInput,
} from './protocol/codec.js';
