// Live trading goes through the OMS: the risk engine is the OMS's gate (a refusal never reaches
// the venue), client ids are idempotent, a venue rejection ends the order `rejected` with its
// reason, and the OMS's position is what the venue's balances say after the fills. Against the
// local fake Binance with the real CCXT client; nothing reaches the network.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Instrument, Oms, loadConfig, openJournal, runLive, type OrderUpdate, type Strategy } from '../src/index.js';
import { FakeBinance } from '../src/venues/fake/binance.js';

const ENV = { TACHYON_API_KEY: 'test-key', TACHYON_API_SECRET: 'test-secret' };

/** Exact decimal → integer at 8 decimals. */
const e8 = (s: string) => {
  const neg = s.startsWith('-');
  const [i, f = ''] = s.replace('-', '').split('.');
  const v = BigInt(i! + (f + '00000000').slice(0, 8));
  return neg ? -v : v;
};

async function live(fake: FakeBinance, strategy: Strategy, set: Record<string, unknown> = {}, durationSec = 3.5) {
  const path = join(mkdtempSync(join(tmpdir(), 'tachyon-live-oms-')), 'j.db');
  const config = loadConfig({
    env: null,
    object: {
      journal: { path },
      venue: { kind: 'ccxt', exchange: 'binance', baseUrl: fake.url, timeframe: '1s', reconnectMs: [50, 500], rateLimitMs: 0 },
      ...set,
    },
  });
  const r = await runLive({ config, strategy, out: null, durationSec, pollMs: 200, env: ENV });
  return { r, path };
}

describe('live orders go through the OMS', () => {
  it('a risk-engine refusal never reaches the venue; fills move the OMS position as the venue balances move', async () => {
    const fake = await FakeBinance.start({ tickMs: 40, klineMs: 1000, seed: 21 });
    const before = fake.balance();
    const updates: OrderUpdate[] = [];
    let n = 0;
    try {
      const { r, path } = await live(
        fake,
        {
          name: 'gated',
          onBar(bar, ctx) {
            n++;
            if (n === 1) {
              expect(ctx.buy(bar.symbol, '0.003')).toBeNull(); // above risk.maxPosition: the risk engine refuses
              expect(ctx.buy(bar.symbol, '0.001')).not.toBeNull();
            }
            if (n === 2) {
              expect(ctx.position(bar.symbol)).toBe(0.001); // booked before the next bar
              expect(ctx.buy(bar.symbol, '0.001', (bar.close * 0.5).toFixed(2))).not.toBeNull(); // rests; cancelled on stop
            }
          },
          onOrder(u) {
            updates.push(u);
          },
        },
        { risk: { maxPosition: '0.0025' } },
      );
      expect(n).toBeGreaterThanOrEqual(2);
      // the refusal: the engine's code, journaled, counted by the OMS; never sent
      expect(updates.find((u) => u.state === 'rejected')).toMatchObject({ reason: 'POSITION_LIMIT', orderId: '' });
      expect(r.oms.stats.rejectedGate).toBe(1);
      expect(r.orders).toBe(2);
      expect(fake.received).toHaveLength(2);
      expect(new Set(fake.received).size).toBe(2);
      const j = await openJournal({ path });
      try {
        const orders = await j.orders();
        expect(orders.map((o) => o.clientId).sort()).toEqual([...fake.received].sort());
        expect(orders.map((o) => o.status).sort()).toEqual(['cancelled', 'filled']);
        const events = await j.riskEvents();
        expect(events.some((e) => e.code === 'POSITION_LIMIT')).toBe(true);
        // the OMS's position is the venue's balance change, exactly; the journal holds the same
        const after = fake.balance();
        const trades = fake.myTrades();
        expect(trades.length).toBeGreaterThanOrEqual(1);
        const pos = r.oms.positions[0]!;
        expect(e8(pos.qty)).toBe(e8(after.BTC!) - e8(before.BTC!));
        expect(pos.qty).toBe('0.00100');
        const cost = trades.reduce((s, t) => s + ((e8(t.price) * e8(t.qty)) / 100_000_000n), 0n);
        const fees = trades.reduce((s, t) => s + e8(t.commission), 0n);
        expect(e8(before.USDT!) - e8(after.USDT!)).toBe(cost + fees);
        expect(e8(pos.fees)).toBe(fees);
        if (trades.length === 1) expect(e8(pos.avgEntry!)).toBe(e8(trades[0]!.price));
        const jp = (await j.positions('ccxt:binance'))[0]!;
        expect(jp.qty).toBe(pos.qty);
        expect(jp.fees).toBe(pos.fees);
      } finally {
        await j.close();
      }
    } finally {
      await fake.stop();
    }
  }, 60_000);

  it('a venue rejection ends the order `rejected` with the mapped reason', async () => {
    const fake = await FakeBinance.start({ tickMs: 40, klineMs: 1000, seed: 22 });
    fake.inject({ kind: 'reject-orders', code: -2010, msg: 'Account has insufficient balance for requested action.', count: 1 });
    const updates: OrderUpdate[] = [];
    let sent: string | null = null;
    try {
      const { r, path } = await live(fake, {
        name: 'poor',
        onBar(bar, ctx) {
          sent ??= ctx.buy(bar.symbol, '0.001');
        },
        onOrder(u) {
          updates.push(u);
        },
      });
      expect(sent).not.toBeNull();
      expect(updates).toContainEqual(expect.objectContaining({ orderId: sent, state: 'rejected', reason: 'INSUFFICIENT_FUNDS' }));
      expect(r.oms.stats.rejectedVenue).toBe(1);
      expect(r.oms.positions[0]!.qty).toBe('0.00000');
      const j = await openJournal({ path });
      try {
        expect(await j.getOrder(sent!)).toMatchObject({ status: 'rejected', reason: 'INSUFFICIENT_FUNDS' });
        expect((await j.riskEvents()).some((e) => e.code === 'VENUE_INSUFFICIENT_FUNDS')).toBe(true);
      } finally {
        await j.close();
      }
    } finally {
      await fake.stop();
    }
  }, 60_000);
});

