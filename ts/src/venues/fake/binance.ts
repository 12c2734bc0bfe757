/**
 * A local fake of the subset of Binance's Spot API that Tachyon uses, for tests and offline
 * demos: it speaks the documented public formats (REST `/api/v3/*` JSON, WebSocket market
 * streams), so the real CCXT client talks to it unchanged when pointed at `http://127.0.0.1:<port>`.
 *
 * REST: `ping`, `time`, `exchangeInfo`, `depth`, `klines`, `trades`, `ticker/price`; signed
 * (HMAC-SHA256, `X-MBX-APIKEY`, `timestamp`/`recvWindow`): `order` (POST/GET/DELETE),
 * `openOrders`, `allOrders`, `myTrades`, `account`. Errors use Binance's shape and codes
 * (`{"code":-1121,"msg":"Invalid symbol."}`, −1003 with HTTP 429, −1021, −1022, −1100,
 * −1013, −2010, −2011, −2013, −2014/−2015).
 *
 * WebSocket: `/ws/*` accepts `{"method":"SUBSCRIBE","params":["btcusdt@depth@100ms", …],"id":n}`
 * and streams `depthUpdate` (with `U`/`u` update ids), `trade` and `kline` events.
 *
 * Market: a seeded random walk on the tick grid with a ladder of levels around it, updated
 * every `tickMs`. Orders: market orders fill at once against the ladder's best price; limit
 * orders fill at once if marketable, else rest and fill at their price when the market
 * crosses them. Commission `feeBps` in the quote asset. Client order ids must be unique among
 * open orders (−2010 "Duplicate order sent."), and every `newClientOrderId` received is kept
 * in {@link FakeBinance.received} so tests can prove an order was never sent twice.
 *
 * Faults for tests ({@link FakeBinance.inject}): HTTP errors, garbage bodies, rate limiting,
 * dropped responses (the order is placed but the client never hears back), WebSocket
 * disconnects and gaps in the depth update ids.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeBinanceOptions {
  port?: number;
  seed?: number;
  /** Market update period (ms). Default 50. */
  tickMs?: number;
  /** Starting price. Default 65000. */
  price?: number;
  /** Per-tick volatility as a fraction of price. Default 0.0004. */
  vol?: number;
  /** API keys → secrets. Default one pair: `test-key` / `test-secret`. */
  keys?: Record<string, string>;
  /** Starting balances. Default 100000 USDT, 1 BTC. */
  balances?: Record<string, string>;
  /** Commission in basis points of notional, in the quote asset. Default 10. */
  feeBps?: number;
  /** Requests per second per client before −1003/429. Default 1000. */
  rateLimit?: number;
  /** Kline interval streamed and served (ms). Default 1000 ("1s"). */
  klineMs?: number;
}

type Fault =
  | { kind: 'http-error'; status: number; code?: number; msg?: string; path?: string; count: number }
  | { kind: 'garbage'; path?: string; count: number }
  | { kind: 'drop-response'; path?: string; count: number }
  | { kind: 'ws-disconnect'; count: number }
  | { kind: 'depth-gap'; count: number }
  | { kind: 'reject-orders'; code: number; msg: string; count: number };

interface Order {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT';
  timeInForce: string;
  price: number; // ticks
  origQty: number; // lots
  executedQty: number; // lots
  quote: number; // Σ price × qty in price-ticks × lots
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';
  time: number;
  updateTime: number;
  key: string;
}

interface MyTrade {
  id: number;
  orderId: number;
  symbol: string;
  price: number;
  qty: number;
  commission: number; // quote, in 1e-8 units
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  key: string;
}

const SYMBOL = 'BTCUSDT';
const TICK = 0.01; // price = ticks × TICK
const LOT = 0.00001; // qty = lots × LOT
const PS = 2;
const QS = 5;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const px = (ticks: number) => (ticks / 100).toFixed(8);
const qty = (lots: number) => (lots / 100000).toFixed(8);

/** Decimal text → integer units at `scale`, or NaN (exact; no floats). */
function units(text: string | undefined, scale: number): number {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return Number.NaN;
  const [i, f = ''] = text.split('.') as [string, string?];
  if (f.slice(scale).replace(/0/g, '') !== '') return Number.NaN;
  return Number(i) * 10 ** scale + Number((f + '0'.repeat(scale)).slice(0, scale));
}

