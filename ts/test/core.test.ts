import { describe, expect, it } from 'vitest';
import { Instrument, LatencyHistogram, MonotonicClock, Notional, Price, Quantity, SimClock, nowNs, isTachyonError } from '../src/index.js';

/** Asserts `f` throws an Error carrying `code`, and returns its message. */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isTachyonError(e)).toBe(true);
    return (e as { code: string }).code;
  }
  throw new Error('expected a throw');
}

const spec = { symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.00001', minQty: '0.0001', maxQty: '100', minNotional: '5' };

describe('fixed point', () => {
  it('parses, formats and does exact arithmetic', () => {
    const a = Price.parse('100.25', 2);
    const b = Price.parse('0.75', 2);
    expect(a.add(b).toString()).toBe('101.00');
    expect(b.sub(a).toString()).toBe('-99.50');
    expect(a.mantissa).toBe(10025n);
    expect(a.scale).toBe(2);
    const q = Quantity.parse('0.003', 3);
    const n = a.mulQty(q);
    expect(n.toString()).toBe('0.30075');
    expect(n.scale).toBe(5);
    expect(JSON.stringify({ px: a })).toBe('{"px":"100.25"}');
    expect(Price.fromMantissa(-5n, 3).toString()).toBe('-0.005');
    expect(Price.fromNumber(0.1, 2).toString()).toBe('0.10');
    expect(Price.parse('1.00', 2).equals(Price.parse('1.0', 1))).toBe(true);
    expect(Price.parse('1.01', 2).cmp(Price.parse('1.1', 1))).toBe(-1);
    expect(Notional.parse('100.000', 3).divQty(Quantity.parse('3', 0), 2, 'halfEven').toString()).toBe('33.33');
  });

  it('agrees with BigInt arithmetic on random values', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (let i = 0; i < 2000; i++) {
      const ma = BigInt(Math.trunc(rnd() * 1e15));
      const mb = BigInt(Math.trunc(rnd() * 1e15));
      const s = i % 9;
      const a = Price.fromMantissa(ma, s);
      const b = Price.fromMantissa(mb, s);
      expect(a.add(b).mantissa).toBe(ma + mb);
      expect(a.sub(b).mantissa).toBe(ma - mb);
      const q = Quantity.fromMantissa(mb % 1_000_000n, 3);
      const prod = ma * (mb % 1_000_000n);
      if (prod <= 2n ** 63n - 1n && prod >= -(2n ** 63n)) expect(a.mulQty(q).mantissa).toBe(prod);
      else expect(codeOf(() => a.mulQty(q))).toBe('ERR_OVERFLOW');
    }
  });

  it('refuses bad input with typed errors', () => {
    expect(codeOf(() => Price.fromNumber(Number.NaN, 2))).toBe('ERR_NOT_FINITE');
    expect(codeOf(() => Price.fromNumber(Number.POSITIVE_INFINITY, 2))).toBe('ERR_NOT_FINITE');
    expect(codeOf(() => Price.parse('1.234', 2))).toBe('ERR_TOO_PRECISE');
    expect(codeOf(() => Price.parse('12abc', 2))).toBe('ERR_PARSE');
    expect(codeOf(() => Price.parse('1', 19))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => Price.parse('1.5', 1).add(Price.parse('1.50', 2)))).toBe('ERR_SCALE_MISMATCH');
    expect(codeOf(() => Price.fromMantissa(2n ** 63n - 1n, 0).add(Price.fromMantissa(1n, 0)))).toBe('ERR_OVERFLOW');
    expect(codeOf(() => Price.fromMantissa(2n ** 64n, 0))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => Price.fromMantissa(0.5, 2))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => Price.parse('1.2345', 4).rescale(2))).toBe('ERR_INEXACT');
    expect(Price.parse('1.2345', 4).rescale(2, 'halfEven').toString()).toBe('1.23');
  });
});