describe('venue failures feed the risk engine', () => {
  it('repeated venue failures trip the venue-error breaker: trading pauses, the change is journaled, later intents are refused', async () => {
    const fake = await FakeBinance.start({ tickMs: 40, klineMs: 500, seed: 23 });
    // every order placement fails with a 503 (retryable: the client retries, then gives up; each
    // failed attempt is a venue error)
    fake.inject({ kind: 'http-error', status: 503, path: '/api/v3/order', count: 1000 });
    const intents: (string | null)[] = [];
    try {
      const { path } = await live(
        fake,
        {
          name: 'persistent',
          onBar(bar, ctx) {
            intents.push(ctx.buy(bar.symbol, '0.001'));
          },
        },
        { risk: { engine: { breakers: { venueErrors: { threshold: 2, mode: 'pause' } } } } },
        4,
      );
      const j = await openJournal({ path });
      try {
        const changes = await j.modeChanges();
        expect(changes).toContainEqual(expect.objectContaining({ from: 'normal', to: 'pause' }));
        expect(changes.find((c) => c.to === 'pause')!.reason).toMatch(/venue/i);
        // after the trip, intents are refused by the control mode and never sent
        expect((await j.riskEvents()).some((e) => e.code === 'MODE_PAUSE')).toBe(true);
        // each failed attempt counts: the first order's retries trip it, later intents never leave
        const sent = (await j.orders()).length;
        expect(sent).toBeGreaterThanOrEqual(1);
        expect(intents.length).toBeGreaterThan(sent);
      } finally {
        await j.close();
      }
    } finally {
      await fake.stop();
    }
  }, 60_000);
});

