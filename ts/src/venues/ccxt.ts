/**
 * Exchange I/O through CCXT: markets, REST orders and account queries, and `watch*`
 * WebSocket market data, with
 * - sandbox mode (`venue.sandbox`) and an optional `venue.baseUrl` that replaces every REST and
 *   WebSocket endpoint (a gateway, or the local fake venue in tests);
 * - CCXT's rate limiter (`venue.rateLimitMs`) plus back-off on 429/418 answers;
 * - reconnect with exponential back-off and jitter for every `watch*` loop;
 * - order-book sequence checks: CCXT verifies Binance's update ids (`U` = previous `u` + 1) and
 *   throws on a gap; the loop counts it, drops the book and resubscribes (a fresh snapshot),
 *   and also refuses a book whose nonce goes backwards;
 * - idempotent orders: every order carries the caller's client id; when the answer to a create
 *   is lost (timeout, reset) the venue is asked for that client id before anything is sent
 *   again, and a resend reuses the same id, so an order is never placed twice;
 * - credentials only from the environment (`venue.apiKeyEnv`, `venue.apiSecretEnv`); they are
 *   never logged, and error texts are scrubbed of signatures before they are reported;
 * - every failure classified into a stable code (`NETWORK`, `RATE_LIMITED`, `BAD_RESPONSE`,
 *   `INSUFFICIENT_FUNDS`, `INVALID_ORDER`, `ORDER_NOT_FOUND`, `AUTH`, `BAD_SYMBOL`,
 *   `TIMESTAMP`, `BOOK_SEQUENCE`, `EXCHANGE_ERROR`) and counted.
 */
import * as ccxt from 'ccxt';
import type { VenueConfig } from '../config/schema.js';
import { TachyonError } from '../errors.js';
import { scrub } from '../runtime/log.js';

export type VenueErrorCode =
  | 'NETWORK'
  | 'RATE_LIMITED'
  | 'BAD_RESPONSE'
  | 'INSUFFICIENT_FUNDS'
  | 'INVALID_ORDER'
  | 'ORDER_NOT_FOUND'
  | 'AUTH'
  | 'BAD_SYMBOL'
  | 'TIMESTAMP'
  | 'BOOK_SEQUENCE'
  | 'NOT_SUPPORTED'
  | 'EXCHANGE_ERROR';

/** A venue failure with a stable code and a message without secrets. */
export class VenueError extends TachyonError {
  constructor(
    readonly venueCode: VenueErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super('ERR_VENUE', `${venueCode}: ${message}`, options);
  }
}

/** Classifies a CCXT error. */
export function classify(e: unknown): VenueError {
  if (e instanceof VenueError) return e;
  const msg = scrub(e instanceof Error ? e.message : String(e)).slice(0, 500);
  const mk = (code: VenueErrorCode, retry: boolean) => new VenueError(code, msg, retry, { cause: e });
  if (e instanceof ccxt.ChecksumError) return mk('BOOK_SEQUENCE', true);
  if (e instanceof ccxt.RateLimitExceeded || e instanceof ccxt.DDoSProtection) return mk('RATE_LIMITED', true);
  if (e instanceof ccxt.InvalidNonce) return mk('TIMESTAMP', true);
  if (e instanceof ccxt.BadResponse || e instanceof ccxt.NullResponse) return mk('BAD_RESPONSE', true);
  // NetworkError and OperationFailed (-1000/-1001 "unknown error, try again"): transient, outcome unknown
  if (e instanceof ccxt.NetworkError || e instanceof ccxt.OperationFailed) return mk('NETWORK', true);
  if (e instanceof ccxt.InsufficientFunds) return mk('INSUFFICIENT_FUNDS', false);
  if (e instanceof ccxt.OrderNotFound) return mk('ORDER_NOT_FOUND', false);
  if (e instanceof ccxt.InvalidOrder) return mk('INVALID_ORDER', false);
  // Binance's order filters (-1013 "Filter failure: NOTIONAL", LOT_SIZE, PRICE_FILTER …)
  if (e instanceof ccxt.ExchangeError && /Filter failure/i.test(msg)) return mk('INVALID_ORDER', false);
  if (e instanceof ccxt.AuthenticationError || e instanceof ccxt.PermissionDenied) return mk('AUTH', false);
  if (e instanceof ccxt.BadSymbol) return mk('BAD_SYMBOL', false);
  if (e instanceof ccxt.NotSupported) return mk('NOT_SUPPORTED', false);
  if (e instanceof SyntaxError) return mk('BAD_RESPONSE', true);
  return mk('EXCHANGE_ERROR', false);
}

