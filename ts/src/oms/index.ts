/**
 * Order management: the {@link Oms} class (order state machine, idempotent client ids,
 * TIF GTC/IOC/FOK/GTD/DAY, post-only, reduce-only, OCO/OTO/bracket, stops and trailing stops,
 * cancel-replace, positions with exact P&L, reconciliation, TWAP/VWAP/POV/Iceberg), and the
 * decoder of its 64-byte execution reports.
 *
 * Bad input throws an `Error` with a `code` and changes nothing (`ERR_UNKNOWN_INSTRUMENT`,
 * `ERR_OFF_TICK`, `ERR_NON_POSITIVE_QUANTITY`, `ERR_DUPLICATE_CLIENT_ID`, `ERR_TOO_PRECISE`, …);
 * a refusal by the control mode, the pre-trade gate or the venue is an answer:
 * `status: 'rejected'` with a `reason`.
 *
 * @example
 * ```ts
 * import { Instrument, Oms, SimVenue, decodeReports } from 'tachyon';
 * const btc = new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.001' });
 * const oms = new Oms({ gate: { maxPosition: '5', maxOrderQty: '2' } });
 * const venue = new SimVenue();
 * oms.addInstrument(btc);
 * venue.addInstrument(btc);
 * venue.onBookSnapshot(0, new Float64Array([9999, 5000]), new Float64Array([10001, 5000]), 0n);
 *
 * oms.submit({ clientId: 'entry-1', instrument: 0, side: 'buy', qty: '1', type: 'market' }, 1n);
 * oms.submit({ clientId: 'too-big', instrument: 0, side: 'buy', qty: '3', price: '99' }, 1n);
 * //  → { status: 'rejected', reason: 'gate', gateCode: 'MAX_ORDER_QTY' }
 * venue.exchange(oms, 1n);
 * oms.position(0, '100.50');  // { qty: '1.000', avgEntry: '100.01', unrealized: '0.49000', … }
 * for (const r of decodeReports(oms.drainReports(), [btc])) console.log(r.kind, r.status, r.lastPrice);
 *
 * // A bracket: entry, then take-profit and stop-loss as an OCO once the entry fills.
 * oms.submitBracket(
 *   { clientId: 'e2', instrument: 0, side: 'buy', qty: '1', price: '100.01' },
 *   { clientId: 'tp2', instrument: 0, side: 'sell', qty: '1', price: '101.00' },
 *   { clientId: 'sl2', instrument: 0, side: 'sell', qty: '1', type: 'stop', trigger: '99.00' },
 *   2n,
 * );
 * // Execution algorithms go through the same gate and control mode.
 * const twap = oms.startAlgo({ kind: 'twap', instrument: 0, side: 'sell', qty: '1', clientPrefix: 'twap1', startNs: 0, endNs: 60e9, slices: 12 });
 * oms.onTime(5e9); venue.exchange(oms, 5e9); oms.algoProgress(twap);
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';
import type { Instrument } from '../api/core.js';
import type { SimVenue } from '../venue/index.js';

export type {
  OrderInput,
  OrderKind,
  OrderSide,
  Tif,
  OmsOptions,
  GateOptions,
  ControlModeName as ControlMode,
  SubmitResult,
  OrderInfo,
  PositionInfo,
  OmsStatsJs as OmsStats,
  VenueCommandInfo,
  VenueEventInput,
  VenueOrderInput,
  VenuePositionInput,
  ReconReportInfo as ReconReport,
  DiscrepancyInfo as Discrepancy,
  AlgoOptions,
  AlgoKind,
  AlgoProgressInfo as AlgoProgress,
} from '../../../native/index.js';

type OmsHandle = ReturnType<typeof native.omsNew>;
/** A nanosecond timestamp: a bigint, or a safe-integer number. */
export type Nanos = bigint | number;

