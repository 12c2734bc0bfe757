/**
 * What the decision server needs from the rest of Tachyon, as small interfaces. The real
 * implementations are the engine area's `DecisionEngine` / `RiskEngine` and the runtime's live
 * session state; tests and the demo pass their own.
 */

/** Column outputs of one decided batch; entry `i` belongs to row `i` (the engine's `DecisionBatch`). */
export interface DecisionColumns {
  readonly length: number;
  readonly actions: Uint8Array;
  readonly scores: Float64Array;
  readonly confidence: Float64Array;
  readonly clamps: Uint8Array;
  readonly reasons: Uint8Array;
  readonly clampFeatures: Uint16Array;
}

/**
 * Decides a feature matrix (rows = instruments, row-major). The engine area's `DecisionEngine`
 * satisfies this interface as it is.
 */
export interface Decider {
  /** Features per row. */
  readonly nFeatures: number;
  /**
   * Decides every row of `features` into `out` (whose `length` is the row count) and returns
   * it. Throws on a dimension mismatch.
   */
  decideBatch(features: Float64Array, out?: DecisionColumns): DecisionColumns;
  /**
   * Optional, preferred by the server: decides `rows` rows starting at element `featureStart`
   * of `features` (a long-lived buffer holding the request frame), so a request costs no
   * subarray. {@link DecisionEngine} implements it.
   */
  decideRows?(features: Float64Array, featureStart: number, rows: number, out: DecisionColumns): DecisionColumns;
}

/** Control modes, as the risk engine names them. */
export type ControlModeName = 'normal' | 'pause' | 'reduce' | 'emergency';

/** Actions of the control API. `kill` puts the engine into emergency (cancel all, flatten). */
export type ControlAction = 'pause' | 'reduce' | 'resume' | 'kill';

/** One audited control-mode transition (the risk engine's `TransitionRecord`). */
export interface Transition {
  seq: number;
  tsNs: bigint | number | string;
  from: string;
  to: string;
  reason: string;
  source: string;
}

/**
 * The control surface of a running session: the risk engine's modes plus what only the runtime
 * can do (flatten positions, report limits). Use {@link controlFromRiskEngine} to adapt a
 * `RiskEngine`.
 */
export interface ControlPort {
  /** Current mode. */
  mode(): string;
  /**
   * Requests a transition for the control API (source `api`); returns it, or `null` when the
   * engine was already there. Throws (an `Error` with a `code`) when the engine refuses.
   */
  request(action: ControlAction, reason: string): Transition | null;
  /** Transitions with `seq > afterSeq`, oldest first. */
  transitions(afterSeq?: number): Transition[];
  /** Cancels everything and closes all positions; omitted when the session cannot. */
  flatten?(reason: string): unknown;
  /** The configured limits and their use, for `GET /api/limits`. */
  limits?(): unknown;
}

/** A risk engine as the engine area exports it (the methods the server uses). */
export interface RiskEngineLike {
  readonly mode: string;
  pause(reason: string, source?: never): Transition | null;
  reduce(reason: string, source?: never): Transition | null;
  resume(reason: string, source?: never): Transition | null;
  kill(reason: string, source?: never): Transition | null;
  transitions(afterSeq?: number): Transition[];
}

/** Adapts the engine area's `RiskEngine` (and optional runtime hooks) to a {@link ControlPort}. */
export function controlFromRiskEngine(
  risk: RiskEngineLike,
  extra: Pick<ControlPort, 'flatten' | 'limits'> = {},
): ControlPort {
  // The engine's `source` parameter is its `ControlSource` type; 'api' is one of its values.
  const api = 'api' as never;
  return {
    mode: () => String(risk.mode),
    request(action, reason) {
      switch (action) {
        case 'pause':
          return risk.pause(reason, api);
        case 'reduce':
          return risk.reduce(reason, api);
        case 'resume':
          return risk.resume(reason, api);
        case 'kill':
          return risk.kill(reason, api);
      }
    },
    transitions: (afterSeq) => risk.transitions(afterSeq),
    ...extra,
  };
}

/** One open position, for the dashboard. Quantities and prices are exact decimal strings. */
export interface PositionView {
  symbol: string;
  qty: string;
  avgPrice: string;
  mark: string;
  unrealizedPnl: number;
  realizedPnl: number;
}

/** A limit and how much of it is used (`used / limit` is shown as a bar). */
export interface LimitUse {
  name: string;
  used: number;
  limit: number;
  unit?: string;
}

export interface VenueHealth {
  name: string;
  status: 'up' | 'degraded' | 'down';
  /** Last round trip to the venue, ms. */
  latencyMs?: number;
  /** Errors in the venue's error window. */
  errors?: number;
  /** Age of the last market data, ms. */
  staleMs?: number;
}

/** What the runtime shows: a snapshot taken on each dashboard tick and each `/metrics` scrape. */
export interface RuntimeSnapshot {
  session?: { kind: string; name?: string; startedAtMs?: number };
  /** Account equity (display value, quote currency). */
  equity: number;
  pnl: { realized: number; unrealized: number; fees?: number };
  positions: PositionView[];
  risk?: { metrics: { name: string; value: number; unit?: string }[]; limits: LimitUse[] };
  venues?: VenueHealth[];
  /** Depth of each named ring (events waiting), for `/metrics`. */
  rings?: Record<string, number>;
}

/** The runtime's live state, polled by the server. */
export interface StateSource {
  snapshot(): RuntimeSnapshot;
}

/** Market events and order events flowing through the server (the runtime's feed hooks). */
export interface FeedHooks {
  /**
   * Market events a client pushed (48-byte records, the core event-stream layout, e.g. for
   * `EventStream.pushBatch`). Return `false` to refuse them (counted, the client is told).
   */
  onMarketEvents?(records: Uint8Array, count: number): boolean | void;
}

/** Everything the server is given. */
export interface ServerDeps {
  /** The decision engine; without one, decision requests are answered with `NotSupported`. */
  decider?: Decider;
  /** Control modes, kill switch, flatten, limits. Without one, the control API answers 503. */
  control?: ControlPort;
  /** Live session state for the dashboard and the P&L gauges. */
  state?: StateSource;
  /** Inbound market-data hook. */
  feed?: FeedHooks;
  /** Where audit entries go besides the in-memory log (e.g. the runtime's journal). */
  audit?: (entry: AuditEntry) => void;
}

/** One audited control-API call (the token is never recorded). */
export interface AuditEntry {
  tsMs: number;
  action: string;
  /** `ok`, `denied` (bad or missing token), `rate_limited`, `refused` (engine said no), `error`. */
  outcome: 'ok' | 'denied' | 'rate_limited' | 'refused' | 'error' | 'unavailable';
  remote: string;
  reason?: string;
  detail?: string;
  transition?: Transition | null;
}