/** An instrument as the venue describes it (exact decimal strings). */
export interface VenueInstrument {
  symbol: string;
  id: string;
  base: string;
  quote: string;
  tickSize: string;
  lotSize: string;
  minNotional: string;
  minQty?: string;
}

export interface VenueOrderState {
  clientId: string;
  venueOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  status: 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired';
  qty: string;
  filled: string;
  price: string | null;
  avgPrice: string | null;
}

export interface VenueFill {
  tradeId: string;
  venueOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: string;
  price: string;
  fee: string;
  feeCurrency: string;
  liquidity: 'maker' | 'taker' | null;
  tsMs: number;
}

export interface VenueStats {
  requests: number;
  retries: number;
  reconnects: number;
  bookGaps: number;
  bookRegressions: number;
  rateLimited: number;
  errors: Partial<Record<VenueErrorCode, number>>;
  lastError: string | null;
}

/** Normalises a decimal string (`"0.01000000"` → `"0.01"`, `"1.0"` → `"1"`). */
export function normDecimal(s: string): string {
  if (!s.includes('.')) return s;
  const t = s.replace(/0+$/, '');
  return t.endsWith('.') ? t.slice(0, -1) : t;
}

/** A number (or numeric string) as an exact decimal string (shortest round trip). */
function dec(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') return /^-?\d+(\.\d+)?$/.test(v) ? normDecimal(v) : null;
  if (typeof v === 'number' && Number.isFinite(v)) {
    const s = String(v);
    if (/e/i.test(s)) return normDecimal(v.toFixed(12));
    return s;
  }
  return null;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

/** Replaces the scheme and host of every endpoint under `urls` with `base` (ws for wss). */
function rewriteUrls(node: unknown, base: URL): unknown {
  if (typeof node === 'string') {
    try {
      const u = new URL(node);
      const ws = u.protocol === 'wss:' || u.protocol === 'ws:';
      return `${ws ? (base.protocol === 'https:' ? 'wss:' : 'ws:') : base.protocol}//${base.host}${u.pathname}${u.search}`;
    } catch {
      return node;
    }
  }
  if (Array.isArray(node)) return node.map((x) => rewriteUrls(x, base));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, rewriteUrls(v, base)]));
  return node;
}

export interface CcxtVenueOptions {
  config: VenueConfig;
  /** Read credentials from the environment (required for orders and account queries). */
  credentials?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Called for each classified error (to journal / count). */
  onError?: (e: VenueError, where: string) => void;
}

type Ex = ccxt.Exchange & { watchOHLCV?: ccxt.Exchange['watchOHLCV'] };

export class CcxtVenue {
  readonly name: string;
  readonly stats: VenueStats = { requests: 0, retries: 0, reconnects: 0, bookGaps: 0, bookRegressions: 0, rateLimited: 0, errors: {}, lastError: null };
  private readonly ex: Ex;
  private readonly cfg: VenueConfig;
  private markets = new Map<string, VenueInstrument>();

  private constructor(ex: Ex, cfg: VenueConfig, private readonly onError?: CcxtVenueOptions['onError']) {
    this.ex = ex;
    this.cfg = cfg;
    this.name = cfg.exchange;
  }

