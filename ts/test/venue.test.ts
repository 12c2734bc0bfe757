import { describe, expect, it } from 'vitest';
import { EventBatch, EventKind, Instrument, Oms, Side, SimVenue, decodeReports, type SimVenueOptions } from '../src/index.js';

const btc = () => new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.001' });

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

function rig(options?: SimVenueOptions) {
  const i = btc();
  const oms = new Oms();
  const venue = new SimVenue(options);
  oms.addInstrument(i);
  venue.addInstrument(i);
  venue.onBookSnapshot(0, new Float64Array([9999, 1000]), new Float64Array([10001, 1000]), 0n);
  return { i, oms, venue };
}

describe('SimVenue', () => {
  it('runs the documented example', () => {
    const { oms, venue } = rig({ seed: 42, latencyIn: { medianNs: 50_000, sigma: 0.4 }, rateLimitCapacity: 50, rateLimitPerSec: 10 });
    oms.submit({ clientId: 'buy-1', instrument: 0, side: 'buy', qty: '0.5', price: '100.01', tif: 'ioc' }, 1_000n);
    venue.exchange(oms, 1_000n);
    expect(oms.orderByClientId('buy-1')?.status).toBe('new');
    expect(venue.nextEventTimeNs()).toBeGreaterThan(1_000n);
    venue.exchange(oms, 200_000n);
    expect(decodeReports(oms.drainReports()).map((r) => r.kind)).toEqual(['new', 'accepted', 'fill']);
    expect(Array.from(venue.top(0))).toEqual([9999, 1000, 10001, 500]);
  });

  it('is deterministic for a seed', () => {
    const run = (seed: number) => {
      const { oms, venue } = rig({
        seed,
        latencyIn: { medianNs: 20_000, sigma: 0.8 },
        latencyOut: { medianNs: 20_000, sigma: 0.8 },
        faults: { dropOutbound: 0.1, reject: 0.1, delayAck: 0.2, delayAckNs: 40_000 },
      });
      for (let k = 0; k < 40; k++) {
        const t = BigInt(k * 100_000);
        oms.submit({ clientId: `o${k}`, instrument: 0, side: k % 2 ? 'sell' : 'buy', qty: '0.1', price: k % 2 ? '100.01' : '99.99' }, t);
        venue.exchange(oms, t);
        venue.onTrade(0, 9999, 50, 'sell', t + 1n);
        venue.exchange(oms, t + 50_000n);
      }
      return Buffer.from(oms.drainReports()).toString('hex');
    };
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });

  it('refuses like a 429 with retry-after when the rate limit is hit', () => {
    const { oms, venue } = rig({ rateLimitCapacity: 1, rateLimitPerSec: 2 });
    const a = oms.submit({ clientId: 'a', instrument: 0, side: 'buy', qty: '0.1', price: '99' }, 0n);
    const b = oms.submit({ clientId: 'b', instrument: 0, side: 'buy', qty: '0.1', price: '99' }, 0n);
    venue.exchange(oms, 0n);
    expect(oms.order(a.orderId)?.status).toBe('accepted');
    expect(oms.order(b.orderId)).toMatchObject({ status: 'rejected', reason: 'venue', venueReject: 'RATE_LIMITED' });
    const rep = decodeReports(oms.drainReports()).find((r) => r.orderId === b.orderId && r.kind === 'rejected');
    expect(rep?.venueReject).toBe('RATE_LIMITED');
    expect(venue.stats().rateLimited).toBe(1);
  });

  it('each injected fault shows up where it should', () => {
    // dropped events: the venue filled, the OMS never heard
    let r = rig({ faults: { dropOutbound: 1 } });
    r.oms.submit({ clientId: 'm', instrument: 0, side: 'buy', qty: '0.2', type: 'market' }, 1n);
    r.venue.exchange(r.oms, 1n);
    expect(r.venue.positions()).toEqual([{ instrument: 0, qtyMantissa: 200 }]);
    expect(r.oms.position(0).qty).toBe('0.000');
    expect(r.oms.reconcileWithVenue(r.venue, 10_000_000n, 1e6).discrepancies.map((d) => d.code)).toEqual([
      'FILLED_MISMATCH',
      'MISSING_AT_VENUE',
      'POSITION_MISMATCH',
    ]);
    // injected reject
    r = rig({ faults: { reject: 1 } });
    const x = r.oms.submit({ clientId: 'x', instrument: 0, side: 'buy', qty: '0.2', type: 'market' }, 1n);
    r.venue.exchange(r.oms, 1n);
    expect(r.oms.order(x.orderId)?.venueReject).toBe('INJECTED');
    // delayed ack overtaken by the fill
    r = rig({ latencyOut: { constantNs: 1_000 }, faults: { delayAck: 1, delayAckNs: 10_000 } });
    const d = r.oms.submit({ clientId: 'd', instrument: 0, side: 'buy', qty: '0.2', type: 'market' }, 0n);
    r.venue.exchange(r.oms, 0n); // sent at 0, filled at the venue at 0
    r.venue.exchange(r.oms, 1_000n); // the fill arrives after 1 µs, the ack 10 µs later
    expect(r.oms.order(d.orderId)?.status).toBe('filled');
    r.venue.exchange(r.oms, 20_000n);
    expect(r.oms.stats()).toMatchObject({ lateAcks: 1, errorsTotal: 0 });
    // disconnect: refused at once, resting orders cancelled at the venue without a word
    r = rig({ faults: { disconnects: [[1_000_000n, 2_000_000n]], cancelOnDisconnect: true } });
    const rest = r.oms.submit({ clientId: 'rest', instrument: 0, side: 'buy', qty: '0.2', price: '99' }, 0n);
    r.venue.exchange(r.oms, 0n);
    const during = r.oms.submit({ clientId: 'during', instrument: 0, side: 'buy', qty: '0.2', price: '99' }, 1_500_000n);
    r.venue.exchange(r.oms, 1_500_000n);
    expect(r.venue.isConnected(1_500_000n)).toBe(false);
    expect(r.oms.order(during.orderId)?.venueReject).toBe('DISCONNECTED');
    expect(r.oms.order(rest.orderId)?.status).toBe('accepted');
    expect(r.venue.openOrders()).toEqual([]);
    const rep = r.oms.reconcileWithVenue(r.venue, 3_000_000n, 1e5, true);
    expect(rep).toMatchObject({ closed: 1, discrepancies: [{ code: 'MISSING_AT_VENUE', orderId: rest.orderId }] });
    // dropped command
    r = rig({ faults: { dropInbound: 1 } });
    r.oms.submit({ clientId: 'lost', instrument: 0, side: 'buy', qty: '0.2', price: '99' }, 0n);
    r.venue.exchange(r.oms, 0n);
    expect(r.venue.stats()).toMatchObject({ commands: 1, droppedInbound: 1, accepted: 0 });
  });

  it('takes market data as 48-byte event records', () => {
    const { oms, venue } = rig();
    const rest = oms.submit({ clientId: 'q', instrument: 0, side: 'buy', qty: '0.5', price: '99.99' }, 1n);
    venue.exchange(oms, 1n);
    const batch = new EventBatch(8);
    // a trade of 0.6 at 99.99 eats the 1.000 ahead only partly; then 0.9 more fills us
    batch.push({ kind: EventKind.Trade, instrument: 0, side: Side.Sell, tsUs: 1, price: 9999, qty: 600, seq: 1 });
    batch.push({ kind: EventKind.BidLevel, instrument: 0, tsUs: 2, price: 9999, qty: 400, seq: 2 });
    batch.push({ kind: EventKind.Trade, instrument: 0, side: Side.Sell, tsUs: 3, price: 9999, qty: 900, seq: 3 });
    batch.push({ kind: EventKind.Heartbeat, instrument: 0, tsUs: 4, price: 0, qty: 0, seq: 4 });
    expect(venue.onMarketEvents(batch.bytes)).toBe(4);
    venue.exchange(oms, 4_000n);
    expect(oms.order(rest.orderId)).toMatchObject({ status: 'filled', avgPrice: '99.99' });
    const bad = new EventBatch(1);
    bad.push({ kind: EventKind.Trade, instrument: 0, side: Side.Sell, tsUs: 5, price: 9999, qty: 0, seq: 5 });
    expect(codeOf(() => venue.onMarketEvents(bad.bytes))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => venue.onMarketEvents(new Uint8Array(47)))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => venue.onBookLevel(0, 'bid', 10000.5, 1, 10n))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => venue.onTrade(9, 10000, 1, 'buy', 10n))).toBe('ERR_UNKNOWN_INSTRUMENT');
  });

  it('validates its settings', () => {
    expect(codeOf(() => new SimVenue({ faults: { dropInbound: 2 } }))).toBe('ERR_SIM_CONFIG');
    expect(codeOf(() => new SimVenue({ latencyIn: { medianNs: -5 } }))).toBe('ERR_SIM_CONFIG');
    expect(codeOf(() => new SimVenue({ fees: [{ minVolume: 10, makerPpm: 1, takerPpm: 1 }] }))).toBe('ERR_SIM_CONFIG');
    expect(codeOf(() => new SimVenue({ seed: 1.5 }))).toBe('ERR_INVALID_ARG');
    const v = new SimVenue({ fees: [{ minVolume: 0, makerPpm: -100, takerPpm: 400 }, { minVolume: 1e6, makerPpm: -200, takerPpm: 300 }], impact: 'squareRoot', impactCoef: 0.5, queue: 'probabilistic' });
    expect(v.stats().commands).toBe(0);
  });
});
