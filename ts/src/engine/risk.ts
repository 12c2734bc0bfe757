/**
 * The pre-trade risk engine, control modes, circuit breakers and the kill switch (Rust).
 *
 * `check(order)` answers whether an order may go out now: `{ ok: true, notional, positionAfter }`
 * or `{ ok: false, code, message }` with one code per limit (see {@link RiskRejectionCode}).
 * Prices and quantities are exact decimals (strings, or numbers converted through their shortest
 * decimal form) at the instrument's scale.
 *
 * Modes: `normal`, `pause` (no new orders), `reduce` (only position-reducing orders, at most
 * `limits.reduceStage` of the position per order), `emergency` (only orders that flatten;
 * leaving it needs {@link RiskEngine.reset} with `control.resetKey`). Breakers (slippage, quote
 * staleness, spread, venue errors, drawdowns, daily loss) only escalate. Every transition is in
 * {@link RiskEngine.transitions} as `{ seq, tsNs, from, to, reason, source }`.
 *
 * Config keys and defaults (all optional except `venues` and `instruments`):
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `limits.maxOrderNotional` | none | largest order notional (decimal string, exact) |
 * | `limits.concentration` | 0.05 | largest \|position notional\| per symbol / equity |
 * | `limits.correlationThreshold` | 0.7 | \|ρ\| at which instruments count as one exposure |
 * | `limits.maxCorrelatedExposure` | 0.10 | \|Σ sign(ρ)·notional\| of a cluster / equity |
 * | `limits.maxHeat` | 0.06 | Σ risk to stop / equity |
 * | `limits.defaultStopFraction` | 0.02 | risk of a position without a stop, per notional |
 * | `limits.maxLeverage` | 3 | per-venue gross notional / equity (override per venue) |
 * | `limits.softDrawdown` | 0.15 | from peak: only reducing orders; breaker → reduce |
 * | `limits.hardDrawdown` | 0.20 | from peak: only reducing orders; breaker → emergency |
 * | `limits.dailyLoss` | 0.05 | of the day's starting equity; breaker → pause |
 * | `limits.maxOrders` / `limits.rateWindowMs` | 20 / 1000 | sliding-window order rate |
 * | `limits.reduceStage` | 0.5 | largest cut per order in reduce mode |
 * | `breakers.slippage` | 3 → reduce | observed > threshold × expected slippage |
 * | `breakers.quoteStaleness` | 500 → pause | ms without a quote |
 * | `breakers.spread` | 5 → pause | spread > threshold × median of `spreadWindow` (64) |
 * | `breakers.venueErrors` | 5 → pause | errors within `venueErrorWindowMs` (10000) |
 * | `breakers.softDrawdown` / `hardDrawdown` / `dailyLoss` | see limits | `{ enabled, mode }` |
 * | `control.resetKey` | none | secret for leaving emergency (≥ 8 chars) |
 * | `control.heartbeatMs` | off | dead-man interval |
 *
 * @example
 * ```ts
 * import { RiskEngine } from 'tachyon';
 * const risk = new RiskEngine({
 *   venues: [{ name: 'sim' }],
 *   instruments: [{ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5',
 *                   venue: 'sim', maxPosition: '2' }],
 *   limits: { concentration: 0.05 },
 *   control: { resetKey: process.env.TACHYON_RESET_KEY, heartbeatMs: 2000 },
 * });
 * risk.setEquity('100000');
 * risk.check({ instrument: 'BTC-USDT', side: 'buy', price: '65000.10', qty: '0.05' });
 * // { ok: true, notional: '3250.0050000', positionAfter: '0.05000', reducing: false }
 * risk.check({ instrument: 'BTC-USDT', side: 'buy', price: '65000.10', qty: '0.1' });
 * // { ok: false, code: 'CONCENTRATION', message: 'position would be 6.500% of equity, …' }
 * risk.kill('operator pressed the button');   // → emergency
 * risk.mode;                                   // 'emergency'
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native, nativeOnly } from '../native.js';

export type {
  RiskEngineOptions,
  RiskLimitsOptions,
  BreakerOptions,
  TriggerOptions,
  ModeTriggerOptions,
  ControlOptions,
  VenueOptions,
  RiskInstrumentOptions,
  OrderIntentOptions,
  RiskCheck,
  RiskCounts,
  SizingOptions,
  SizedOrderResult,
  TransitionRecord,
  FlattenOrder,
  ControlMode,
  ControlSource,
  TradeSide,
} from '../../../native/index.js';

/** Every code `RiskEngine.check` can return. */
export type RiskRejectionCode =
  | 'UNKNOWN_INSTRUMENT'
  | 'MODE_PAUSE'
  | 'MODE_REDUCE'
  | 'MODE_EMERGENCY'
  | 'REDUCE_STAGE'
  | 'WRONG_SCALE'
  | 'NON_POSITIVE_PRICE'
  | 'OFF_TICK'
  | 'NON_POSITIVE_QUANTITY'
  | 'OFF_LOT'
  | 'BELOW_MIN_QUANTITY'
  | 'ABOVE_MAX_QUANTITY'
  | 'BELOW_MIN_NOTIONAL'
  | 'ABOVE_MAX_NOTIONAL'
  | 'NOTIONAL_OVERFLOW'
  | 'MAX_ORDER_NOTIONAL'
  | 'RATE_LIMIT'
  | 'POSITION_LIMIT'
  | 'NO_EQUITY'
  | 'HARD_DRAWDOWN'
  | 'SOFT_DRAWDOWN'
  | 'DAILY_LOSS'
  | 'CONCENTRATION'
  | 'CORRELATED_EXPOSURE'
  | 'PORTFOLIO_HEAT'
  | 'LEVERAGE'
  | 'OVERFLOW';