  /** Creates the exchange client and loads its markets. */
  static async connect(o: CcxtVenueOptions): Promise<CcxtVenue> {
    const cfg = o.config;
    const env = o.env ?? process.env;
    const pro = (ccxt as unknown as { pro: Record<string, new (x: object) => Ex> }).pro;
    const rest = ccxt as unknown as Record<string, new (x: object) => Ex>;
    const Ctor = pro[cfg.exchange] ?? rest[cfg.exchange];
    if (!Ctor) throw new TachyonError('ERR_CONFIG', `venue.exchange ${JSON.stringify(cfg.exchange)} is not a CCXT exchange id (e.g. binance, kraken, okx)`);
    const creds: Record<string, string> = {};
    if (o.credentials) {
      const key = env[cfg.apiKeyEnv];
      const secret = env[cfg.apiSecretEnv];
      if (!key || !secret)
        throw new TachyonError('ERR_CREDENTIALS', `credentials come only from the environment: set ${cfg.apiKeyEnv} and ${cfg.apiSecretEnv} (they are never read from files or logged)`);
      creds.apiKey = key;
      creds.secret = secret;
    }
    const ex = new Ctor({
      ...creds,
      enableRateLimit: true,
      rateLimit: cfg.rateLimitMs,
      timeout: cfg.timeoutMs,
      options: {
        defaultType: 'spot',
        fetchMarkets: { types: ['spot'] },
        fetchCurrencies: false,
        warnOnFetchOpenOrdersWithoutSymbol: false,
        adjustForTimeDifference: false,
      },
    });
    if (cfg.sandbox) {
      try {
        ex.setSandboxMode(true);
      } catch (cause) {
        throw new TachyonError('ERR_CONFIG', `${cfg.exchange} has no sandbox in CCXT; set venue.sandbox: false to use its live endpoints`, { cause });
      }
    }
    if (cfg.baseUrl) {
      const base = new URL(cfg.baseUrl);
      ex.urls = { ...ex.urls, api: rewriteUrls(ex.urls.api, base) as typeof ex.urls.api };
      // CCXT needs its plain-HTTP agent for ws:// endpoints (a local gateway or the fake venue)
      if (base.protocol === 'http:') await (ex as unknown as { loadHttpProxyAgent?: () => Promise<unknown> }).loadHttpProxyAgent?.();
    }
    const v = new CcxtVenue(ex, cfg, o.onError);
    await v.retry('loadMarkets', () => ex.loadMarkets());
    for (const m of Object.values(ex.markets ?? {})) {
      if (!m || !m.spot) continue;
      const info = (m.info ?? {}) as { filters?: { filterType: string; tickSize?: string; stepSize?: string; minNotional?: string; notional?: string; minQty?: string }[] };
      const f = (t: string) => info.filters?.find((x) => x.filterType === t);
      const tick = dec(f('PRICE_FILTER')?.tickSize) ?? dec(m.precision?.price);
      const lot = dec(f('LOT_SIZE')?.stepSize) ?? dec(m.precision?.amount);
      if (!tick || !lot) continue;
      v.markets.set(m.symbol, {
        symbol: m.symbol,
        id: m.id,
        base: m.base,
        quote: m.quote,
        tickSize: tick,
        lotSize: lot,
        minNotional: dec(f('NOTIONAL')?.minNotional ?? f('MIN_NOTIONAL')?.minNotional) ?? dec(m.limits?.cost?.min) ?? '0',
        ...(dec(f('LOT_SIZE')?.minQty) ? { minQty: dec(f('LOT_SIZE')?.minQty)! } : {}),
      });
    }
    return v;
  }

  /** Markets as instruments (spot). */
  instrument(symbol: string): VenueInstrument {
    const m = this.markets.get(symbol);
    if (!m) throw new VenueError('BAD_SYMBOL', `${this.name} has no spot market ${symbol} (it has ${[...this.markets.keys()].slice(0, 8).join(', ')}…)`, false);
    return m;
  }

  private count(e: VenueError, where: string): void {
    this.stats.errors[e.venueCode] = (this.stats.errors[e.venueCode] ?? 0) + 1;
    if (e.venueCode === 'RATE_LIMITED') this.stats.rateLimited++;
    this.stats.lastError = `${where}: ${e.message}`;
    this.onError?.(e, where);
  }

  /** Runs a read with retries on transient failures (exponential back-off with jitter). */
  async retry<T>(where: string, fn: () => Promise<T>, tries = 5): Promise<T> {
    let delay = this.cfg.reconnectMs[0];
    for (let k = 1; ; k++) {
      this.stats.requests++;
      try {
        return await fn();
      } catch (raw) {
        const e = classify(raw);
        this.count(e, where);
        if (!e.retryable || k >= tries) throw e;
        this.stats.retries++;
        // a 429/418 asks for a pause: at least a second (Binance counts weight per second/minute)
        await sleep(e.venueCode === 'RATE_LIMITED' ? Math.max(1000, delay) * (1 + Math.random()) : delay * (0.5 + Math.random()));
        delay = Math.min(delay * 2, this.cfg.reconnectMs[1]);
      }
    }
  }

