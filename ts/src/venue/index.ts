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

/** Simulated venue; see the module docs. */
export const SimVenue = native.SimVenue;
export type SimVenue = Native.SimVenue;

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