/**
 * The order management system: orders in, venue commands and 64-byte execution reports out.
 * Event-driven and deterministic: every call takes the time (`nowNs`) from the caller.
 * See the module docs for a complete example.
 */
export class Oms {
  /** @internal */
  readonly handle: OmsHandle;
  /** The risk engine behind the gate (`options.risk`), or `null` with the built-in gate. */
  readonly risk: OmsRisk | null;
  constructor(options?: Native.OmsOptions) {
    this.handle = native.omsNew(options);
    this.risk = options?.risk ? new OmsRisk(this.handle) : null;
  }
  /**
   * Journal recovery: books a fill made before this OMS existed (position and risk engine
   * move; no order). `fee` in quote currency at price + quantity scale.
   */
  restoreFill(instrument: number, side: Native.OrderSide, price: string | number, qty: string | number, fee: string | undefined, tsNs: Nanos): void {
    native.omsRestoreFill(this.handle, instrument, side, price, qty, fee, tsNs);
  }
  /**
   * Journal recovery: takes over an order already working at the venue (accepted, or
   * partially filled with `filled` and `filledNotional` = Σ price × qty of its earlier fills),
   * without the gate and without a venue command. Returns its order id.
   */
  restoreOrder(order: Native.OrderInput, filled: string | undefined, filledNotional: string | undefined, nowNs: Nanos): number {
    return native.omsRestoreOrder(this.handle, order, filled, filledNotional, nowNs);
  }
  /** Registers an instrument; returns its id (register the same ones on the venue). */
  addInstrument(instrument: Instrument): number {
    return native.omsAddInstrument(this.handle, instrument);
  }
  /** Submits an order. Bad input throws; a refusal is `status: 'rejected'` with a `reason`. */
  submit(order: Native.OrderInput, nowNs: Nanos): Native.SubmitResult {
    return native.omsSubmit(this.handle, order, nowNs);
  }
  /** One-cancels-the-other (at least one stop or trailing-stop leg); legs never both fill. */
  submitOco(a: Native.OrderInput, b: Native.OrderInput, nowNs: Nanos): Native.SubmitResult[] {
    return native.omsSubmitOco(this.handle, a, b, nowNs);
  }
  /** One-triggers-the-other: `pending` is sent once `working` has filled completely. */
  submitOto(working: Native.OrderInput, pending: Native.OrderInput, nowNs: Nanos): Native.SubmitResult[] {
    return native.omsSubmitOto(this.handle, working, pending, nowNs);
  }
  /** Entry, then an OCO of take-profit (limit) and stop-loss (stop) once the entry fills. */
  submitBracket(entry: Native.OrderInput, takeProfit: Native.OrderInput, stopLoss: Native.OrderInput, nowNs: Nanos): Native.SubmitResult[] {
    return native.omsSubmitBracket(this.handle, entry, takeProfit, stopLoss, nowNs);
  }
  /** Cancels an order (idempotent while a cancel is in flight). */
  cancel(orderId: number, nowNs: Nanos): void {
    native.omsCancel(this.handle, orderId, nowNs);
  }
  /** Cancels every open order (of one instrument, or all); returns how many. */
  cancelAll(nowNs: Nanos, instrument?: number): number {
    return native.omsCancelAll(this.handle, nowNs, instrument);
  }
  /** Cancel-replace: new total quantity and/or price. */
  replace(orderId: number, qty: string | number | undefined, price: string | number | undefined, nowNs: Nanos): void {
    native.omsReplace(this.handle, orderId, qty, price, nowNs);
  }
  /** A reference price: updates marks and trailing stops, fires held stops. */
  onPrice(instrument: number, price: string | number, nowNs: Nanos): void {
    native.omsOnPrice(this.handle, instrument, price, nowNs);
  }
  /** Time passes: expires held GTD/DAY orders, runs algorithm timers. */
  onTime(nowNs: Nanos): void {
    native.omsOnTime(this.handle, nowNs);
  }
  /** Every report since the last drain as 64-byte records; see {@link decodeReports}. */
  drainReports(): Uint8Array {
    return native.omsDrainReports(this.handle);
  }
  /**
   * Moves reports into a buffer you own and reuse (no allocation per call); returns how many
   * 64-byte records were written (decode `buf.subarray(0, n * REPORT_BYTES)`). Reports that do
   * not fit stay for the next call.
   */
  drainReportsInto(buf: Uint8Array): number {
    return native.omsDrainReportsInto(this.handle, buf);
  }
  /**
   * Hot-path submit from primitives (no option object, no decimal parsing): mantissas at the
   * instrument's scales. Returns the order id; a refusal shows in its report and status.
   *
   * @example
   * ```ts
   * // buy 1.000 at 99.90 (scales 2 and 3), IOC
   * const id = oms.submitFast('q-17', 0, FastSide.Buy, FastKind.Limit, 1000, 9990, FastTif.Ioc, 0, nowNs);
   * ```
   */
  submitFast(
    clientId: string,
    instrument: number,
    side: FastSide,
    kind: FastKind,
    qtyMantissa: number,
    priceMantissa: number,
    tif: FastTif,
    flags: number,
    nowNs: number,
  ): number {
    return native.omsSubmitFast(this.handle, clientId, instrument, side, kind, qtyMantissa, priceMantissa, tif, flags, nowNs);
  }
  /** Commands for a live venue adapter. */
  drainCommands(): Native.VenueCommandInfo[] {
    return native.omsDrainCommands(this.handle);
  }
  /** A venue event from a live adapter; an impossible one throws and changes nothing. */
  onVenueEvent(event: Native.VenueEventInput): void {
    native.omsOnVenueEvent(this.handle, event);
  }
  order(orderId: number): Native.OrderInfo | null {
    return native.omsOrder(this.handle, orderId);
  }
  orderByClientId(clientId: string): Native.OrderInfo | null {
    return native.omsOrderByClientId(this.handle, clientId);
  }
  openOrders(): Native.OrderInfo[] {
    return native.omsOpenOrders(this.handle);
  }
  /** Position with exact P&L; unrealized at `mark` (or the last reference price). */
  position(instrument: number, mark?: string | number): Native.PositionInfo {
    return native.omsPosition(this.handle, instrument, mark);
  }
  stats(): Native.OmsStatsJs {
    return native.omsStats(this.handle);
  }
  /** The control mode the gate reports. */
  get controlMode(): Native.ControlModeName {
    return native.omsControlMode(this.handle);
  }
  /** Sets the built-in gate's mode (false if the connected gate owns its mode). */
  setControlMode(mode: Native.ControlModeName): boolean {
    return native.omsSetControlMode(this.handle, mode);
  }
  /** Cancels everything and flattens every position with reduce-only market orders. */
  emergencyFlatten(nowNs: Nanos): number[] {
    return native.omsEmergencyFlatten(this.handle, nowNs);
  }
  /** Compares with a venue's reported orders and positions (`apply` closes missing orders). */
  reconcile(orders: Native.VenueOrderInput[], positions: Native.VenuePositionInput[], nowNs: Nanos, graceNs?: number, apply?: boolean): Native.ReconReportInfo {
    return native.omsReconcile(this.handle, orders, positions, nowNs, graceNs, apply);
  }
  /** Reconciles directly against a simulated venue. */
  reconcileWithVenue(venue: SimVenue, nowNs: Nanos, graceNs?: number, apply?: boolean): Native.ReconReportInfo {
    return native.omsReconcileWithVenue(this.handle, venue.handle, nowNs, graceNs, apply);
  }
  /** Starts TWAP / VWAP / POV / Iceberg; returns its id. */
  startAlgo(options: Native.AlgoOptions): number {
    return native.omsStartAlgo(this.handle, options);
  }
  algoProgress(algoId: number): Native.AlgoProgressInfo {
    return native.omsAlgoProgress(this.handle, algoId);
  }
  stopAlgo(algoId: number, nowNs: Nanos): void {
    native.omsStopAlgo(this.handle, algoId, nowNs);
  }
  /** Market volume traded by others (drives POV). */
  onMarketVolume(instrument: number, qty: string | number): void {
    native.omsOnMarketVolume(this.handle, instrument, qty);
  }
}