  // ------------------------------------------------------------------ orders

  private orderState(o: ccxt.Order, clientId: string): VenueOrderState {
    if (!o || typeof o !== 'object' || o.id === undefined || o.id === null || String(o.id) === '' || !(Number(o.amount) > 0))
      throw new VenueError('BAD_RESPONSE', `malformed order from ${this.name}: ${scrub(JSON.stringify(o?.info ?? o)).slice(0, 200)}`, true);
    const info = (o.info ?? {}) as Record<string, unknown>;
    const st = String(o.status ?? '');
    const filled = dec(info.executedQty) ?? dec(o.filled) ?? '0';
    const status: VenueOrderState['status'] =
      st === 'closed' ? 'filled' : st === 'canceled' ? (Number(filled) > 0 ? 'cancelled' : 'cancelled') : st === 'expired' ? 'expired' : st === 'rejected' ? 'rejected' : Number(filled) > 0 ? 'partially_filled' : 'open';
    return {
      clientId: String(o.clientOrderId ?? info.clientOrderId ?? clientId),
      venueOrderId: String(o.id),
      symbol: o.symbol ?? '',
      side: o.side === 'sell' ? 'sell' : 'buy',
      type: o.type === 'limit' ? 'limit' : 'market',
      status,
      qty: dec(info.origQty) ?? dec(o.amount) ?? '0',
      filled,
      price: o.type === 'limit' ? (dec(info.price) ?? dec(o.price)) : null,
      avgPrice: dec(o.average) ?? null,
    };
  }

  /**
   * Places an order with the caller's client id. If the answer is lost, asks the venue for
   * that client id before trying again (with the same id), so the order exists at most once.
   */
  async createOrder(clientId: string, symbol: string, side: 'buy' | 'sell', type: 'market' | 'limit', qty: string, price: string | null, tif: 'GTC' | 'IOC' = 'GTC'): Promise<{ order: VenueOrderState; fills: VenueFill[] }> {
    const params: Record<string, unknown> = { clientOrderId: clientId, newOrderRespType: 'FULL' };
    if (type === 'limit') params.timeInForce = tif;
    let delay = this.cfg.reconnectMs[0];
    for (let attempt = 1; ; attempt++) {
      this.stats.requests++;
      try {
        const o = await this.ex.createOrder(symbol, type, side, Number(qty), price === null ? undefined : Number(price), params);
        return { order: this.orderState(o, clientId), fills: this.fillsOf(o) };
      } catch (raw) {
        const e = classify(raw);
        this.count(e, 'createOrder');
        if (!e.retryable || attempt >= 4) throw e;
        // the order may or may not exist: ask before sending it again
        await sleep(delay * (0.5 + Math.random()));
        delay = Math.min(delay * 2, this.cfg.reconnectMs[1]);
        const known = await this.fetchOrderByClientId(clientId, symbol).catch(() => undefined);
        if (known) return { order: known, fills: [] };
        if (known === undefined) continue; // could not tell: the venue refuses a duplicate open id anyway
        this.stats.retries++;
      }
    }
  }