export class FakeBinance {
  readonly received: string[] = [];
  readonly stats = { requests: 0, signed: 0, orders: 0, fills: 0, rejected: 0, rateLimited: 0, wsConnections: 0, wsDisconnects: 0, faults: 0 };
  private server!: Server;
  private wss!: WebSocketServer;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Map<WebSocket, Set<string>>();
  private readonly faults: Fault[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly rnd: () => number;
  private mid: number; // ticks
  private updateId = 1000;
  private readonly bids = new Map<number, number>(); // ticks → lots
  private readonly asks = new Map<number, number>();
  private nextOrderId = 1;
  private nextTradeId = 1;
  private nextMarketTradeId = 1;
  private readonly orders = new Map<number, Order>();
  private readonly trades: MyTrade[] = [];
  private readonly balances = new Map<string, Map<string, number>>(); // key → asset → 1e-8 units
  private readonly keys: Record<string, string>;
  private readonly feeBps: number;
  private readonly rate: number;
  private readonly window = new Map<string, number[]>();
  private klines: { t: number; o: number; h: number; l: number; c: number; v: number; n: number }[] = [];
  private readonly klineMs: number;
  private readonly vol: number;
  port = 0;

  private constructor(private readonly o: FakeBinanceOptions) {
    this.rnd = mulberry32(o.seed ?? 1);
    this.mid = Math.round((o.price ?? 65000) / TICK);
    this.keys = o.keys ?? { 'test-key': 'test-secret' };
    this.feeBps = o.feeBps ?? 10;
    this.rate = o.rateLimit ?? 1000;
    this.klineMs = o.klineMs ?? 1000;
    this.vol = o.vol ?? 0.0004;
    const start = o.balances ?? { USDT: '100000', BTC: '1' };
    for (const k of Object.keys(this.keys)) {
      const m = new Map<string, number>();
      for (const [a, v] of Object.entries(start)) m.set(a, units(v, 8));
      this.balances.set(k, m);
    }
    this.rebuildBook();
    const now = Date.now();
    // a history of klines for fetchOHLCV
    const t0 = Math.floor(now / this.klineMs) * this.klineMs - 500 * this.klineMs;
    let p = this.mid;
    for (let i = 0; i < 500; i++) {
      const o2 = p;
      let h = p;
      let l = p;
      for (let k = 0; k < 4; k++) {
        p = Math.max(1, Math.round(p * (1 + (this.rnd() - 0.5) * 2 * this.vol)));
        h = Math.max(h, p);
        l = Math.min(l, p);
      }
      this.klines.push({ t: t0 + i * this.klineMs, o: o2, h, l, c: p, v: Math.floor(this.rnd() * 50000) + 1000, n: 4 });
    }
    this.mid = p;
    this.rebuildBook();
  }

  /** Starts a fake venue on 127.0.0.1 (port 0 = any free port). */
  static async start(o: FakeBinanceOptions = {}): Promise<FakeBinance> {
    const f = new FakeBinance(o);
    f.server = createServer((req, res) => void f.handle(req, res));
    f.server.on('connection', (s) => {
      f.sockets.add(s);
      s.on('close', () => f.sockets.delete(s));
    });
    f.wss = new WebSocketServer({ noServer: true });
    f.server.on('upgrade', (req, socket, head) => {
      if (!(req.url ?? '').startsWith('/ws') && !(req.url ?? '').startsWith('/stream')) {
        socket.destroy();
        return;
      }
      f.wss.handleUpgrade(req, socket, head, (ws) => f.onWs(ws));
    });
    await new Promise<void>((r) => f.server.listen(o.port ?? 0, '127.0.0.1', r));
    f.port = (f.server.address() as AddressInfo).port;
    f.timer = setInterval(() => f.tick(), o.tickMs ?? 50);
    return f;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Adds a fault (applied to the next matching requests / events). */
  inject(f: Fault): void {
    this.faults.push(f);
  }

  /** Balances of a key as decimal strings. */
  balance(key = Object.keys(this.keys)[0]!): Record<string, string> {
    const m = this.balances.get(key)!;
    return Object.fromEntries([...m].map(([a, v]) => [a, (v / 1e8).toFixed(8)]));
  }

  /** Every fill of a key (for reconciliation tests). */
  myTrades(key = Object.keys(this.keys)[0]!): { id: number; orderId: number; clientOrderId: string; price: string; qty: string; commission: string; isBuyer: boolean }[] {
    return this.trades
      .filter((t) => t.key === key)
      .map((t) => ({
        id: t.id,
        orderId: t.orderId,
        clientOrderId: this.orders.get(t.orderId)?.clientOrderId ?? '',
        price: px(t.price),
        qty: qty(t.qty),
        commission: (t.commission / 1e8).toFixed(8),
        isBuyer: t.isBuyer,
      }));
  }

  /** Orders of a key. */
  allOrders(key = Object.keys(this.keys)[0]!): Order[] {
    return [...this.orders.values()].filter((o) => o.key === key);
  }

  /** Moves the market (tests): sets the mid price. */
  setPrice(price: number): void {
    this.mid = Math.round(price / TICK);
    this.rebuildBook(true);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const ws of this.clients.keys()) ws.terminate();
    this.wss.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  // ------------------------------------------------------------------ market

  private rebuildBook(publish = false): void {
    const oldB = new Map(this.bids);
    const oldA = new Map(this.asks);
    this.bids.clear();
    this.asks.clear();
    for (let i = 0; i < 20; i++) {
      this.bids.set(this.mid - 1 - i * 2, 1000 + Math.floor(this.rnd() * 200000));
      this.asks.set(this.mid + 1 + i * 2, 1000 + Math.floor(this.rnd() * 200000));
    }
    if (!publish) return;
    const diff = (old: Map<number, number>, cur: Map<number, number>) => {
      const out: [string, string][] = [];
      for (const [p, q] of cur) if (old.get(p) !== q) out.push([px(p), qty(q)]);
      for (const p of old.keys()) if (!cur.has(p)) out.push([px(p), qty(0)]);
      return out;
    };
    const b = diff(oldB, this.bids);
    const a = diff(oldA, this.asks);
    const U = this.updateId + 1;
    this.updateId += 1 + Math.floor(this.rnd() * 3);
    let u = this.updateId;
    const gap = this.takeFault('depth-gap');
    if (gap) {
      // skip ids: the next event's U will not follow the previous u
      this.updateId += 5;
      u = this.updateId;
    }
    const E = Date.now();
    this.publish(`${SYMBOL.toLowerCase()}@depth`, { e: 'depthUpdate', E, s: SYMBOL, U: gap ? U + 5 : U, u, b, a });
  }

  private tick(): void {
    const step = Math.round(this.mid * (this.rnd() - 0.5) * 2 * this.vol);
    this.mid = Math.max(100, this.mid + step);
    this.rebuildBook(true);
    const now = Date.now();
    // a market trade
    const side = this.rnd() < 0.5;
    const tp = side ? this.mid + 1 : this.mid - 1;
    const tq = 100 + Math.floor(this.rnd() * 5000);
    const T = now;
    const tid = this.nextMarketTradeId++;
    this.publish(`${SYMBOL.toLowerCase()}@trade`, { e: 'trade', E: now, s: SYMBOL, t: tid, p: px(tp), q: qty(tq), T, m: !side, M: true });
    // klines
    const start = Math.floor(now / this.klineMs) * this.klineMs;
    let k = this.klines[this.klines.length - 1]!;
    if (k.t !== start) {
      if (k.t < start) {
        this.publishKline(k, true);
        k = { t: start, o: tp, h: tp, l: tp, c: tp, v: 0, n: 0 };
        this.klines.push(k);
        if (this.klines.length > 5000) this.klines.splice(0, this.klines.length - 5000);
      }
    }
    k.h = Math.max(k.h, tp);
    k.l = Math.min(k.l, tp);
    k.c = tp;
    k.v += tq;
    k.n++;
    this.publishKline(k, false);
    // resting orders that the market crossed
    for (const o of this.orders.values()) {
      if (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED') continue;
      if (o.type !== 'LIMIT') continue;
      const bestAsk = this.mid + 1;
      const bestBid = this.mid - 1;
      if ((o.side === 'BUY' && bestAsk <= o.price) || (o.side === 'SELL' && bestBid >= o.price)) this.fill(o, o.price, o.origQty - o.executedQty, true);
    }
    // disconnects
    if (this.takeFault('ws-disconnect')) {
      for (const ws of this.clients.keys()) ws.terminate();
      this.stats.wsDisconnects++;
    }
  }

  private publishKline(k: FakeBinance['klines'][number], closed: boolean): void {
    this.publish(`${SYMBOL.toLowerCase()}@kline_1s`, {
      e: 'kline',
      E: Date.now(),
      s: SYMBOL,
      k: { t: k.t, T: k.t + this.klineMs - 1, s: SYMBOL, i: '1s', f: 0, L: 0, o: px(k.o), c: px(k.c), h: px(k.h), l: px(k.l), v: qty(k.v), n: k.n, x: closed, q: '0', V: '0', Q: '0', B: '0' },
    });
  }

  private publish(prefix: string, msg: unknown): void {
    const text = JSON.stringify(msg);
    for (const [ws, subs] of this.clients) {
      for (const s of subs) {
        if (s === prefix || s.startsWith(`${prefix}@`) || (prefix.endsWith('@kline_1s') && s.startsWith(prefix.replace('_1s', '_')))) {
          ws.send(text);
          break;
        }
      }
    }
  }

  private onWs(ws: WebSocket): void {
    this.stats.wsConnections++;
    this.clients.set(ws, new Set());
    ws.on('message', (data) => {
      let m: { method?: string; params?: string[]; id?: number | string };
      try {
        m = JSON.parse(String(data)) as typeof m;
      } catch {
        ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid JSON' } }));
        return;
      }
      const subs = this.clients.get(ws)!;
      if (m.method === 'SUBSCRIBE') for (const p of m.params ?? []) subs.add(p.toLowerCase());
      else if (m.method === 'UNSUBSCRIBE') for (const p of m.params ?? []) subs.delete(p.toLowerCase());
      ws.send(JSON.stringify({ result: null, id: m.id }));
    });
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => this.clients.delete(ws));
  }

  // ------------------------------------------------------------------ REST

  private takeFault<K extends Fault['kind']>(kind: K, path?: string): Extract<Fault, { kind: K }> | undefined {
    const i = this.faults.findIndex((f) => f.kind === kind && (!('path' in f) || !f.path || (path !== undefined && path.includes(f.path))));
    if (i < 0) return undefined;
    const f = this.faults[i]! as Extract<Fault, { kind: K }>;
    f.count--;
    if (f.count <= 0) this.faults.splice(i, 1);
    this.stats.faults++;
    return f;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private err(res: ServerResponse, status: number, code: number, msg: string): void {
    this.send(res, status, { code, msg });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    let body = '';
    for await (const c of req) body += String(c);
    const method = req.method ?? 'GET';
    // rate limit per client address (1 s sliding window)
    const who = req.socket.remoteAddress ?? '?';
    const now = Date.now();
    const w = (this.window.get(who) ?? []).filter((t) => t > now - 1000);
    w.push(now);
    this.window.set(who, w);
    if (w.length > this.rate) {
      this.stats.rateLimited++;
      this.send(res, 429, { code: -1003, msg: `Too many requests; current limit is ${this.rate} requests per SECOND.` }, { 'Retry-After': '1' });
      return;
    }
    const he = this.takeFault('http-error', path);
    if (he) {
      this.send(res, he.status, { code: he.code ?? -1001, msg: he.msg ?? 'Internal error; unable to process your request. Please try again.' });
      return;
    }
    if (this.takeFault('garbage', path)) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('<html>502 Bad Gateway {"not json');
      return;
    }
    const q = new URLSearchParams(method === 'GET' || method === 'DELETE' ? url.search : body || url.search);
    try {
      if (path === '/api/v3/ping') return this.send(res, 200, {});
      if (path === '/api/v3/time') return this.send(res, 200, { serverTime: now });
      if (path === '/api/v3/exchangeInfo') return this.send(res, 200, this.exchangeInfo());
      if (path === '/api/v3/depth') return this.depth(res, q);
      if (path === '/api/v3/klines') return this.klinesRest(res, q);
      if (path === '/api/v3/ticker/price') return this.send(res, 200, { symbol: SYMBOL, price: px(this.mid) });
      if (path === '/api/v3/trades') return this.send(res, 200, []);
      // signed endpoints
      const signedPaths = ['/api/v3/order', '/api/v3/openOrders', '/api/v3/allOrders', '/api/v3/myTrades', '/api/v3/account'];
      if (!signedPaths.includes(path)) return this.err(res, 404, -1100, `Unknown endpoint ${method} ${path}.`);
      const key = this.auth(req, res, method === 'GET' || method === 'DELETE' ? url.search.slice(1) : body || url.search.slice(1), q);
      if (!key) return;
      this.stats.signed++;
      if (path === '/api/v3/account') return this.account(res, key);
      if (path === '/api/v3/order' && method === 'POST') return this.newOrder(req, res, q, key);
      if (path === '/api/v3/order' && method === 'GET') return this.getOrder(res, q, key);
      if (path === '/api/v3/order' && method === 'DELETE') return this.cancelOrder(res, q, key);
      if (path === '/api/v3/openOrders') return this.send(res, 200, [...this.orders.values()].filter((o) => o.key === key && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')).map((o) => this.orderJson(o)));
      if (path === '/api/v3/allOrders') return this.send(res, 200, [...this.orders.values()].filter((o) => o.key === key).map((o) => this.orderJson(o)));
      if (path === '/api/v3/myTrades') return this.myTradesRest(res, q, key);
      return this.err(res, 405, -1100, `Method ${method} not allowed on ${path}.`);
    } catch (e) {
      return this.err(res, 500, -1000, `internal error: ${(e as Error).message}`);
    }
  }

  private auth(req: IncomingMessage, res: ServerResponse, raw: string, q: URLSearchParams): string | null {
    const key = req.headers['x-mbx-apikey'];
    if (typeof key !== 'string' || !(key in this.keys)) {
      this.err(res, 401, -2014, 'API-key format invalid.');
      return null;
    }
    const sig = q.get('signature');
    const i = raw.lastIndexOf('&signature=');
    const payload = i >= 0 ? raw.slice(0, i) : raw;
    const want = createHmac('sha256', this.keys[key]!).update(payload).digest('hex');
    if (!sig || sig.length !== want.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(want))) {
      this.err(res, 400, -1022, 'Signature for this request is not valid.');
      return null;
    }
    const ts = Number(q.get('timestamp'));
    const recv = Number(q.get('recvWindow') ?? 5000);
    if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > recv) {
      this.err(res, 400, -1021, 'Timestamp for this request is outside of the recvWindow.');
      return null;
    }
    return key;
  }

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: Date.now(),
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'SECOND', intervalNum: 1, limit: this.rate }],
      exchangeFilters: [],
      symbols: [
        {
          symbol: SYMBOL,
          status: 'TRADING',
          baseAsset: 'BTC',
          baseAssetPrecision: 8,
          quoteAsset: 'USDT',
          quotePrecision: 8,
          quoteAssetPrecision: 8,
          baseCommissionPrecision: 8,
          quoteCommissionPrecision: 8,
          orderTypes: ['LIMIT', 'MARKET'],
          icebergAllowed: false,
          ocoAllowed: false,
          isSpotTradingAllowed: true,
          isMarginTradingAllowed: false,
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
            { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
            { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
          ],
          permissions: [],
          permissionSets: [['SPOT']],
          defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
          allowedSelfTradePreventionModes: ['EXPIRE_MAKER'],
        },
      ],
    };
  }

  private checkSymbol(res: ServerResponse, q: URLSearchParams): boolean {
    if (q.get('symbol') !== SYMBOL) {
      this.err(res, 400, -1121, 'Invalid symbol.');
      return false;
    }
    return true;
  }

  private depth(res: ServerResponse, q: URLSearchParams): void {
    if (!this.checkSymbol(res, q)) return;
    const limit = Math.min(Number(q.get('limit') ?? 100), 5000);
    const bids = [...this.bids].sort((a, b) => b[0] - a[0]).slice(0, limit).map(([p, v]) => [px(p), qty(v)]);
    const asks = [...this.asks].sort((a, b) => a[0] - b[0]).slice(0, limit).map(([p, v]) => [px(p), qty(v)]);
    this.send(res, 200, { lastUpdateId: this.updateId, bids, asks });
  }

  private klinesRest(res: ServerResponse, q: URLSearchParams): void {
    if (!this.checkSymbol(res, q)) return;
    const interval = q.get('interval');
    if (interval !== '1s') return this.err(res, 400, -1120, `Invalid interval ${interval ?? ''}: this venue serves 1s klines.`);
    const start = Number(q.get('startTime') ?? 0);
    const end = Number(q.get('endTime') ?? Number.MAX_SAFE_INTEGER);
    const limit = Math.min(Number(q.get('limit') ?? 500), 1000);
    const rows = this.klines
      .filter((k) => k.t >= start && k.t <= end)
      .slice(0, limit)
      .map((k) => [k.t, px(k.o), px(k.h), px(k.l), px(k.c), qty(k.v), k.t + this.klineMs - 1, '0', k.n, '0', '0', '0']);
    this.send(res, 200, rows);
  }

  private account(res: ServerResponse, key: string): void {
    const m = this.balances.get(key)!;
    this.send(res, 200, {
      makerCommission: this.feeBps,
      takerCommission: this.feeBps,
      canTrade: true,
      canWithdraw: false,
      canDeposit: false,
      updateTime: Date.now(),
      accountType: 'SPOT',
      balances: [...m].map(([asset, v]) => ({ asset, free: (v / 1e8).toFixed(8), locked: '0.00000000' })),
      permissions: ['SPOT'],
    });
  }

  private orderJson(o: Order, full = false): Record<string, unknown> {
    const r: Record<string, unknown> = {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: o.type === 'LIMIT' ? px(o.price) : '0.00000000',
      origQty: qty(o.origQty),
      executedQty: qty(o.executedQty),
      cummulativeQuoteQty: ((o.quote * TICK * LOT) as number).toFixed(8),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      stopPrice: '0.00000000',
      icebergQty: '0.00000000',
      time: o.time,
      updateTime: o.updateTime,
      isWorking: true,
      workingTime: o.time,
      origQuoteOrderQty: '0.00000000',
      selfTradePreventionMode: 'EXPIRE_MAKER',
    };
    if (full) {
      r.transactTime = o.updateTime;
      r.fills = this.trades
        .filter((t) => t.orderId === o.orderId)
        .map((t) => ({ price: px(t.price), qty: qty(t.qty), commission: (t.commission / 1e8).toFixed(8), commissionAsset: 'USDT', tradeId: t.id }));
    }
    return r;
  }

  private findOrder(q: URLSearchParams, key: string): Order | undefined {
    const id = q.get('orderId');
    const cid = q.get('origClientOrderId');
    for (const o of this.orders.values()) {
      if (o.key !== key) continue;
      if (id !== null && String(o.orderId) === id) return o;
      if (id === null && cid !== null && o.clientOrderId === cid) return o;
    }
    return undefined;
  }

  private getOrder(res: ServerResponse, q: URLSearchParams, key: string): void {
    if (!this.checkSymbol(res, q)) return;
    const o = this.findOrder(q, key);
    if (!o) return this.err(res, 400, -2013, 'Order does not exist.');
    this.send(res, 200, this.orderJson(o));
  }

  private cancelOrder(res: ServerResponse, q: URLSearchParams, key: string): void {
    if (!this.checkSymbol(res, q)) return;
    const o = this.findOrder(q, key);
    if (!o || (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED')) return this.err(res, 400, -2011, 'Unknown order sent.');
    o.status = 'CANCELED';
    o.updateTime = Date.now();
    this.send(res, 200, { ...this.orderJson(o), origClientOrderId: o.clientOrderId });
  }

  private myTradesRest(res: ServerResponse, q: URLSearchParams, key: string): void {
    if (!this.checkSymbol(res, q)) return;
    const start = Number(q.get('startTime') ?? 0);
    const from = q.get('fromId');
    const limit = Math.min(Number(q.get('limit') ?? 500), 1000);
    const rows = this.trades
      .filter((t) => t.key === key && t.time >= start && (from === null || t.id >= Number(from)))
      .slice(0, limit)
      .map((t) => ({
        symbol: SYMBOL,
        id: t.id,
        orderId: t.orderId,
        orderListId: -1,
        price: px(t.price),
        qty: qty(t.qty),
        quoteQty: (t.price * TICK * t.qty * LOT).toFixed(8),
        commission: (t.commission / 1e8).toFixed(8),
        commissionAsset: 'USDT',
        time: t.time,
        isBuyer: t.isBuyer,
        isMaker: t.isMaker,
        isBestMatch: true,
      }));
    this.send(res, 200, rows);
  }

  private newOrder(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, key: string): void {
    if (!this.checkSymbol(res, q)) return;
    const cid = q.get('newClientOrderId') ?? `fake-${this.nextOrderId}`;
    this.received.push(cid);
    const side = q.get('side');
    const type = q.get('type');
    if (side !== 'BUY' && side !== 'SELL') return this.err(res, 400, -1100, "Illegal characters found in parameter 'side'.");
    if (type !== 'MARKET' && type !== 'LIMIT') return this.err(res, 400, -1116, 'Invalid orderType.');
    const lots = units(q.get('quantity') ?? undefined, QS);
    if (!(lots > 0)) return this.err(res, 400, -1013, 'Filter failure: LOT_SIZE');
    let price = 0;
    if (type === 'LIMIT') {
      price = units(q.get('price') ?? undefined, PS);
      if (!(price > 0)) return this.err(res, 400, -1013, 'Filter failure: PRICE_FILTER');
      if (!q.get('timeInForce')) return this.err(res, 400, -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
    }
    const refPrice = type === 'LIMIT' ? price : side === 'BUY' ? this.mid + 1 : this.mid - 1;
    if (refPrice * TICK * lots * LOT < 5) return this.err(res, 400, -1013, 'Filter failure: NOTIONAL');
    for (const o of this.orders.values())
      if (o.key === key && o.clientOrderId === cid && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')) return this.err(res, 400, -2010, 'Duplicate order sent.');
    const rej = this.takeFault('reject-orders');
    if (rej) {
      this.stats.rejected++;
      return this.err(res, 400, rej.code, rej.msg);
    }
    // balance check (spot: buys need quote, sells need base)
    const bal = this.balances.get(key)!;
    const need = side === 'BUY' ? Math.round(refPrice * TICK * lots * LOT * 1e8 * 1.002) : lots * 1000;
    const have = bal.get(side === 'BUY' ? 'USDT' : 'BTC') ?? 0;
    if (need > have) {
      this.stats.rejected++;
      return this.err(res, 400, -2010, 'Account has insufficient balance for requested action.');
    }
    const now = Date.now();
    const o: Order = {
      orderId: this.nextOrderId++,
      clientOrderId: cid,
      symbol: SYMBOL,
      side,
      type,
      timeInForce: type === 'LIMIT' ? (q.get('timeInForce') ?? 'GTC') : 'GTC',
      price,
      origQty: lots,
      executedQty: 0,
      quote: 0,
      status: 'NEW',
      time: now,
      updateTime: now,
      key,
    };
    this.orders.set(o.orderId, o);
    this.stats.orders++;
    if (type === 'MARKET') this.fill(o, side === 'BUY' ? this.mid + 1 : this.mid - 1, lots, false);
    else if ((side === 'BUY' && this.mid + 1 <= price) || (side === 'SELL' && this.mid - 1 >= price)) this.fill(o, side === 'BUY' ? this.mid + 1 : this.mid - 1, lots, false);
    else if (o.timeInForce === 'IOC') o.status = 'EXPIRED';
    if (this.takeFault('drop-response', '/api/v3/order')) {
      // placed, but the client never hears back (connection reset)
      req.socket.destroy();
      return;
    }
    this.send(res, 200, this.orderJson(o, q.get('newOrderRespType') !== 'ACK'));
  }

  private fill(o: Order, price: number, lots: number, maker: boolean): void {
    const bal = this.balances.get(o.key)!;
    const notional8 = Math.round(price * TICK * lots * LOT * 1e8);
    const fee = Math.round((notional8 * this.feeBps) / 10_000);
    const sign = o.side === 'BUY' ? 1 : -1;
    bal.set('USDT', (bal.get('USDT') ?? 0) - sign * notional8 - fee);
    bal.set('BTC', (bal.get('BTC') ?? 0) + sign * lots * 1000);
    o.executedQty += lots;
    o.quote += price * lots;
    o.status = o.executedQty >= o.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    o.updateTime = Date.now();
    this.trades.push({ id: this.nextTradeId++, orderId: o.orderId, symbol: SYMBOL, price, qty: lots, commission: fee, time: o.updateTime, isBuyer: o.side === 'BUY', isMaker: maker, key: o.key });
    this.stats.fills++;
  }
}