/**
 * The risk engine that gates an {@link Oms} created with `risk` options: the one copy of the
 * limits, control modes, breakers, kill switch and transition log. The OMS checks every order
 * against it (refusals come back as `status: 'rejected'`, `reason: 'gate'` with the engine's
 * code in `gateCode`, e.g. `POSITION_LIMIT`; its mode refuses as `controlPause`, …) and books
 * every fill into it; these methods are what the caller adds (equity, marks, operator commands).
 *
 * @example
 * ```ts
 * import { Instrument, Oms } from 'tachyon';
 * const spec = { symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' };
 * const oms = new Oms({
 *   risk: {
 *     venues: [{ name: 'binance' }],
 *     instruments: [{ ...spec, venue: 'binance', maxPosition: '0.01' }],
 *     limits: { concentration: 1 },
 *   },
 * });
 * oms.addInstrument(new Instrument(spec));  // same order as risk.instruments
 * oms.risk!.setEquity('10000');
 * oms.onPrice(0, '60000.00', Date.now() * 1e6);
 * oms.risk!.mark(0, '60000.00');
 * oms.submit({ clientId: 'a1', instrument: 0, side: 'buy', qty: '0.02' }, Date.now() * 1e6);
 * // → { status: 'rejected', reason: 'gate', gateCode: 'POSITION_LIMIT' }
 * oms.risk!.pause('operator');             // transition journaled from oms.risk!.transitions()
 * oms.submit({ clientId: 'a2', instrument: 0, side: 'buy', qty: '0.001' }, Date.now() * 1e6);
 * // → { status: 'rejected', reason: 'controlPause' }
 * ```
 */
