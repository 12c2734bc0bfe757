/**
 * Core primitives: exact fixed-point money and quantities, instruments, clocks and latency
 * histograms. All arithmetic happens in Rust on `i64` mantissas; nothing here uses floating
 * point for money.
 *
 * @example
 * ```ts
 * import { Instrument } from 'tachyon';
 * const btc = new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5' });
 * const px = btc.price('65000.10');
 * const qty = btc.qty('0.002');
 * btc.checkOrder(px, qty);          // { ok: true, notional: '130.0002000' }
 * px.mulQty(qty).toString();        // '130.0002000'
 * btc.checkOrder(btc.price('65000.105', 'halfEven'), qty).ok; // true (rounded to 65000.10)
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';

/** Exact decimal price at an instrument's price scale. */
export const Price = native.Price;
export type Price = Native.Price;
/** Exact decimal quantity at an instrument's quantity scale. */
export const Quantity = native.Quantity;
export type Quantity = Native.Quantity;
/** Exact `price × quantity` in quote currency. */
export const Notional = native.Notional;
export type Notional = Native.Notional;
/** A tradable instrument: scales from tick and lot sizes, order limits, validation. */
export const Instrument = native.Instrument;
export type Instrument = Native.Instrument;
/** Wall-anchored monotonic clock (ns, bigint). */
export const MonotonicClock = native.MonotonicClock;
export type MonotonicClock = Native.MonotonicClock;
/** Deterministic clock for backtests: moves only when told, never backwards. */
export const SimClock = native.SimClock;
export type SimClock = Native.SimClock;
/** HDR latency histogram, 1 ns to 1 h, 3 significant digits. */
export const LatencyHistogram = native.LatencyHistogram;
export type LatencyHistogram = Native.LatencyHistogram;

export type { InstrumentOptions, OrderCheck, LatencySummary, RoundingMode } from '../../../native/index.js';

/** Rejection codes `Instrument.check*` can return in `OrderCheck.code`. */
export type RejectionCode =
  | 'WRONG_SCALE'
  | 'NON_POSITIVE_PRICE'
  | 'OFF_TICK'
  | 'NON_POSITIVE_QUANTITY'
  | 'OFF_LOT'
  | 'BELOW_MIN_QUANTITY'
  | 'ABOVE_MAX_QUANTITY'
  | 'BELOW_MIN_NOTIONAL'
  | 'ABOVE_MAX_NOTIONAL'
  | 'NOTIONAL_OVERFLOW';

/** Nanoseconds since the Unix epoch from the process-wide monotonic clock. */
export function nowNs(): bigint {
  return native.nowNs();
}