describe('Instrument', () => {
  const btc = new Instrument(spec);

  it('derives scales and round-trips its spec', () => {
    expect([btc.priceScale, btc.qtyScale]).toEqual([2, 5]);
    expect(btc.tickSize.toString()).toBe('0.01');
    expect(new Instrument(btc.toJSON()).toJSON()).toEqual(btc.toJSON());
  });

  it('accepts a valid order and reports its notional', () => {
    expect(btc.checkOrder(btc.price('65000.10'), btc.qty('0.002'))).toEqual({ ok: true, notional: '130.0002000' });
  });

  it('returns a typed reason for each broken rule', () => {
    const chk = (p: Price, q: Quantity) => btc.checkOrder(p, q).code;
    expect(chk(Price.parse('65000.1', 1), btc.qty('0.001'))).toBe('WRONG_SCALE');
    expect(chk(btc.price('65000.10'), Quantity.parse('0.001', 3))).toBe('WRONG_SCALE');
    expect(chk(btc.price('0'), btc.qty('0.001'))).toBe('NON_POSITIVE_PRICE');
    expect(chk(btc.price('65000.10'), btc.qty('0'))).toBe('NON_POSITIVE_QUANTITY');
    expect(chk(btc.price('65000.10'), btc.qty('-0.001'))).toBe('NON_POSITIVE_QUANTITY');
    expect(chk(btc.price('65000.10'), btc.qty('0.00005'))).toBe('BELOW_MIN_QUANTITY');
    expect(chk(btc.price('65000.10'), btc.qty('101'))).toBe('ABOVE_MAX_QUANTITY');
    expect(chk(btc.price('10.00'), btc.qty('0.0001'))).toBe('BELOW_MIN_NOTIONAL');
    const coarse = new Instrument({ symbol: 'X', tickSize: '0.05', lotSize: '0.1' });
    const r = coarse.checkOrder(coarse.price('1.02'), coarse.qty('1'));
    expect(r).toEqual({ ok: false, code: 'OFF_TICK', message: 'price 1.02 is not a multiple of the tick size 0.05' });
    expect(coarse.roundPrice(coarse.price('1.02'), 'halfEven').toString()).toBe('1.00');
    expect(codeOf(() => coarse.roundPrice(coarse.price('1.02')))).toBe('ERR_INEXACT');
  });

  it('converts numbers exactly or refuses', () => {
    expect(btc.price(65000.1).toString()).toBe('65000.10');
    expect(codeOf(() => btc.price(65000.105))).toBe('ERR_TOO_PRECISE');
    expect(btc.price(65000.105, 'halfEven').toString()).toBe('65000.10');
    expect(codeOf(() => btc.qty(Number.NaN))).toBe('ERR_NOT_FINITE');
  });

  it('names the bad field of an invalid spec', () => {
    const bad = (over: Partial<typeof spec>) => {
      try {
        new Instrument({ ...spec, ...over });
      } catch (e) {
        return `${(e as { code: string }).code}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(bad({ tickSize: '0' })).toMatch(/^ERR_INVALID_INSTRUMENT: .*`tickSize`/);
    expect(bad({ lotSize: 'abc' })).toMatch(/`lotSize`/);
    expect(bad({ minQty: '0.000001' })).toMatch(/`minQty`/);
    expect(bad({ maxQty: '0.00001' })).toMatch(/`maxQty`/);
    expect(bad({ minNotional: '-1' })).toMatch(/`minNotional`/);
  });
});

describe('clocks and histograms', () => {
  it('monotonic clock is near wall time and never decreases', () => {
    const c = new MonotonicClock();
    let last = c.now();
    expect(Number(last / 1_000_000n) - Date.now()).toBeLessThan(1000);
    for (let i = 0; i < 1000; i++) {
      const n = c.now();
      expect(n >= last).toBe(true);
      last = n;
    }
    expect(nowNs() > 0n).toBe(true);
  });

  it('sim clock moves only forward', () => {
    const c = new SimClock(100n);
    expect(c.advance(50)).toBe(150n);
    c.set(200n);
    expect(codeOf(() => c.set(199n))).toBe('ERR_CLOCK_BACKWARDS');
    expect(codeOf(() => c.advance(-1))).toBe('ERR_CLOCK_BACKWARDS');
    expect(c.now()).toBe(200n);
  });

  it('latency histogram percentiles and bad samples', () => {
    const h = new LatencyHistogram();
    h.recordMany(Float64Array.from({ length: 10_000 }, (_, i) => i + 1));
    const s = h.summary();
    expect(s.count).toBe(10_000);
    expect(Math.abs(s.p50 - 5000)).toBeLessThanOrEqual(6);
    expect(Math.abs(s.p99 - 9900)).toBeLessThanOrEqual(11);
    expect(Math.abs(s.p999 - 9990)).toBeLessThanOrEqual(11);
    expect(codeOf(() => h.record(Number.NaN))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => h.record(-1))).toBe('ERR_INVALID_ARG');
    expect(codeOf(() => h.recordMany(new Float64Array([1, 2, Infinity])))).toBe('ERR_INVALID_ARG');
    expect(h.count).toBe(10_000); // nothing recorded from the bad batch
  });
});
