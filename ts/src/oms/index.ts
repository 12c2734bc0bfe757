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

/** The order management system; see the module docs. */
export const Oms = native.Oms;
export type Oms = Native.Oms;

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

function safe(v: bigint): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`report value ${v} exceeds 2^53`);
  return n;
}

/**
 * Decodes the buffer returned by `Oms.drainReports()`. With `instruments` (indexed by
 * instrument id), prices, quantities and fees are also given as exact decimal strings.
 */
export function decodeReports(buf: Uint8Array, instruments?: readonly Instrument[]): ExecReport[] {
  if (buf.byteLength % REPORT_BYTES !== 0) {
    throw new RangeError(`report buffer length ${buf.byteLength} is not a multiple of ${REPORT_BYTES}`);
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: ExecReport[] = [];
  for (let o = 0; o < buf.byteLength; o += REPORT_BYTES) {
    const reasonByte = dv.getUint8(o + 63);
    const r: ExecReport = {
      tsNs: dv.getBigInt64(o, true),
      orderId: safe(dv.getBigUint64(o + 8, true)),
      lastPriceMantissa: safe(dv.getBigInt64(o + 16, true)),
      lastQtyMantissa: safe(dv.getBigInt64(o + 24, true)),
      cumQtyMantissa: safe(dv.getBigInt64(o + 32, true)),
      avgPriceMantissa: safe(dv.getBigInt64(o + 40, true)),
      feeMantissa: safe(dv.getBigInt64(o + 48, true)),
      instrument: dv.getUint32(o + 56, true),
      kind: REPORT_KINDS[dv.getUint8(o + 60)] ?? 'new',
      status: ORDER_STATUSES[dv.getUint8(o + 61)] ?? 'new',
      side: dv.getUint8(o + 62) === 2 ? 'sell' : 'buy',
      reason: reasonByte >= 100 ? 'venue' : (REASONS[reasonByte] ?? 'none'),
    };
    if (reasonByte >= 100) r.venueReject = VENUE_REJECTS[reasonByte - 100];
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
