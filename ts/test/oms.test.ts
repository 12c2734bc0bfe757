import { describe, expect, it } from 'vitest';
import { Instrument, Oms, SimVenue, decodeReports, type OrderInput } from '../src/index.js';

const btc = () => new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.001', maxQty: '100' });

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

/** OMS + venue with bid 99.99 × 5, ask 100.01 × 5. */
function rig(gate?: ConstructorParameters<typeof Oms>[0]) {
  const i = btc();
  const oms = new Oms(gate);
  const venue = new SimVenue();
  oms.addInstrument(i);
  venue.addInstrument(i);
  venue.onBookSnapshot(0, new Float64Array([9999, 5000]), new Float64Array([10001, 5000]), 0n);
  return { i, oms, venue };
}

describe('Oms', () => {
  it('runs the documented example', () => {
    const { i, oms, venue } = rig({ gate: { maxPosition: '5', maxOrderQty: '2' } });
    expect(oms.submit({ clientId: 'entry-1', instrument: 0, side: 'buy', qty: '1', type: 'market' }, 1n)).toEqual({
      orderId: 1,
      status: 'new',
      reason: 'none',
    });
    const big = oms.submit({ clientId: 'too-big', instrument: 0, side: 'buy', qty: '3', price: '99' }, 1n);
    expect(big).toMatchObject({ status: 'rejected', reason: 'gate', gateCode: 'MAX_ORDER_QTY' });
    expect(venue.exchange(oms, 1n)).toBe(0);
    const pos = oms.position(0, '100.50');
    expect(pos).toMatchObject({ qty: '1.000', avgEntry: '100.01', unrealized: '0.49000', fees: '0.10001', fills: 1 });
    const reps = decodeReports(oms.drainReports(), [i]);
    expect(reps.map((r) => [r.orderId, r.kind, r.status])).toEqual([
      [1, 'new', 'new'],
      [2, 'rejected', 'rejected'],
      [1, 'accepted', 'accepted'],
      [1, 'fill', 'filled'],
    ]);
    expect(reps[3]).toMatchObject({ lastPrice: '100.01', lastQty: '1.000', cumQty: '1.000', avgPrice: '100.01', fee: '0.10001', side: 'buy' });
    expect(reps[1]!.reason).toBe('gate');

    const b = oms.submitBracket(
      { clientId: 'e2', instrument: 0, side: 'buy', qty: '1', price: '100.01' },
      { clientId: 'tp2', instrument: 0, side: 'sell', qty: '1', price: '101.00' },
      { clientId: 'sl2', instrument: 0, side: 'sell', qty: '1', type: 'stop', trigger: '99.00' },
      2n,
    );
    expect(b.map((r) => r.status)).toEqual(['new', 'held', 'held']);
    venue.exchange(oms, 2n);
    expect(oms.orderByClientId('tp2')?.status).toBe('accepted');
    expect(oms.orderByClientId('sl2')?.status).toBe('held');
    // The stop triggers: the take-profit is cancelled first, then the stop goes out.
    oms.onPrice(0, '98.99', 3n);
    venue.exchange(oms, 3n);
    expect(oms.orderByClientId('tp2')).toMatchObject({ status: 'cancelled', reason: 'ocoSibling' });
    expect(oms.orderByClientId('sl2')?.status).toBe('filled');
    expect(oms.position(0).qty).toBe('1.000');

    const twap = oms.startAlgo({ kind: 'twap', instrument: 0, side: 'sell', qty: '1', clientPrefix: 'twap1', startNs: 0, endNs: 60e9, slices: 12 });
    oms.onTime(5e9);
    venue.exchange(oms, 5e9);
    oms.onTime(5e9);
    expect(oms.algoProgress(twap)).toMatchObject({ state: 'running', filled: '0.166', children: 1 });
  });

  it('refuses bad input with typed errors, counted, state unchanged', () => {
    const { oms } = rig();
    oms.submit({ clientId: 'dup', instrument: 0, side: 'buy', qty: '1', price: '99' }, 1n);
    const before = [oms.openOrders(), oms.stats().orders];
    const base: OrderInput = { clientId: 'x', instrument: 0, side: 'buy', qty: '1', price: '99' };
    const cases: Array<[OrderInput, string]> = [
      [{ ...base, instrument: 9 }, 'ERR_UNKNOWN_INSTRUMENT'],
      [{ ...base, price: '99.001' }, 'ERR_TOO_PRECISE'],
      [{ ...base, price: 99.001 }, 'ERR_TOO_PRECISE'],
      [{ ...base, price: '-1' }, 'ERR_NON_POSITIVE_PRICE'],
      [{ ...base, qty: '0' }, 'ERR_NON_POSITIVE_QUANTITY'],
      [{ ...base, qty: '-2' }, 'ERR_NON_POSITIVE_QUANTITY'],
      [{ ...base, qty: '101' }, 'ERR_ABOVE_MAX_QUANTITY'],
      [{ ...base, clientId: 'dup' }, 'ERR_DUPLICATE_CLIENT_ID'],
      [{ ...base, clientId: 'has space' }, 'ERR_BAD_CLIENT_ID'],
      [{ ...base, clientId: '' }, 'ERR_BAD_CLIENT_ID'],
      [{ ...base, type: 'market', price: '99' }, 'ERR_INVALID_ORDER'],
      [{ ...base, tif: 'ioc', postOnly: true }, 'ERR_INVALID_ORDER'],
      [{ ...base, tif: 'gtd' }, 'ERR_INVALID_ARG'],
      [{ ...base, tif: 'gtd', expireAtNs: 0n }, 'ERR_INVALID_ORDER'],
      [{ ...base, type: 'stop' }, 'ERR_INVALID_ORDER'],
      [{ ...base, qty: Number.NaN }, 'ERR_NOT_FINITE'],
    ];
    cases.forEach(([order, code], k) => {
      expect(codeOf(() => oms.submit(order, 5n)), `case ${k}`).toBe(code);
    });
    expect([oms.openOrders(), oms.stats().orders]).toEqual(before);
    expect(oms.stats().errors).toEqual({
      ERR_UNKNOWN_INSTRUMENT: 1,
      ERR_BAD_NUMBER: 3,
      ERR_INVALID_PRICE_QTY: 4,
      ERR_DUPLICATE_CLIENT_ID: 1,
      ERR_BAD_CLIENT_ID: 2,
      ERR_INVALID_ORDER: 4,
    });
    expect(codeOf(() => oms.cancel(999, 1n))).toBe('ERR_UNKNOWN_ORDER');
    expect(codeOf(() => oms.cancel(1.5, 1n))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => oms.submit(base, 1.5))).toBe('ERR_INVALID_ARG');
  });

  it('drives a live venue adapter through commands and events, refusing impossible events', () => {
    const i = btc();
    const oms = new Oms();
    oms.addInstrument(i);
    const { orderId } = oms.submit({ clientId: 'live-1', instrument: 0, side: 'sell', qty: '2', price: '101.5', postOnly: true }, 10n);
    expect(oms.drainCommands()).toEqual([
      {
        kind: 'new',
        orderId,
        clientId: 'live-1',
        instrument: 0,
        side: 'sell',
        qty: '2.000',
        price: '101.50',
        tif: 'gtc',
        postOnly: true,
        reduceOnly: false,
      },
    ]);
    oms.onVenueEvent({ kind: 'accepted', orderId, tsNs: 11n });
    oms.onVenueEvent({ kind: 'fill', orderId, tsNs: 12n, price: '101.50', qty: '0.5', fee: '-0.01015', tradeId: 1, liquidity: 'maker' });
    oms.onVenueEvent({ kind: 'fill', orderId, tsNs: 12n, price: '101.50', qty: '0.5', tradeId: 1 }); // duplicate trade id
    expect(oms.order(orderId)).toMatchObject({ status: 'partiallyFilled', filled: '0.500', avgPrice: '101.50', fees: '-0.01015' });
    expect(oms.stats().duplicateFills).toBe(1);
    expect(codeOf(() => oms.onVenueEvent({ kind: 'fill', orderId, tsNs: 13n, price: '101.49', qty: '0.1', tradeId: 2 }))).toBe('ERR_BAD_FILL_PRICE');
    expect(codeOf(() => oms.onVenueEvent({ kind: 'fill', orderId, tsNs: 13n, price: '101.50', qty: '5', tradeId: 3 }))).toBe('ERR_OVERFILL');
    oms.replace(orderId, '3', undefined, 14n);
    expect(oms.drainCommands()).toMatchObject([{ kind: 'replace', orderId, qty: '3.000', price: '101.50' }]);
    oms.onVenueEvent({ kind: 'replaced', orderId, tsNs: 15n, qty: '3', price: '101.50' });
    expect(oms.order(orderId)?.leaves).toBe('2.500');
    oms.cancel(orderId, 16n);
    oms.onVenueEvent({ kind: 'cancelled', orderId, tsNs: 17n });
    expect(codeOf(() => oms.onVenueEvent({ kind: 'fill', orderId, tsNs: 18n, price: '101.50', qty: '0.1', tradeId: 4 }))).toBe('ERR_INVALID_TRANSITION');
    expect(oms.order(orderId)).toMatchObject({ status: 'cancelled', reason: 'requested', filled: '0.500' });
    expect(oms.position(0)).toMatchObject({ qty: '-0.500', fees: '-0.01015' });
    expect(oms.stats().errorsTotal).toBe(3);
    const reps = decodeReports(oms.drainReports());
    expect(reps.map((r) => r.kind)).toEqual(['new', 'accepted', 'partialFill', 'replaced', 'cancelled']);
  });

  it('enforces control modes and flattens in an emergency', () => {
    const { oms, venue } = rig();
    oms.submit({ clientId: 'b1', instrument: 0, side: 'buy', qty: '2', type: 'market' }, 1n);
    oms.submit({ clientId: 'rest', instrument: 0, side: 'buy', qty: '1', price: '90' }, 1n);
    venue.exchange(oms, 1n);
    expect(oms.setControlMode('pause')).toBe(true);
    expect(oms.controlMode).toBe('pause');
    expect(oms.submit({ clientId: 'p1', instrument: 0, side: 'sell', qty: '1', price: '101' }, 2n)).toMatchObject({ status: 'rejected', reason: 'controlPause' });
    oms.setControlMode('reduce');
    expect(oms.submit({ clientId: 'r1', instrument: 0, side: 'buy', qty: '1', price: '99' }, 2n).reason).toBe('controlReduce');
    expect(oms.submit({ clientId: 'r2', instrument: 0, side: 'sell', qty: '1', price: '101' }, 2n).status).toBe('new');
    oms.setControlMode('emergency');
    expect(oms.submit({ clientId: 'e1', instrument: 0, side: 'sell', qty: '1', price: '101' }, 3n).reason).toBe('controlEmergency');
    expect(oms.emergencyFlatten(3n)).toHaveLength(1);
    venue.exchange(oms, 3n);
    expect(oms.position(0).qty).toBe('0.000');
    expect(oms.openOrders()).toEqual([]);
    expect(oms.stats().rejectedControl).toBe(3);
  });

  it('reconciles against the venue after a dropped command', () => {
    const i = btc();
    const oms = new Oms();
    const venue = new SimVenue({ faults: { dropInbound: 1 } });
    oms.addInstrument(i);
    venue.addInstrument(i);
    const { orderId } = oms.submit({ clientId: 'lost', instrument: 0, side: 'buy', qty: '1', price: '99' }, 1n);
    venue.exchange(oms, 1n);
    expect(oms.order(orderId)?.status).toBe('new');
    const rep = oms.reconcileWithVenue(venue, 10_000_000n, 1_000_000, true);
    expect(rep).toMatchObject({ clean: false, closed: 1, discrepancies: [{ code: 'MISSING_AT_VENUE', orderId, ours: 'new' }] });
    expect(oms.order(orderId)).toMatchObject({ status: 'cancelled', reason: 'reconciled' });
    const manual = oms.reconcile([{ orderId: 77, instrument: 0, qty: '1', filled: '0', open: true }], [{ instrument: 0, qty: '0.5' }], 20_000_000n);
    expect(manual.discrepancies.map((d) => d.code)).toEqual(['UNKNOWN_AT_VENUE', 'POSITION_MISMATCH']);
    expect(manual.discrepancies[1]).toMatchObject({ ours: '0.000', venue: '0.500' });
  });

  it('runs iceberg and POV algorithms that respect the control mode', () => {
    const { oms, venue } = rig();
    const ice = oms.startAlgo({ kind: 'iceberg', instrument: 0, side: 'buy', qty: '3', limit: '99.00', display: '1', clientPrefix: 'ice' });
    oms.setControlMode('pause');
    oms.onTime(1n);
    expect(oms.algoProgress(ice)).toMatchObject({ state: 'paused', children: 0, lastReason: 'controlPause' });
    oms.setControlMode('normal');
    oms.onTime(2n);
    venue.exchange(oms, 2n);
    oms.onTime(3n);
    expect(oms.algoProgress(ice)).toMatchObject({ state: 'running', working: '1.000', children: 1 });
    venue.onTrade(0, 9898, 5000, 'sell', 4n); // trades through 99.00
    venue.exchange(oms, 4n);
    oms.onTime(5n);
    venue.exchange(oms, 5n);
    oms.onTime(6n);
    expect(oms.algoProgress(ice)).toMatchObject({ filled: '1.000', children: 2 });
    oms.stopAlgo(ice, 7n);
    venue.exchange(oms, 7n);
    oms.onTime(8n);
    expect(oms.algoProgress(ice)).toMatchObject({ state: 'stopped', working: '0.000' });
    const pov = oms.startAlgo({ kind: 'pov', instrument: 0, side: 'sell', qty: '0.5', rate: 0.1, clientPrefix: 'pov' });
    oms.onMarketVolume(0, '2');
    oms.onTime(9n);
    venue.exchange(oms, 9n);
    oms.onTime(10n);
    expect(oms.algoProgress(pov)).toMatchObject({ filled: '0.200' });
    expect(codeOf(() => oms.startAlgo({ kind: 'pov', instrument: 0, side: 'sell', qty: '1', rate: 2, clientPrefix: 'x' }))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => oms.startAlgo({ kind: 'iceberg', instrument: 0, side: 'sell', qty: '1', display: '1', clientPrefix: 'x' }))).toBe('ERR_INVALID_ORDER');
  });
});
