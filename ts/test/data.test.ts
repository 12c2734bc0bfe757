// Market data import: CSV (with headers, headerless Binance layouts, ISO / epoch times), Parquet
// written by pyarrow, and bad input — every kind of bad row counted with its line, skipped or
// stopping with a clear message; nothing bad reaches the replay.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMantissa, loadCsv, loadMarketData, parseMantissa, parseTimestampUs, RecordKind, RecordView } from '../src/index.js';

const INST = [
  { symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' },
  { symbol: 'ETH/USDT', tickSize: '0.01', lotSize: '0.0001' },
];
const dir = mkdtempSync(join(tmpdir(), 'tachyon-data-'));
const csv = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const fixture = (n: string) => new URL(`./fixtures/data/${n}`, import.meta.url).pathname;

describe('decimal and time parsing', () => {
  it('parses decimals exactly, rounding extra digits half to even', () => {
    expect(parseMantissa('65000.10', 2)).toMatchObject({ m: 6500010, rounded: false });
    expect({ ...parseMantissa('0.30000000000000004', 5) }).toEqual({ m: 30000, rounded: true });
    expect({ ...parseMantissa('1.005', 2) }).toEqual({ m: 100, rounded: true }); // tie → even
    expect({ ...parseMantissa('1.015', 2) }).toEqual({ m: 102, rounded: true });
    expect(parseMantissa('1e-5', 5).m).toBe(1);
    expect(parseMantissa('-2.5', 1).m).toBe(-25);
    for (const bad of ['', 'NaN', 'inf', '1,5', '1.2.3', '99999999999999999999']) expect(parseMantissa(bad, 2).m).toBeNaN();
    expect(formatMantissa(-5, 3)).toBe('-0.005');
    expect(formatMantissa(6500010, 2)).toBe('65000.10');
  });

  it('tells s, ms, µs and ns epochs and ISO text apart', () => {
    const us = Date.UTC(2024, 0, 1) * 1000;
    for (const t of ['1704067200', '1704067200000', '1704067200000000', '1704067200000000000', '2024-01-01T00:00:00Z', '2024-01-01 00:00:00', '2024-01-01'])
      expect(parseTimestampUs(t), t).toBe(us);
    expect(parseTimestampUs('2024-01-01T00:00:00.123456Z')).toBe(us + 123456);
    expect(parseTimestampUs('1704067200.5')).toBe(us + 500000);
    expect(parseTimestampUs('yesterday')).toBeNaN();
  });
});

describe('CSV import', () => {
  it('loads bars exactly and writes them as replay records', () => {
    const d = loadCsv({ path: fixture('bars-small.csv'), format: 'ohlcv', instruments: INST });
    expect(d.count).toBe(4);
    expect(d.report).toMatchObject({ rows: 4, accepted: 4, badTotal: 0, rounded: 0, unknownColumns: [] });
    const v = new RecordView(d.records);
    expect([v.kind(0), v.a(0), v.b(0), v.c(0), v.d(0), v.e(0)]).toEqual([RecordKind.Bar, 4200000, 4201050, 4199000, 4200525, 150000]);
    expect(v.tsNs(1)).toBe(BigInt(Date.UTC(2024, 0, 1, 0, 1)) * 1_000_000n);
  });

  it('counts every kind of bad row with its line and skips it', () => {
    const p = csv(
      'bad.csv',
      [
        'timestamp,open,high,low,close,volume,symbol,exchange,mood',
        '2024-01-01T00:00:00Z,100,101,99,100.5,1,BTC/USDT,x,happy',
        '2024-01-01T00:01:00Z,100,101,99',
        '2024-01-01T00:02:00Z,abc,101,99,100,1,BTC/USDT,x,y',
        '2024-01-01T00:03:00Z,NaN,101,99,100,1,BTC/USDT,x,y',
        'not a time,100,101,99,100,1,BTC/USDT,x,y',
        '2024-01-01T00:04:00Z,-100,101,99,100,1,BTC/USDT,x,y',
        '2024-01-01T00:05:00Z,100,101,99,100,-1,BTC/USDT,x,y',
        '2024-01-01T00:06:00Z,100,99,101,100,1,BTC/USDT,x,y',
        '2023-12-31T00:00:00Z,100,101,99,100,1,BTC/USDT,x,y',
        '2024-01-01T00:07:00Z,100,101,99,100,1,DOGE/USDT,x,y',
        '2024-01-01T00:08:00Z,100,101,99,100,,BTC/USDT,x,y',
        '2024-01-01T00:09:00Z,100.004,101,99,100,1,ETH/USDT,x,y',
        '',
      ].join('\n'),
    );
    const d = loadCsv({ path: p, format: 'ohlcv', instruments: INST });
    expect(d.count).toBe(2);
    expect(d.report.bad).toEqual({
      MALFORMED_ROW: 1,
      NOT_A_NUMBER: 2,
      BAD_TIMESTAMP: 1,
      NON_POSITIVE_PRICE: 1,
      NEGATIVE_QUANTITY: 1,
      INCONSISTENT_BAR: 1,
      NON_MONOTONIC_TIME: 1,
      UNKNOWN_SYMBOL: 1,
      MISSING_FIELD: 1,
    });
    expect(d.report.rounded).toBe(1); // 100.004 on the 0.01 grid
    expect(d.report.unknownColumns).toEqual(['mood']); // "exchange" is known and unused
    expect(d.report.issues.map((i) => i.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(d.report.issues[1]).toMatchObject({ code: 'NOT_A_NUMBER', message: 'open is not a number ("abc")' });
    expect(d.report.issues[7]!.message).toMatch(/earlier than the previous row's/);
    const v = new RecordView(d.records);
    expect([v.instrument(0), v.instrument(1)]).toEqual([0, 1]);
  });

  it('stops at the first bad row when asked, naming the file, line and fix', () => {
    const p = csv('stop.csv', 'timestamp,open,high,low,close,volume\n2024-01-01,1,2,0.5,1,1\n2024-01-02,1,2,0.5,oops,1\n');
    expect(() => loadCsv({ path: p, instruments: INST, onBadRow: 'stop' })).toThrow(/stop\.csv line 3: close is not a number \("oops"\) \[NOT_A_NUMBER\].*data\.onBadRow: skip/);
    expect(() => loadCsv({ path: p, instruments: INST, onUnknownColumn: 'stop', onBadRow: 'stop' })).toThrow(/line 3/);
    const u = csv('unknown.csv', 'timestamp,open,high,low,close,volume,color\n2024-01-01,1,2,0.5,1,1,red\n');
    expect(() => loadCsv({ path: u, instruments: INST, onUnknownColumn: 'stop' })).toThrow(/unknown column "color".*data\.onUnknownColumn: ignore/);
    const many = csv('many.csv', `timestamp,open,high,low,close,volume\n${Array.from({ length: 20 }, (_, i) => `2024-01-0${(i % 9) + 1},x,2,1,1,1`).join('\n')}\n`);
    expect(() => loadCsv({ path: many, instruments: INST, maxBadRows: 5 })).toThrow(/more than 5 bad rows.*probably not ohlcv data/);
    expect(() => loadCsv({ path: csv('nohdr.csv', 'a,b\n'), format: 'ohlcv', instruments: INST })).toThrow(/needs columns "timestamp", "open"/);
    expect(() => loadCsv({ path: join(dir, 'nope.csv'), instruments: INST })).toThrow(/cannot read data file/);
    expect(() => loadCsv({ path: csv('empty.csv', '\n\n'), instruments: INST })).toThrow(/is empty/);
  });

  it('reads headerless Binance klines and trades, and Tardis-style L2 updates', () => {
    const k = csv('klines.csv', '1704067200000,42000.01,42010.00,41990.00,42005.00,1.23400000,1704067259999,51800.1,120,0.6,25000,0\n1704067260000,42005.00,42006.00,42001.00,42002.00,0.5,1704067319999,0,1,0,0,0\n');
    const kd = loadCsv({ path: k, format: 'ohlcv', instruments: INST });
    expect(kd.count).toBe(2);
    expect(new RecordView(kd.records).a(0)).toBe(4200001);
    const t = csv('trades.csv', '101,42000.5,0.01,420.005,1704067200123,true,true\n102,42001,0.02,840.02,1704067200456,false,true\n');
    const td = loadCsv({ path: t, format: 'trades', instruments: INST });
    const tv = new RecordView(td.records);
    expect([tv.kind(0), tv.a(0), tv.b(0), tv.side(0), tv.side(1), tv.c(1)]).toEqual([RecordKind.Trade, 4200050, 1000, 2, 1, 102]);
    const l = csv(
      'l2.csv',
      'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n' +
        'binance,BTCUSDT,1704067200000000,1704067200000100,true,bid,42000,1.5\n' +
        'binance,BTCUSDT,1704067200000000,1704067200000100,true,ask,42001,2\n' +
        'binance,BTCUSDT,1704067200100000,1704067200100100,false,bid,42000,0\n' +
        'binance,BTCUSDT,1704067200200000,1704067200200100,false,sell,42002,0.5\n',
    );
    const ld = loadCsv({ path: l, format: 'l2', instruments: INST });
    const lv = new RecordView(ld.records);
    expect(Array.from({ length: lv.length }, (_, i) => lv.kind(i))).toEqual([RecordKind.BookClear, RecordKind.Bid, RecordKind.Ask, RecordKind.Bid, RecordKind.Ask]);
    expect(lv.b(3)).toBe(0); // a deletion
  });
});

describe('Parquet import', () => {
  it('reads a pyarrow-written file into the same records as the CSV', async () => {
    const pq = await loadMarketData({ path: fixture('bars-small.parquet'), format: 'ohlcv', instruments: INST });
    const cv = loadCsv({ path: fixture('bars-small.csv'), format: 'ohlcv', instruments: INST });
    expect(pq.report).toMatchObject({ rows: 4, accepted: 4, badTotal: 0 });
    const a = new RecordView(pq.records);
    const b = new RecordView(cv.records);
    for (let i = 0; i < 4; i++) for (const f of ['a', 'b', 'c', 'd', 'e', 'instrument'] as const) expect(a[f](i), `${f}[${i}]`).toBe(b[f](i));
    for (let i = 0; i < 4; i++) expect(a.tsNs(i)).toBe(b.tsNs(i));
    await expect(loadMarketData({ path: fixture('bars-small.csv').replace('.csv', '-missing.parquet'), instruments: INST })).rejects.toThrow(/cannot read Parquet file/);
  });
});

describe('synthetic markets', () => {
  it('generates valid, seeded bars from every process of the stats crate', async () => {
    const { syntheticData, SyntheticMarket } = await import('../src/index.js');
    for (const model of ['gbm', 'merton', 'heston', 'ou'] as const) {
      const a = syntheticData(3000, { seed: 9, model, sigma: 0.8 });
      const b = syntheticData(3000, { seed: 9, model, sigma: 0.8 });
      const c = syntheticData(3000, { seed: 10, model, sigma: 0.8 });
      expect(a.records, model).toEqual(b.records);
      expect(a.records, model).not.toEqual(c.records);
      const v = new RecordView(a.records);
      for (let i = 0; i < v.length; i++) {
        const [o, h, l, cl] = [v.a(i), v.b(i), v.c(i), v.d(i)];
        expect(l > 0 && l <= Math.min(o, cl) && h >= Math.max(o, cl), `${model} bar ${i}`).toBe(true);
      }
    }
    // a stream continues where it left off: 2 × 500 bars = 1000 bars at once
    const one = new SyntheticMarket({ seed: 3 });
    const joined = new Uint8Array([...one.next(500), ...one.next(500)]);
    expect(joined).toEqual(new SyntheticMarket({ seed: 3 }).next(1000));
    expect(() => new SyntheticMarket({ seed: 3, model: 'heston', rho: 2 })).toThrow(/rho/);
  });
});
