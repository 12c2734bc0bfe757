// The CCXT adapter with the real CCXT client against the local fake Binance venue
// (127.0.0.1): markets, orders, idempotent client ids when an answer is lost, error
// classification (HTTP 5xx, garbage, 429, rejections, bad signature), reconnects and order-book
// sequence gaps on the WebSocket streams, credentials only from the environment.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { CcxtVenue, VenueError } from '../src/venues/ccxt.js';
import { FakeBinance } from '../src/venues/fake/binance.js';
import { createLogger } from '../src/runtime/log.js';

const ENV = { TACHYON_API_KEY: 'test-key', TACHYON_API_SECRET: 'test-secret' };
let fake: FakeBinance;

function venueConfig(extra: Record<string, unknown> = {}) {
  return loadConfig({ env: null, object: { venue: { kind: 'ccxt', baseUrl: fake.url, sandbox: true, timeframe: '1s', reconnectMs: [20, 200], rateLimitMs: 0, ...extra } } }).venue;
}

beforeAll(async () => {
  fake = await FakeBinance.start({ tickMs: 40, seed: 3 });
});
afterAll(async () => {
  await fake.stop();
});

describe('CCXT venue against the fake Binance', () => {
  it('loads markets with exact tick, lot and minimum notional', async () => {
    const v = await CcxtVenue.connect({ config: venueConfig() });
    expect(v.instrument('BTC/USDT')).toMatchObject({ id: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5' });
    expect(() => v.instrument('DOGE/USDT')).toThrow(/no spot market DOGE\/USDT/);
    await v.close();
  });

  it('places, queries and cancels orders by client id; fills and balances agree with the venue', async () => {
    const v = await CcxtVenue.connect({ config: venueConfig(), credentials: true, env: ENV });
    const before = fake.balance();
    const r = await v.createOrder('ut-mkt-1', 'BTC/USDT', 'buy', 'market', '0.01', null);
    expect(r.order).toMatchObject({ clientId: 'ut-mkt-1', status: 'filled', filled: '0.01' });
    expect(r.fills).toHaveLength(1);
    const venueFill = fake.myTrades().find((t) => t.clientOrderId === 'ut-mkt-1')!;
    expect(r.fills[0]).toMatchObject({ tradeId: String(venueFill.id), qty: '0.01', price: venueFill.price.replace(/0+$/, '').replace(/\.$/, ''), fee: venueFill.commission.replace(/0+$/, '') });
    const mine = await v.fetchMyTrades('BTC/USDT', 0);
    expect(mine.map((f) => f.tradeId)).toContain(String(venueFill.id));
    const after = await v.fetchBalance();
    expect(Number(after.BTC) - Number(before.BTC)).toBeCloseTo(0.01, 10);

    const far = (Number(r.fills[0]!.price) * 0.5).toFixed(2);
    const lim = await v.createOrder('ut-lim-1', 'BTC/USDT', 'buy', 'limit', '0.001', far);
    expect(lim.order).toMatchObject({ status: 'open', price: far });
    expect((await v.fetchOpenOrders('BTC/USDT')).map((o) => o.clientId)).toContain('ut-lim-1');
    expect((await v.fetchOrderByClientId('ut-lim-1', 'BTC/USDT'))?.status).toBe('open');
    expect(await v.cancelOrder('ut-lim-1', 'BTC/USDT')).toBe(true);
    expect(await v.cancelOrder('ut-lim-1', 'BTC/USDT')).toBe(false); // -2011 Unknown order sent.
    expect(await v.fetchOrderByClientId('never-sent', 'BTC/USDT')).toBeNull(); // -2013
    await v.close();
  });

  it('never sends an order twice when the answer is lost: it asks the venue by client id', async () => {
    const v = await CcxtVenue.connect({ config: venueConfig(), credentials: true, env: ENV });
    fake.inject({ kind: 'drop-response', path: '/api/v3/order', count: 1 });
    const r = await v.createOrder('ut-lost-1', 'BTC/USDT', 'buy', 'market', '0.002', null);
    expect(r.order).toMatchObject({ clientId: 'ut-lost-1', status: 'filled' });
    expect(fake.received.filter((id) => id === 'ut-lost-1')).toHaveLength(1);
    expect(v.stats.errors.NETWORK).toBeGreaterThanOrEqual(1);
    await v.close();
  });

  it('retries transient failures and classifies the rest with stable codes', async () => {
    const v = await CcxtVenue.connect({ config: venueConfig(), credentials: true, env: ENV });
    fake.inject({ kind: 'http-error', status: 503, path: '/api/v3/account', count: 2 });
    expect((await v.fetchBalance()).USDT).toBeDefined();
    fake.inject({ kind: 'garbage', path: '/api/v3/openOrders', count: 1 });
    await v.fetchOpenOrders('BTC/USDT');
    expect(v.stats.errors.BAD_RESPONSE).toBe(1);
    expect(v.stats.retries).toBeGreaterThanOrEqual(3);

    fake.inject({ kind: 'reject-orders', code: -2010, msg: 'Account has insufficient balance for requested action.', count: 1 });
    const e1 = await v.createOrder('ut-poor-1', 'BTC/USDT', 'buy', 'market', '0.01', null).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(VenueError);
    expect((e1 as VenueError).code).toBe('ERR_VENUE');
    expect((e1 as VenueError).venueCode).toBe('INSUFFICIENT_FUNDS');
    expect(fake.received.filter((id) => id === 'ut-poor-1')).toHaveLength(1); // not retried

    const e2 = await v.createOrder('ut-tiny-1', 'BTC/USDT', 'buy', 'market', '0.00001', null).catch((e: unknown) => e);
    expect((e2 as VenueError).venueCode).toBe('INVALID_ORDER'); // -1013 NOTIONAL filter
    const e3 = await v.fetchMyTrades('ETH/USDT').catch((e: unknown) => e);
    expect((e3 as VenueError).venueCode).toBe('BAD_SYMBOL');
    await v.close();

    const bad = await CcxtVenue.connect({ config: venueConfig(), credentials: true, env: { TACHYON_API_KEY: 'test-key', TACHYON_API_SECRET: 'wrong-secret' } });
    const e4 = await bad.fetchBalance().catch((e: unknown) => e);
    expect((e4 as VenueError).venueCode).toBe('AUTH'); // -1022 signature
    expect(String((e4 as Error).message)).not.toMatch(/wrong-secret/);
    await bad.close();
  });

  it('backs off on 429 rate limiting', async () => {
    const f = await FakeBinance.start({ rateLimit: 5 });
    const v = await CcxtVenue.connect({ config: { ...venueConfig(), baseUrl: f.url }, credentials: true, env: ENV });
    const rs = await Promise.all(Array.from({ length: 12 }, () => v.fetchBalance()));
    expect(rs).toHaveLength(12);
    expect(f.stats.rateLimited).toBeGreaterThan(0);
    expect(v.stats.errors.RATE_LIMITED).toBeGreaterThan(0);
    await v.close();
    await f.stop();
  });

  it('reconnects after WebSocket disconnects and resyncs the book after a sequence gap', async () => {
    const v = await CcxtVenue.connect({ config: venueConfig() });
    const ac = new AbortController();
    const bars: number[][] = [];
    const nonces: number[] = [];
    setTimeout(() => fake.inject({ kind: 'depth-gap', count: 1 }), 700);
    setTimeout(() => fake.inject({ kind: 'ws-disconnect', count: 1 }), 1600);
    setTimeout(() => ac.abort(), 4200);
    await Promise.all([v.watchBars('BTC/USDT', '1s', (c) => void bars.push(c), ac.signal), v.watchBook('BTC/USDT', (b) => void nonces.push(b.nonce), ac.signal)]);
    await v.close();
    expect(v.stats.bookGaps).toBeGreaterThanOrEqual(1);
    expect(v.stats.reconnects).toBeGreaterThanOrEqual(2);
    expect(bars.length).toBeGreaterThanOrEqual(2);
    // closed 1 s candles, in order, one per second
    for (let i = 1; i < bars.length; i++) expect(bars[i]![0]! - bars[i - 1]![0]!).toBeGreaterThanOrEqual(1000);
    // books kept coming after the gap and after the disconnect
    expect(nonces.length).toBeGreaterThan(20);
    expect(nonces.slice(-5).every((n, i, a) => i === 0 || n >= a[i - 1]!)).toBe(true);
  });

  it('takes credentials only from the environment and never logs them', async () => {
    await expect(CcxtVenue.connect({ config: venueConfig(), credentials: true, env: {} })).rejects.toMatchObject({
      code: 'ERR_CREDENTIALS',
      message: expect.stringMatching(/TACHYON_API_KEY and TACHYON_API_SECRET/),
    });
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-log-'));
    const file = join(dir, 'log.jsonl');
    const log = createLogger({ file, level: 'debug' });
    log.info({ apiKey: 'test-key', nested: { secret: 'test-secret', headers: { 'X-MBX-APIKEY': 'test-key' } } }, 'request');
    log.flush();
    await new Promise((r) => setTimeout(r, 200));
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/request/);
    expect(text).not.toMatch(/test-key|test-secret/);
  });
});

describe('paper trading on live data', () => {
  it('trades closed candles from the exchange feed against the simulated venue', async () => {
    const { mkdtempSync: mk } = await import('node:fs');
    const { runPaper, openJournal } = await import('../src/index.js');
    const path = join(mk(join(tmpdir(), 'tachyon-paper-ccxt-')), 'j.db');
    const f = await FakeBinance.start({ tickMs: 40, klineMs: 1000, seed: 5 });
    try {
      const config = loadConfig({
        env: null,
        object: { journal: { path }, venue: { kind: 'ccxt', baseUrl: f.url, timeframe: '1s', reconnectMs: [50, 500], rateLimitMs: 0 }, server: { enabled: false } },
      });
      let bars = 0;
      let n = 0;
      const r = await runPaper({
        config,
        out: null,
        durationSec: 4.5,
        strategy: {
          name: 'flip',
          onBar(bar, ctx) {
            bars++;
            expect(bar.ts % 1000).toBe(0); // closed 1 s candles
            ctx.targetPosition(bar.symbol, ++n % 2 ? 0.001 : 0);
          },
        },
      });
      expect(bars).toBeGreaterThanOrEqual(2);
      expect(r.fills).toBeGreaterThanOrEqual(1);
      expect(f.received).toEqual([]); // paper: no order reaches the exchange
      const j = await openJournal({ path });
      try {
        expect((await j.fills()).every((x) => x.venue === 'sim')).toBe(true);
        expect((await j.verifyAudit()).ok).toBe(true);
      } finally {
        await j.close();
      }
    } finally {
      await f.stop();
    }
  });
});

describe('tachyon data fetch', () => {
  it('downloads candles through CCXT page by page into a CSV the loader reads back', async () => {
    const { mkdtempSync: mk } = await import('node:fs');
    const { fetchOhlcv } = await import('../src/data/fetch.js');
    const { loadCsv } = await import('../src/index.js');
    const f = await FakeBinance.start({ klineMs: 1000 });
    try {
      const out = join(mk(join(tmpdir(), 'tachyon-fetch-')), 'btc.csv');
      const venue = loadConfig({ env: null, object: { venue: { kind: 'ccxt', baseUrl: f.url, timeframe: '1s', rateLimitMs: 0 } } }).venue;
      const now = Date.now();
      const r = await fetchOhlcv({ venue, symbol: 'BTC/USDT', since: now - 450_000, until: now - 5_000, limit: 100, out });
      expect(r.rows).toBeGreaterThan(400);
      expect(r.requests).toBeGreaterThanOrEqual(5); // paginated by 100
      const d = loadCsv({ path: out, format: 'ohlcv', instruments: [{ symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' }] });
      expect(d.report).toMatchObject({ accepted: r.rows, badTotal: 0 });
      await expect(fetchOhlcv({ venue, symbol: 'BTC/USDT', since: 'yesterday-ish', out })).rejects.toThrow(/--since yesterday-ish is not a date/);
    } finally {
      await f.stop();
    }
  });
});
