import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BinanceDepthBook, Instrument, OrderBook, levels } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'crates', 'book', 'tests', 'fixtures', 'binance');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

const btc = () => new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.001' });

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('OrderBook', () => {
  it('runs the documented example', () => {
    const i = btc();
    const book = new OrderBook(i);
    expect(book.status).toBe('awaitingSnapshot');
    expect(book.bestBid()).toBeNull();
    book.loadSnapshot(100, levels(i, [['65000.00', '1.5']]), levels(i, [['65000.10', '0.2']]));
    expect(book.applyDelta(101, 101, levels(i, [['65000.05', '0.3']]), new Float64Array())).toBe('applied');
    expect(book.bestBid()).toEqual({ price: '65000.05', qty: '0.300', priceMantissa: 6500005, qtyMantissa: 300 });
    expect(book.spread()).toBe('0.05');
    expect(book.mid()).toBe('65000.075');
    expect(book.imbalance(5)).toBeCloseTo(0.8, 12);
    // microprice = (65000.05·0.2 + 65000.10·0.3) / 0.5 = 65000.08
    expect(book.microprice()).toBeCloseTo(65000.08, 8);
    expect(Array.from(book.depth('bid', 5))).toEqual([6500005, 300, 6500000, 1500]);
  });

  it('turns a gap into a resync request and never reads a stale book', () => {
    const i = btc();
    const book = new OrderBook(i);
    book.loadSnapshot(10, levels(i, [['100', '1']]), levels(i, [['101', '1']]));
    expect(book.applyDelta(5, 10, levels(i, [['100', '9']]), new Float64Array())).toBe('stale');
    expect(codeOf(() => book.applyDelta(12, 12, levels(i, [['100', '2']]), new Float64Array()))).toBe('ERR_SEQUENCE_GAP');
    expect(book.status).toBe('needsResync');
    expect(book.bestBid()).toBeNull();
    expect(book.stats().rejected).toEqual({ ERR_SEQUENCE_GAP: 1 });
    book.loadSnapshot(20, levels(i, [['100', '3']]), levels(i, [['101', '1']]));
    expect(book.status).toBe('live');
  });

  it('refuses bad levels with a typed error, counts them and changes nothing', () => {
    const i = new Instrument({ symbol: 'X', tickSize: '0.05', lotSize: '0.01' });
    const book = new OrderBook(i);
    book.loadSnapshot(1, levels(i, [['10.00', '1']]), levels(i, [['10.05', '1']]));
    const before = [book.bestBid(), book.bestAsk(), book.updateId];
    const cases: Array<[Float64Array, string]> = [
      [new Float64Array([1001, 100]), 'ERR_OFF_TICK'],
      [new Float64Array([0, 100]), 'ERR_NON_POSITIVE_PRICE'],
      [new Float64Array([995, -100]), 'ERR_NEGATIVE_QUANTITY'],
      [new Float64Array([995]), 'ERR_INVALID_ARG'],
      [new Float64Array([995.5, 100]), 'ERR_INVALID_ARG'],
    ];
    for (const [bids, code] of cases) {
      expect(codeOf(() => book.applyDelta(2, 2, bids, new Float64Array()))).toBe(code);
      expect([book.bestBid(), book.bestAsk(), book.updateId]).toEqual(before);
    }
    expect(book.stats().rejectedTotal).toBe(3);
    expect(codeOf(() => levels(i, [['10.001', '1']]))).toBe('ERR_TOO_PRECISE');
  });

  it('detects crossed and locked books and applies level batches', () => {
    const i = btc();
    const book = new OrderBook(i);
    book.loadSnapshot(0, new Float64Array(), new Float64Array());
    // [side, price, qty, seq]: bid 100.00, ask 100.02, then a bid at the ask (locked), then above (crossed)
    const r = book.applyLevels(new Float64Array([0, 10000, 1000, 1, 1, 10002, 1000, 2, 0, 10002, 500, 3]));
    expect(r).toEqual({ applied: 3, stale: 0 });
    expect(book.crossState).toBe('locked');
    book.applyLevels(new Float64Array([0, 10003, 500, 4]));
    expect(book.crossState).toBe('crossed');
    expect(book.stats().locked).toBe(1);
    expect(book.stats().crossed).toBe(1);
    expect(codeOf(() => book.applyLevels(new Float64Array([0, 10000, 1, 9])))).toBe('ERR_SEQUENCE_GAP');
  });
});