export class OmsRisk {
  /** @internal */
  constructor(private readonly h: OmsHandle) {}
  /** The engine's control mode (what the OMS enforces). */
  get mode(): Native.ControlMode {
    return native.omsControlMode(this.h);
  }
  pause(reason: string, source?: Native.ControlSource, nowNs?: Nanos): Native.TransitionRecord | null {
    return native.omsRiskRequestMode(this.h, 'pause', reason, source, nowNs);
  }
  reduce(reason: string, source?: Native.ControlSource, nowNs?: Nanos): Native.TransitionRecord | null {
    return native.omsRiskRequestMode(this.h, 'reduce', reason, source, nowNs);
  }
  resume(reason: string, source?: Native.ControlSource, nowNs?: Nanos): Native.TransitionRecord | null {
    return native.omsRiskRequestMode(this.h, 'normal', reason, source, nowNs);
  }
  /** The kill switch: emergency now. */
  kill(reason: string, source?: Native.ControlSource, nowNs?: Nanos): Native.TransitionRecord | null {
    return native.omsRiskKill(this.h, reason, source, nowNs);
  }
  /** Leaves emergency with the reset key (`ERR_RESET_DENIED` otherwise). */
  reset(key: string, to: Native.ControlMode, operator: string, nowNs?: Nanos): Native.TransitionRecord {
    return native.omsRiskReset(this.h, key, to, operator, nowNs);
  }
  /** Mode transitions with `seq > afterSeq`, oldest first. */
  transitions(afterSeq = 0): Native.TransitionRecord[] {
    return native.omsRiskTransitions(this.h, afterSeq);
  }
  /** Account equity (decimal string or number); may trip drawdown / daily-loss breakers. */
  setEquity(equity: string | number, nowNs?: Nanos): Native.TransitionRecord | null {
    return native.omsRiskSetEquity(this.h, equity, nowNs);
  }
  /** The engine's mark price of an instrument. */
  mark(instrument: number, price: string | number): void {
    native.omsRiskMark(this.h, instrument, price);
  }
  /** The engine's position (decimal string): every fill the OMS booked. */
  position(instrument: number): string {
    return native.omsRiskPosition(this.h, instrument);
  }
  counters(): Native.RiskCounts {
    return native.omsRiskCounters(this.h);
  }
  /** Fills the engine could not book. */
  fillErrors(): number {
    return native.omsRiskFillErrors(this.h);
  }
  /** A venue error (feeds the venue-error breaker). */
  onVenueError(venue: number | string, nowNs?: Nanos): Native.TransitionRecord | null {
    return native.omsRiskOnVenueError(this.h, venue, nowNs);
  }
  /** The orders that flatten every position at its mark (emergency). */
  flattenOrders(): Native.FlattenOrder[] {
    return native.omsRiskFlattenOrders(this.h);
  }
}