  private fillsOf(o: ccxt.Order): VenueFill[] {
    const info = (o.info ?? {}) as { fills?: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }[] };
    return (info.fills ?? []).map((f) => ({
      tradeId: String(f.tradeId),
      venueOrderId: String(o.id),
      symbol: o.symbol ?? '',
      side: o.side === 'sell' ? 'sell' : 'buy',
      qty: normDecimal(f.qty),
      price: normDecimal(f.price),
      fee: normDecimal(f.commission),
      feeCurrency: f.commissionAsset,
      liquidity: 'taker',
      tsMs: Number(o.timestamp ?? Date.now()),
    }));
  }

  /** The order with this client id, or `null` if the venue has none. */
  async fetchOrderByClientId(clientId: string, symbol: string): Promise<VenueOrderState | null> {
    try {
      const o = await this.retry('fetchOrder', () => this.ex.fetchOrder('', symbol, { origClientOrderId: clientId, clientOrderId: clientId }), 3);
      return this.orderState(o, clientId);
    } catch (e) {
      if (e instanceof VenueError && e.venueCode === 'ORDER_NOT_FOUND') return null;
      throw e;
    }
  }

  async cancelOrder(clientId: string, symbol: string): Promise<boolean> {
    try {
      await this.retry('cancelOrder', () => this.ex.cancelOrder('', symbol, { origClientOrderId: clientId, clientOrderId: clientId }), 3);
      return true;
    } catch (e) {
      if (e instanceof VenueError && e.venueCode === 'ORDER_NOT_FOUND') return false;
      throw e;
    }
  }

  async fetchOpenOrders(symbol: string): Promise<VenueOrderState[]> {
    return this.retry('fetchOpenOrders', async () => {
      const os = await this.ex.fetchOpenOrders(symbol);
      if (!Array.isArray(os)) throw new VenueError('BAD_RESPONSE', `open orders from ${this.name} are not a list`, true);
      return os.map((o) => this.orderState(o, String(o.clientOrderId ?? '')));
    });
  }

  /** Own fills since `sinceMs` (paginated by time). */
  async fetchMyTrades(symbol: string, sinceMs?: number): Promise<VenueFill[]> {
    const out: VenueFill[] = [];
    let since = sinceMs;
    for (let page = 0; page < 100; page++) {
      const ts = await this.retry('fetchMyTrades', async () => {
        const r = await this.ex.fetchMyTrades(symbol, since, 1000);
        if (!Array.isArray(r)) throw new VenueError('BAD_RESPONSE', `own trades from ${this.name} are not a list`, true);
        for (const t of r)
          if (!t || t.id === undefined || t.id === null || !(Number(t.price) > 0) || !(Number(t.amount) > 0) || !Number.isFinite(Number(t.timestamp)))
            throw new VenueError('BAD_RESPONSE', `malformed trade from ${this.name}: ${scrub(JSON.stringify(t?.info ?? t)).slice(0, 200)}`, true);
        return r;
      });
      for (const t of ts) {
        const info = (t.info ?? {}) as Record<string, unknown>;
        out.push({
          tradeId: String(t.id),
          venueOrderId: String(t.order ?? ''),
          symbol: t.symbol ?? symbol,
          side: t.side === 'sell' ? 'sell' : 'buy',
          qty: dec(info.qty) ?? dec(t.amount) ?? '0',
          price: dec(info.price) ?? dec(t.price) ?? '0',
          fee: dec(info.commission) ?? dec(t.fee?.cost) ?? '0',
          feeCurrency: String(info.commissionAsset ?? t.fee?.currency ?? ''),
          liquidity: t.takerOrMaker === 'maker' ? 'maker' : t.takerOrMaker === 'taker' ? 'taker' : null,
          tsMs: Number(t.timestamp),
        });
      }
      if (ts.length < 1000) break;
      since = Number(ts[ts.length - 1]!.timestamp) + 1;
    }
    const seen = new Set<string>();
    return out.filter((f) => (seen.has(f.tradeId) ? false : (seen.add(f.tradeId), true)));
  }

  /** Free + locked balance per currency (decimal strings). */
  async fetchBalance(): Promise<Record<string, string>> {
    const b = await this.retry('fetchBalance', async () => {
      const r = await this.ex.fetchBalance();
      if (!r || typeof r !== 'object' || typeof r.total !== 'object') throw new VenueError('BAD_RESPONSE', `balances from ${this.name} are malformed`, true);
      return r;
    });
    const out: Record<string, string> = {};
    const info = (b.info ?? {}) as { balances?: { asset: string; free: string; locked: string }[] };
    if (info.balances) {
      for (const x of info.balances) out[x.asset] = normDecimal(String(Number(x.free) + Number(x.locked) === 0 ? '0' : addDec(x.free, x.locked)));
    } else for (const [k, v] of Object.entries(b.total ?? {})) out[k] = dec(v) ?? '0';
    return out;
  }

  /** OHLCV history (paginated by the caller). */
  async fetchOhlcv(symbol: string, timeframe: string, since: number, limit: number): Promise<number[][]> {
    return (await this.retry('fetchOHLCV', () => this.ex.fetchOHLCV(symbol, timeframe, since, limit))) as number[][];
  }

  // ------------------------------------------------------------------ streams

  /**
   * Watches closed candles: calls `onBar` once per candle when the next one starts. Reconnects
   * with back-off until `signal` aborts.
   */
  async watchBars(symbol: string, timeframe: string, onBar: (c: number[]) => void, signal: AbortSignal): Promise<void> {
    if (!this.ex.has.watchOHLCV) throw new VenueError('NOT_SUPPORTED', `${this.name} has no watchOHLCV in CCXT`, false);
    let lastEmitted = 0;
    await this.loop('watchOHLCV', signal, async () => {
      const cs = (await this.ex.watchOHLCV!(symbol, timeframe)) as number[][];
      const latest = cs.length ? cs[cs.length - 1]![0]! : 0;
      for (const c of cs) {
        if (c[0]! < latest && c[0]! > lastEmitted) {
          onBar(c);
          lastEmitted = c[0]!;
        }
      }
      if (lastEmitted === 0 && cs.length > 1) lastEmitted = cs[cs.length - 2]![0]!;
    });
  }

  /** Watches trades. */
  async watchTrades(symbol: string, onTrade: (t: { id: string; price: number; qty: number; side: 'buy' | 'sell' | null; tsMs: number }) => void, signal: AbortSignal): Promise<void> {
    let last = '';
    await this.loop('watchTrades', signal, async () => {
      const ts = await this.ex.watchTrades(symbol);
      for (const t of ts) {
        if (String(t.id) <= last && String(t.id).length <= last.length) continue;
        last = String(t.id);
        onTrade({ id: String(t.id), price: Number(t.price), qty: Number(t.amount), side: t.side === 'buy' ? 'buy' : t.side === 'sell' ? 'sell' : null, tsMs: Number(t.timestamp) });
      }
    });
  }

  /** Watches the order book; refuses (and resubscribes on) a nonce that goes backwards. */
  async watchBook(symbol: string, onBook: (b: { bids: [number, number][]; asks: [number, number][]; nonce: number; tsMs: number }) => void, signal: AbortSignal): Promise<void> {
    let lastNonce = -1;
    await this.loop('watchOrderBook', signal, async () => {
      const b = await this.ex.watchOrderBook(symbol);
      const nonce = Number(b.nonce ?? -1);
      if (nonce >= 0 && nonce < lastNonce) {
        this.stats.bookRegressions++;
        lastNonce = -1;
        throw new VenueError('BOOK_SEQUENCE', `${symbol} book nonce went back from ${lastNonce} to ${nonce}`, true);
      }
      lastNonce = nonce;
      onBook({ bids: b.bids as [number, number][], asks: b.asks as [number, number][], nonce, tsMs: Number(b.timestamp ?? Date.now()) });
    });
  }

  private async loop(where: string, signal: AbortSignal, step: () => Promise<void>): Promise<void> {
    let delay = this.cfg.reconnectMs[0];
    while (!signal.aborted) {
      try {
        await step();
        delay = this.cfg.reconnectMs[0];
      } catch (raw) {
        if (signal.aborted) break;
        const e = classify(raw);
        this.count(e, where);
        if (e.venueCode === 'BOOK_SEQUENCE') this.stats.bookGaps++;
        if (!e.retryable && e.venueCode !== 'EXCHANGE_ERROR') throw e;
        this.stats.reconnects++;
        await sleep(delay * (0.5 + Math.random()), signal);
        delay = Math.min(delay * 2, this.cfg.reconnectMs[1]);
      }
    }
  }

  async close(): Promise<void> {
    try {
      await (this.ex as unknown as { close?: () => Promise<void> }).close?.();
    } catch {
      // closing a socket that is already gone
    }
  }
}

function addDec(a: string, b: string): string {
  const s = Math.max((a.split('.')[1] ?? '').length, (b.split('.')[1] ?? '').length);
  const m = (x: string) => BigInt((x.split('.')[0] ?? '0') + ((x.split('.')[1] ?? '') + '0'.repeat(s)).slice(0, s));
  const t = (m(a) + m(b)).toString().padStart(s + 1, '0');
  return s > 0 ? normDecimal(`${t.slice(0, t.length - s)}.${t.slice(t.length - s)}`) : t;
}