describe('BinanceDepthBook', () => {
  it('parses the docs examples exactly and syncs spot by the documented procedure', () => {
    const bnb = new Instrument({ symbol: 'BNBBTC', tickSize: '0.000001', lotSize: '1' });
    const depth = new BinanceDepthBook(bnb, { market: 'spot', symbol: 'bnbbtc' });
    const ev = (U: number, u: number, bid: string) =>
      JSON.stringify({ e: 'depthUpdate', E: 1, s: 'BNBBTC', U, u, b: [[bid, '5']], a: [] });
    expect(depth.onDepthMessage(ev(1027000, 1027024, '3.99'))).toBe('buffered');
    expect(depth.onDepthMessage(ev(1027025, 1027026, '4.000001'))).toBe('buffered');
    expect(depth.needsSnapshot).toBe(true);
    // lastUpdateId 1027024 → the first event is dropped, the second straddles 1027025.
    expect(depth.onSnapshot(fixture('spot_depth_snapshot.json'))).toBe(1);
    expect(depth.syncState).toBe('live');
    expect(depth.bestBid()?.price).toBe('4.000001');
    expect(depth.bestAsk()).toEqual({ price: '4.000002', qty: '12', priceMantissa: 4000002, qtyMantissa: 12 });
    expect(depth.onDepthMessage(ev(1027027, 1027027, '3.5'))).toBe('applied');
    expect(codeOf(() => depth.onDepthMessage(ev(1027029, 1027030, '3.5')))).toBe('ERR_SEQUENCE_GAP');
    expect(depth.needsSnapshot).toBe(true);
    expect(depth.bestBid()).toBeNull();
    expect(depth.resyncs).toBe(1);
  });

  it('syncs futures with pu chaining from the docs example', () => {
    const i = new Instrument({ symbol: 'BTCUSDT', tickSize: '0.0001', lotSize: '1' });
    const depth = new BinanceDepthBook(i, { market: 'futures', symbol: 'BTCUSDT' });
    const docEvent = fixture('futures_depth_update.json'); // U 157, u 160, pu 149
    expect(depth.onDepthMessage(docEvent)).toBe('buffered');
    const snapshot = JSON.stringify({ lastUpdateId: 158, bids: [['0.0020', '1']], asks: [['0.0030', '1']] });
    expect(depth.onSnapshot(snapshot)).toBe(1); // U 157 <= 158 <= u 160
    expect(depth.bestBid()?.price).toBe('0.0024');
    expect(depth.bestAsk()?.price).toBe('0.0026');
    const next = JSON.stringify({ e: 'depthUpdate', E: 2, T: 2, s: 'BTCUSDT', U: 161, u: 165, pu: 160, b: [], a: [['0.0026', '0']] });
    expect(depth.onDepthMessage(next)).toBe('applied');
    expect(depth.bestAsk()?.price).toBe('0.0030');
  });

  it('refuses malformed, foreign and too-precise messages, counted', () => {
    const i = btc();
    const depth = new BinanceDepthBook(i, { market: 'spot', symbol: 'BTCUSDT' });
    expect(codeOf(() => depth.onDepthMessage('{'))).toBe('ERR_MALFORMED_MESSAGE');
    expect(codeOf(() => depth.onDepthMessage(fixture('spot_depth_update.json')))).toBe('ERR_UNKNOWN_SYMBOL');
    const fine = JSON.stringify({ e: 'depthUpdate', E: 1, s: 'BTCUSDT', U: 1, u: 1, b: [['100.001', '1']], a: [] });
    expect(codeOf(() => depth.onDepthMessage(fine))).toBe('ERR_TOO_PRECISE');
    expect(codeOf(() => depth.onSnapshot(fixture('spot_depth_snapshot.json')))).toBe('ERR_TOO_PRECISE');
    expect(depth.stats().rejectedTotal).toBe(4);
    expect(depth.buffered).toBe(0);
    expect(codeOf(() => new BinanceDepthBook(i, { market: 'spot', symbol: ' ' }))).toBe('ERR_INVALID_ARG');
  });
});