/** `side` codes of {@link Oms.submitFast}. */
export const FastSide = { Buy: 1, Sell: 2 } as const;
export type FastSide = (typeof FastSide)[keyof typeof FastSide];
/** `kind` codes of {@link Oms.submitFast}. */
export const FastKind = { Market: 1, Limit: 2 } as const;
export type FastKind = (typeof FastKind)[keyof typeof FastKind];
/** `tif` codes of {@link Oms.submitFast}. */
export const FastTif = { Gtc: 0, Ioc: 1, Fok: 2, Day: 3 } as const;
export type FastTif = (typeof FastTif)[keyof typeof FastTif];
/** `flags` bits of {@link Oms.submitFast}. */
export const FastFlags = { PostOnly: 1, ReduceOnly: 2 } as const;

/** Bytes per execution-report record. */
export const REPORT_BYTES = 64;

/** What a report says happened (the `kind` byte). */
export const REPORT_KINDS = [
  undefined,
  'new',
  'held',
  'triggered',
  'accepted',
  'partialFill',
  'fill',
  'cancelled',
  'rejected',
  'expired',
  'replaced',
  'cancelRejected',
  'replaceRejected',
] as const;
export type ReportKind = Exclude<(typeof REPORT_KINDS)[number], undefined>;

/** Order status after the event (the `status` byte). */
export const ORDER_STATUSES = [
  undefined,
  'held',
  'new',
  'accepted',
  'partiallyFilled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
] as const;
export type OrderStatus = Exclude<(typeof ORDER_STATUSES)[number], undefined>;

/** OMS reasons (the `reason` byte below 100). */
export const REASONS = [
  'none',
  'controlPause',
  'controlReduce',
  'controlEmergency',
  'gate',
  'reduceOnly',
  'ocoSibling',
  'parentFailed',
  'timeExpired',
  'venue',
  'requested',
  'reconciled',
] as const;

/** Venue rejection codes (the `reason` byte minus 100). */
export const VENUE_REJECTS = [
  undefined,
  'RATE_LIMITED',
  'POST_ONLY_WOULD_TAKE',
  'FOK_UNFILLABLE',
  'REDUCE_ONLY_WOULD_INCREASE',
  'UNKNOWN_ORDER',
  'DISCONNECTED',
  'INJECTED',
  'NO_LIQUIDITY',
  'TOO_LATE',
  'INVALID',
  'EXPIRED',
] as const;

/** One decoded execution report. Mantissas are integers at the instrument's scales. */
export interface ExecReport {
  tsNs: bigint;
  orderId: number;
  instrument: number;
  kind: ReportKind;
  status: OrderStatus;
  side: 'buy' | 'sell';
  /** OMS reason (`'gate'`, `'ocoSibling'`, …) or `'venue'` with {@link ExecReport.venueReject}. */
  reason: (typeof REASONS)[number];
  venueReject?: (typeof VENUE_REJECTS)[number];
  /** On `partialFill`/`fill` reports: who provided the liquidity (the fee's why). */
  liquidity?: 'maker' | 'taker';
  lastPriceMantissa: number;
  lastQtyMantissa: number;
  cumQtyMantissa: number;
  avgPriceMantissa: number;
  feeMantissa: number;
  /** Decimal strings, when the instruments were passed to {@link decodeReports}. */
  lastPrice?: string;
  lastQty?: string;
  cumQty?: string;
  avgPrice?: string;
  fee?: string;
}

