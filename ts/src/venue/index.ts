/**
 * The simulated venue: matching against an L2 book with queue-position estimates, latency
 * (constant or seeded log-normal), maker/taker fee tiers, market impact, a token-bucket rate
 * limit that refuses like an HTTP 429, and injected faults (dropped messages, disconnects,
 * rejects, delayed acknowledgements). It is driven entirely by the caller's clock and is
 * deterministic for a given `seed`.
 *
 * @example
 * ```ts
 * import { Instrument, Oms, SimVenue, decodeReports } from 'tachyon';
 * const btc = new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.001' });
 * const oms = new Oms();
 * const venue = new SimVenue({ seed: 42, latencyIn: { medianNs: 50_000, sigma: 0.4 }, rateLimitCapacity: 50, rateLimitPerSec: 10 });
 * oms.addInstrument(btc);
 * venue.addInstrument(btc);
 * // book: bid 99.99 × 1.000, ask 100.01 × 1.000 (mantissas at scales 2 and 3)
 * venue.onBookSnapshot(0, new Float64Array([9999, 1000]), new Float64Array([10001, 1000]), 0n);
 * oms.submit({ clientId: 'buy-1', instrument: 0, side: 'buy', qty: '0.5', price: '100.01', tif: 'ioc' }, 1_000n);
 * venue.exchange(oms, 1_000n);    // the order leaves the OMS
 * venue.exchange(oms, 200_000n);  // … and its fill comes back after the latency
 * decodeReports(oms.drainReports()).map((r) => r.kind); // ['new', 'accepted', 'fill']
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';
import type { Instrument } from '../api/core.js';
import type { Nanos, Oms } from '../oms/index.js';

export type {
  SimVenueOptions,
  LatencyOptions,
  FaultOptions,
  FeeTierOptions,
  QueueModelName as QueueModel,
  ImpactModelName as ImpactModel,
  SimStatsJs as SimStats,
  SimOrderInfo,
  SimPositionInfo,
} from '../../../native/index.js';

type SimHandle = ReturnType<typeof native.simNew>;

/** The simulated venue; see the module docs. */
export class SimVenue {
  /** @internal */
  readonly handle: SimHandle;
  constructor(options?: Native.SimVenueOptions) {
    this.handle = native.simNew(options);
  }
  /** Lists an instrument (same order as on the `Oms`); returns its id. */
  addInstrument(instrument: Instrument): number {
    return native.simAddInstrument(this.handle, instrument);
  }
  /** Replaces a book: `[price, qty, …]` mantissa pairs. */
  onBookSnapshot(instrument: number, bids: Float64Array, asks: Float64Array, tsNs: Nanos): void {
    native.simOnBookSnapshot(this.handle, instrument, bids, asks, tsNs);
  }
  /** Sets one level (mantissas; 0 removes). */
  onBookLevel(instrument: number, side: 'bid' | 'ask', price: number, qty: number, tsNs: Nanos): void {
    native.simOnBookLevel(this.handle, instrument, side, price, qty, tsNs);
  }
  /** A trade by others (mantissas); `aggressor` is the taker's side. */
  onTrade(instrument: number, price: number, qty: number, aggressor: 'buy' | 'sell', tsNs: Nanos): void {
    native.simOnTrade(this.handle, instrument, price, qty, aggressor, tsNs);
  }
  /** A batch of 48-byte market-event records (`EventBatch.bytes`); returns how many applied. */
  onMarketEvents(records: Uint8Array): number {
    return native.simOnMarketEvents(this.handle, records);
  }
  /**
   * Moves everything between `oms` and the venue up to `nowNs` (commands out, due events
   * processed, delivered events into the OMS). Returns how many events the OMS refused.
   */
  exchange(oms: Oms, nowNs: Nanos): number {
    return native.simExchange(this.handle, oms.handle, nowNs);
  }
  /** Processes everything due by `nowNs` without an OMS. */
  advanceTo(nowNs: Nanos): void {
    native.simAdvanceTo(this.handle, nowNs);
  }
  /** Earliest scheduled time, or `null` (for an event loop that sleeps until then). */
  nextEventTimeNs(): bigint | null {
    return native.simNextEventTimeNs(this.handle);
  }
  get nowNs(): bigint {
    return native.simNowNs(this.handle);
  }
  isConnected(tsNs: Nanos): boolean {
    return native.simIsConnected(this.handle, tsNs);
  }
  /** `[bidPrice, bidQty, askPrice, askQty]` mantissas (NaN for an empty side). */
  top(instrument: number): Float64Array {
    return native.simTop(this.handle, instrument);
  }
  openOrders(): Native.SimOrderInfo[] {
    return native.simOpenOrders(this.handle);
  }
  positions(): Native.SimPositionInfo[] {
    return native.simPositions(this.handle);
  }
  stats(): Native.SimStatsJs {
    return native.simStats(this.handle);
  }
}