describe('Oms with the risk engine as its gate', () => {
  const spec = { symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' };
  const ns = (ms: number) => BigInt(ms) * 1_000_000n;
  function make() {
    const oms = new Oms({
      risk: {
        venues: [{ name: 'binance' }],
        instruments: [{ ...spec, venue: 'binance', maxPosition: '0.01' }],
        limits: { concentration: 1 },
        control: { resetKey: 'reset-key-123' },
      },
    });
    oms.addInstrument(new Instrument(spec));
    oms.risk!.setEquity('100000');
    oms.onPrice(0, '60000.00', ns(1));
    oms.risk!.mark(0, '60000.00');
    return oms;
  }

  it('refuses with the engine codes and modes, refuses a duplicate client id, and books fills into the engine', () => {
    const oms = make();
    expect(oms.submit({ clientId: 'big', instrument: 0, side: 'buy', qty: '0.02' }, ns(2))).toMatchObject({ status: 'rejected', reason: 'gate', gateCode: 'POSITION_LIMIT' });
    const a = oms.submit({ clientId: 'a1', instrument: 0, side: 'buy', qty: '0.005', price: '60000.00' }, ns(3));
    expect(a.status).toBe('new');
    // the same client id never makes a second order, and sends nothing
    expect(oms.drainCommands()).toHaveLength(1);
    expect(() => oms.submit({ clientId: 'a1', instrument: 0, side: 'buy', qty: '0.001', price: '60000.00' }, ns(4))).toThrow(expect.objectContaining({ code: 'ERR_DUPLICATE_CLIENT_ID' }));
    expect(oms.drainCommands()).toEqual([]);
    expect(oms.stats().errors).toMatchObject({ ERR_DUPLICATE_CLIENT_ID: 1 });
    oms.onVenueEvent({ kind: 'accepted', orderId: a.orderId, tsNs: ns(5) });
    oms.onVenueEvent({ kind: 'fill', orderId: a.orderId, tsNs: ns(6), price: '60000.00', qty: '0.002', fee: '0.1200000', tradeId: 17 });
    // a repeated trade id is ignored (while working and once filled)
    oms.onVenueEvent({ kind: 'fill', orderId: a.orderId, tsNs: ns(6), price: '60000.00', qty: '0.002', fee: '0.1200000', tradeId: 17 });
    oms.onVenueEvent({ kind: 'fill', orderId: a.orderId, tsNs: ns(6), price: '60000.00', qty: '0.003', fee: '0.1800000', tradeId: 18 });
    oms.onVenueEvent({ kind: 'fill', orderId: a.orderId, tsNs: ns(6), price: '60000.00', qty: '0.003', fee: '0.1800000', tradeId: 18 });
    expect(oms.stats().duplicateFills).toBe(2);
    expect(oms.order(a.orderId)).toMatchObject({ status: 'filled', filled: '0.00500', fees: '0.3000000' });
    expect(oms.position(0).qty).toBe('0.00500');
    expect(oms.risk!.position(0)).toBe('0.00500');
    // journal recovery moves both as well
    oms.restoreFill(0, 'buy', '60000.00', '0.004', '0', ns(7));
    expect(oms.position(0).qty).toBe('0.00900');
    expect(oms.risk!.position(0)).toBe('0.00900');
    expect(oms.submit({ clientId: 'a2', instrument: 0, side: 'buy', qty: '0.002' }, ns(8))).toMatchObject({ status: 'rejected', gateCode: 'POSITION_LIMIT' });
    // operator commands go to the same engine; the OMS enforces its mode
    const t = oms.risk!.pause('operator', 'cli', ns(9));
    expect(t).toMatchObject({ from: 'normal', to: 'pause', source: 'cli' });
    expect(oms.controlMode).toBe('pause');
    expect(oms.submit({ clientId: 'a3', instrument: 0, side: 'sell', qty: '0.001' }, ns(10))).toMatchObject({ status: 'rejected', reason: 'controlPause' });
    oms.risk!.kill('button', 'api', ns(11));
    expect(oms.risk!.mode).toBe('emergency');
    expect(oms.risk!.flattenOrders()).toEqual([expect.objectContaining({ symbol: 'BTC/USDT', side: 'sell', qty: '0.00900' })]);
    expect(() => oms.risk!.reset('wrong-key-000', 'normal', 'op', ns(12))).toThrow(expect.objectContaining({ code: 'ERR_RESET_DENIED' }));
    oms.risk!.reset('reset-key-123', 'normal', 'op', ns(12));
    expect(oms.risk!.transitions().map((x) => x.to)).toEqual(['pause', 'emergency', 'normal']);
    expect(oms.risk!.transitions(2).map((x) => x.to)).toEqual(['normal']);
    expect(oms.risk!.counters().rejected).toMatchObject({ POSITION_LIMIT: 2 });
    expect(oms.risk!.fillErrors()).toBe(0);
  });

  it('restores a working order without sending it; bad input throws with a code and changes nothing', () => {
    const oms = make();
    const id = oms.restoreOrder({ clientId: 'w1', instrument: 0, side: 'sell', qty: '0.003', price: '61000.00' }, '0.001', '61.0000000', ns(2));
    expect(oms.drainCommands()).toEqual([]);
    expect(oms.order(id)).toMatchObject({ status: 'partiallyFilled', filled: '0.00100', avgPrice: '61000.00', leaves: '0.00200' });
    expect(() => oms.restoreOrder({ clientId: 'w1', instrument: 0, side: 'sell', qty: '0.003', price: '61000.00' }, undefined, undefined, ns(3))).toThrow(expect.objectContaining({ code: 'ERR_DUPLICATE_CLIENT_ID' }));
    expect(() => oms.restoreFill(0, 'buy', '60000.001', '0.001', '0', ns(3))).toThrow(expect.objectContaining({ code: 'ERR_TOO_PRECISE' }));
    expect(() => oms.restoreFill(3, 'buy', '60000.00', '0.001', '0', ns(3))).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_INSTRUMENT' }));
    expect(oms.position(0).qty).toBe('0.00000');
    // the built-in gate has no engine; both gates at once is misuse; a bad engine config names the key
    const plain = new Oms();
    expect(plain.risk).toBeNull();
    expect(() => new Oms({ gate: {}, risk: { venues: [{ name: 'x' }], instruments: [] } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => new Oms({ risk: { venues: [{ name: 'x' }], instruments: [], limits: { concentration: -1 } } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }));
  });
});