/** Exact decimal text of `mantissa × 10^-scale`. */
export function formatMantissa(mantissa: number | bigint, scale: number): string {
  const m = BigInt(mantissa);
  const neg = m < 0n;
  const abs = neg ? -m : m;
  if (scale === 0) return `${neg ? '-' : ''}${abs}`;
  const p = 10n ** BigInt(scale);
  const frac = (abs % p).toString().padStart(scale, '0');
  return `${neg ? '-' : ''}${abs / p}.${frac}`;
}

const TWO32 = 4294967296;

/** The i64 at byte `o` (little-endian) as a number; throws beyond 2^53. */
function i64(dv: DataView, o: number): number {
  const v = dv.getInt32(o + 4, true) * TWO32 + dv.getUint32(o, true);
  if (!Number.isSafeInteger(v)) throw new RangeError(`report value ${dv.getBigInt64(o, true)} exceeds 2^53`);
  return v;
}

/**
 * Decodes the buffer returned by `Oms.drainReports()` (and the backtest session's reports,
 * which are the same records). With `instruments` (indexed by instrument id), prices,
 * quantities and fees are also given as exact decimal strings. Integers are read as two 32-bit
 * halves: no BigInt but the timestamp.
 */
export function decodeReports(buf: Uint8Array, instruments?: readonly Instrument[]): ExecReport[] {
  if (buf.byteLength % REPORT_BYTES !== 0) {
    throw new RangeError(`report buffer length ${buf.byteLength} is not a multiple of ${REPORT_BYTES}`);
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: ExecReport[] = [];
  for (let o = 0; o < buf.byteLength; o += REPORT_BYTES) {
    const kindByte = dv.getUint8(o + 60);
    const reasonByte = dv.getUint8(o + 63);
    const isFill = kindByte === 5 || kindByte === 6;
    const r: ExecReport = {
      tsNs: dv.getBigInt64(o, true),
      orderId: i64(dv, o + 8),
      lastPriceMantissa: i64(dv, o + 16),
      lastQtyMantissa: i64(dv, o + 24),
      cumQtyMantissa: i64(dv, o + 32),
      avgPriceMantissa: i64(dv, o + 40),
      feeMantissa: i64(dv, o + 48),
      instrument: dv.getUint32(o + 56, true),
      kind: REPORT_KINDS[kindByte] ?? 'new',
      status: ORDER_STATUSES[dv.getUint8(o + 61)] ?? 'new',
      side: dv.getUint8(o + 62) === 2 ? 'sell' : 'buy',
      reason: isFill ? 'none' : reasonByte >= 100 ? 'venue' : (REASONS[reasonByte] ?? 'none'),
    };
    if (isFill) r.liquidity = reasonByte === 1 ? 'maker' : 'taker';
    else if (reasonByte >= 100) r.venueReject = VENUE_REJECTS[reasonByte - 100];
    const inst = instruments?.[r.instrument];
    if (inst) {
      const ps = inst.priceScale;
      const qs = inst.qtyScale;
      r.lastPrice = formatMantissa(r.lastPriceMantissa, ps);
      r.lastQty = formatMantissa(r.lastQtyMantissa, qs);
      r.cumQty = formatMantissa(r.cumQtyMantissa, qs);
      r.avgPrice = formatMantissa(r.avgPriceMantissa, ps);
      r.fee = formatMantissa(r.feeMantissa, ps + qs);
    }
    out.push(r);
  }
  return out;
}