/** Every rejection code, in the order `checkMantissa` indexes them (native backend only). */
export const RISK_REJECTION_CODES = nativeOnly('RISK_REJECTION_CODES', () => native.riskRejectionCodes() as RiskRejectionCode[]);

type Num = string | number;
type Ns = bigint | number;
type Inst = number | string;

/** The risk engine (see the module docs). */
export class RiskEngine {
  private readonly h: ReturnType<typeof native.riskNew>;

  /** Throws `ERR_INVALID_CONFIG` naming the bad key (e.g. `limits.concentration`). */
  constructor(options: Native.RiskEngineOptions) {
    this.h = native.riskNew(options);
  }

  /** Current mode (an atomic load in Rust). */
  get mode(): Native.ControlMode {
    return native.riskMode(this.h);
  }

  /** Instrument id of a symbol, or -1. */
  instrumentId(symbol: string): number {
    return native.riskInstrumentId(this.h, symbol);
  }

  /** Venue id of a name, or -1. */
  venueId(name: string): number {
    return native.riskVenueId(this.h, name);
  }

  /** Checks an order against every limit; an approval consumes one order-rate slot. */
  check(order: Native.OrderIntentOptions, nowNs?: Ns): Native.RiskCheck {
    return native.riskCheck(this.h, order, nowNs);
  }

  /**
   * Hot-path check with integer mantissas at the instrument's scales: `-1` if approved, else
   * the index of the code in {@link RISK_REJECTION_CODES}.
   */
  checkMantissa(instrument: number, buy: boolean, priceMantissa: number, qtyMantissa: number, nowNs?: Ns): number {
    return native.riskCheckMantissa(this.h, instrument, buy, priceMantissa, qtyMantissa, nowNs);
  }

  /** Totals of the checks, rejections by code. */
  counters(): Native.RiskCounts {
    return native.riskCounters(this.h);
  }

  /** No new orders. */
  pause(reason: string, source?: Native.ControlSource, nowNs?: Ns): Native.TransitionRecord | null {
    return native.riskRequestMode(this.h, 'pause', reason, source, nowNs);
  }

  /** Only position-reducing orders, staged. */
  reduce(reason: string, source?: Native.ControlSource, nowNs?: Ns): Native.TransitionRecord | null {
    return native.riskRequestMode(this.h, 'reduce', reason, source, nowNs);
  }

  /** Back to normal (not from emergency: use {@link RiskEngine.reset}). */
  resume(reason: string, source?: Native.ControlSource, nowNs?: Ns): Native.TransitionRecord | null {
    return native.riskRequestMode(this.h, 'normal', reason, source, nowNs);
  }

  /** The kill switch: emergency (cancel all, flatten). */
  kill(reason: string, source?: Native.ControlSource, nowNs?: Ns): Native.TransitionRecord | null {
    return native.riskKill(this.h, reason, source, nowNs);
  }

  /**
   * The orders that flatten every open position at its mark — what emergency asks the OMS to
   * send after cancelling everything. Each passes `check` in emergency.
   */
  flattenOrders(): Native.FlattenOrder[] {
    return native.riskFlattenOrders(this.h);
  }

  /** Leaves emergency with the configured reset key; throws `ERR_RESET_DENIED` otherwise. */
  reset(key: string, to: Exclude<Native.ControlMode, 'emergency'>, operator: string, nowNs?: Ns): Native.TransitionRecord {
    return native.riskReset(this.h, key, to, operator, nowNs);
  }

  /** Transitions with `seq > afterSeq` (default all), oldest first. */
  transitions(afterSeq?: number): Native.TransitionRecord[] {
    return native.riskTransitions(this.h, afterSeq);
  }

  /** The orchestrator is alive (dead-man switch). */
  heartbeat(nowNs?: Ns): void {
    native.riskHeartbeat(this.h, nowNs);
  }

  /** Arms the dead-man switch. */
  armHeartbeat(intervalMs: number, nowNs?: Ns): void {
    native.riskArmHeartbeat(this.h, intervalMs, nowNs);
  }

  /** Disarms the dead-man switch. */
  disarmHeartbeat(): void {
    native.riskDisarmHeartbeat(this.h);
  }

  /** Checks the dead-man switch now. */
  checkHeartbeat(nowNs?: Ns): Native.TransitionRecord | null {
    return native.riskCheckHeartbeat(this.h, nowNs);
  }

  /** A Rust thread that checks the dead-man switch every `pollMs` (works while JS is blocked). */
  startWatchdog(pollMs = 50): void {
    native.riskStartWatchdog(this.h, pollMs);
  }

  /** Stops the watchdog thread. */
  stopWatchdog(): void {
    native.riskStopWatchdog(this.h);
  }

  /** New account equity; may trip drawdown / daily-loss breakers. */
  setEquity(equity: Num, nowNs?: Ns): Native.TransitionRecord | null {
    return native.riskSetEquity(this.h, equity, nowNs);
  }

  /** A new trading day starts at the current equity. */
  startDay(): void {
    native.riskStartDay(this.h);
  }

  /** Collateral on a venue (its leverage is gross notional / this). */
  setVenueEquity(venue: number, equity: Num): void {
    native.riskSetVenueEquity(this.h, venue, equity);
  }

  /** Applies a fill; returns the new position. */
  applyFill(instrument: Inst, side: Native.TradeSide, qty: Num, price: Num): string {
    return native.riskApplyFill(this.h, instrument, side, qty, price);
  }

  /** Replaces a position and its mark (reconciliation). */
  setPosition(instrument: Inst, qty: Num, mark: Num): void {
    native.riskSetPosition(this.h, instrument, qty, mark);
  }

  /** Current position. */
  position(instrument: Inst): string {
    return native.riskPosition(this.h, instrument);
  }

  /** New mark price. */
  mark(instrument: Inst, price: Num): void {
    native.riskMark(this.h, instrument, price);
  }

  /** Sets (or clears with `null`) a position's protective stop. */
  setStop(instrument: Inst, stop: Num | null): void {
    native.riskSetStop(this.h, instrument, stop ?? undefined);
  }

  /** Correlation matrix of the instruments (n × n row-major, e.g. a DCC R_t). */
  setCorrelation(matrix: Float64Array | readonly number[]): void {
    native.riskSetCorrelation(this.h, matrix instanceof Float64Array ? matrix : Float64Array.from(matrix));
  }

  /** Top of book (quote staleness and spread breakers). */
  onQuote(instrument: Inst, bid: Num, ask: Num, tsNs?: Ns): Native.TransitionRecord | null {
    return native.riskOnQuote(this.h, instrument, bid, ask, tsNs);
  }

  /** A fill's slippage against the expected one, in basis points. */
  onSlippage(expectedBps: number, observedBps: number, nowNs?: Ns): Native.TransitionRecord | null {
    return native.riskOnSlippage(this.h, expectedBps, observedBps, nowNs);
  }

  /** An error from a venue (id or name). */
  onVenueError(venue: number | string, nowNs?: Ns): Native.TransitionRecord | null {
    return native.riskOnVenueError(this.h, venue, nowNs);
  }

  /** Time-driven checks: quote staleness and the dead-man heartbeat. */
  poll(nowNs?: Ns): Native.TransitionRecord[] {
    return native.riskPoll(this.h, nowNs);
  }

  /** Sizes an order: the capped fraction of equity → a lot-rounded quantity at `price`. */
  size(instrument: Inst, rule: Native.SizingOptions, price: Num, maxFraction: number): Native.SizedOrderResult {
    return native.riskSize(this.h, instrument, rule, price, maxFraction);
  }
}
