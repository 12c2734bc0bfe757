/**
 * The runner: replays records through a strategy and the simulated venue in lock step. It is
 * the {@link StrategyContext} the strategy sees in backtests and paper sessions.
 *
 * Orders: the runner's own checks (order notional, rate) and the optional gate (control modes,
 * the risk engine), then the venue's OMS (order state machine, idempotent ids, the session's
 * pre-trade gate), then its bar/trade venue. An order's status is the OMS's: the runner reads
 * it from the OMS's execution reports (New, Accepted, PartialFill/Fill, Cancelled, Expired,
 * Rejected) and keeps only a view of it for the strategy and the journal.
 *
 * Per record `i`: if orders are working, the venue processes record `i` first (one call) and
 * its fills are delivered; then the strategy sees the record. With nothing working the venue
 * lags behind and catches up in one call when the strategy next submits — so a backtest
 * makes N-API calls per order, not per record.
 */
import { TachyonError } from '../errors.js';
import { formatMantissa, parseMantissa, scaleOf } from '../data/decimal.js';
import { RecordKind, type RecordView } from '../data/records.js';
import type { OrderStatus as OmsStatus } from '../oms/index.js';
import { REJECT_CODES, type ExecReport, type SimulatedVenue } from '../venues/simulated.js';
import type {
  Bar,
  BookUpdate,
  DecisionNote,
  Fill,
  Mode,
  OrderIntent,
  OrderUpdate,
  Side,
  Strategy,
  StrategyContext,
  Trade,
  WorkingOrder,
} from './strategy.js';

export interface RunnerInstrument {
  symbol: string;
  tickSize: string;
  lotSize: string;
}

/** Where the runner reports what happens (the journal in paper mode). All calls are in order. */
export interface RunnerSink {
  orderNew?(o: RunnerOrder, tsNs: bigint): void;
  orderUpdate?(o: RunnerOrder, tsNs: bigint): void;
  fill?(o: RunnerOrder, f: Fill, r: ExecReport, position: { qty: string; instrument: number }): void;
  decision?(note: DecisionNote, tsNs: bigint): void;
  risk?(code: string, message: string, symbol: string | null, tsNs: bigint, detail: unknown): void;
  log?(message: string, data?: Record<string, unknown>): void;
}

/** An order as the runner tracks it. */
export interface RunnerOrder {
  clientId: string;
  venueId: number;
  instrument: number;
  symbol: string;
  side: Side;
  type: 'market' | 'limit';
  tif: 'GTC' | 'IOC';
  /** Mantissas. */
  qty: number;
  price: number;
  filled: number;
  /** Σ price × qty of fills (mantissas), for the exact average price. */
  value: bigint;
  status: 'open' | 'filled' | 'cancelled' | 'rejected' | 'expired';
  reason: string | null;
  tag: string | null;
  createdNs: bigint;
}

export interface RunnerOptions {
  instruments: readonly RunnerInstrument[];
  venue: SimulatedVenue;
  strategy: Strategy;
  mode: Mode;
  /** Prefix of client order ids (≤ 24 characters of [A-Za-z0-9._:/-]). */
  idPrefix?: string;
  /** Starting cash (float view). */
  initialCash: number;
  sink?: RunnerSink;
  /** Largest order notional (quote currency, decimal string). */
  maxOrderNotional?: string;
  /** Orders per second of market time before intents are refused. */
  maxOrdersPerSec?: number;
  /**
   * An extra pre-trade check (control modes, the risk engine): return a refusal or `null`.
   * `reducing` is true when the order only reduces the position (with working orders).
   */
  gate?: (o: RunnerOrder, reducing: boolean, mark: number, nowNs: bigint) => { code: string; message: string } | null;
}

/** Counters of a run. */
export interface RunnerCounts {
  records: number;
  bars: number;
  trades: number;
  books: number;
  timers: number;
  intents: number;
  orders: number;
  fills: number;
  rejected: number;
  cancelled: number;
  expired: number;
  decisions: number;
}

interface Inst {
  symbol: string;
  pricePow: number;
  qtyPow: number;
  ps: number;
  qs: number;
  tick: number;
  lot: number;
}

const EMPTY: readonly WorkingOrder[] = [];

/** The runner's status of an order from the OMS's. */
const STATUS: Record<OmsStatus, RunnerOrder['status']> = {
  held: 'open',
  new: 'open',
  accepted: 'open',
  partiallyFilled: 'open',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'rejected',
  expired: 'expired',
};

export class Runner implements StrategyContext {
  readonly mode: Mode;
  readonly symbols: readonly string[];
  readonly counts: RunnerCounts = { records: 0, bars: 0, trades: 0, books: 0, timers: 0, intents: 0, orders: 0, fills: 0, rejected: 0, cancelled: 0, expired: 0, decisions: 0 };
  private readonly inst: Inst[];
  private readonly bySymbol = new Map<string, number>();
  private readonly venue: SimulatedVenue;
  private readonly strategy: Strategy;
  private readonly sink: RunnerSink | undefined;
  private readonly prefix: string;
  private seq = 0;
  private readonly byVenue = new Map<number, RunnerOrder>();
  private readonly byClient = new Map<string, RunnerOrder>();
  private readonly pos: number[];
  private readonly last: number[];
  private cashF: number;
  private readonly cashPow: number;
  private nowMs = Number.NaN;
  private nsView: RecordView | null = null;
  private nsIndex = 0;
  private nsCached = -1;
  private nsValue = 0n;

  /** Market time in exact nanoseconds (computed only when someone needs it). */
  private get nowNs(): bigint {
    if (!this.nsView) return 0n;
    if (this.nsCached !== this.nsIndex) {
      this.nsValue = this.nsView.tsNs(this.nsIndex);
      this.nsCached = this.nsIndex;
    }
    return this.nsValue;
  }
  /** Global index of the record being dispatched (the venue must have processed it before an order). */
  private current = -1;
  private deferred: (() => void)[] = [];
  private inCallback = false;
  private timerEvery = 0;
  private nextTimer = Number.POSITIVE_INFINITY;
  private readonly maxNotional: bigint | null;
  private readonly maxRate: number;
  private readonly gate: RunnerOptions['gate'];
  private readonly rateWindow: number[] = [];
  private started = false;

  constructor(o: RunnerOptions) {
    this.mode = o.mode;
    this.venue = o.venue;
    this.strategy = o.strategy;
    this.sink = o.sink;
    this.prefix = o.idPrefix ?? 'bt';
    if (!/^[A-Za-z0-9._:/-]{1,24}$/.test(this.prefix)) throw new TachyonError('ERR_CONFIG', `order id prefix ${JSON.stringify(this.prefix)} must be 1-24 characters of [A-Za-z0-9._:/-]`);
    this.inst = o.instruments.map((i, k) => {
      const ps = scaleOf(i.tickSize);
      const qs = scaleOf(i.lotSize);
      this.bySymbol.set(i.symbol, k);
      return { symbol: i.symbol, ps, qs, pricePow: 10 ** ps, qtyPow: 10 ** qs, tick: parseMantissa(i.tickSize, ps).m, lot: parseMantissa(i.lotSize, qs).m };
    });
    this.symbols = this.inst.map((i) => i.symbol);
    this.pos = this.inst.map(() => 0);
    this.last = this.inst.map(() => Number.NaN);
    this.cashF = o.initialCash;
    this.cashPow = 10 ** Math.max(...this.inst.map((i) => i.ps + i.qs));
    this.maxNotional = o.maxOrderNotional ? BigInt(parseMantissa(o.maxOrderNotional, 8).m) : null;
    this.maxRate = o.maxOrdersPerSec ?? 0;
    this.gate = o.gate;
  }

  /**
   * Sets the state carried over from earlier sessions (positions as mantissas, cash and last
   * prices as floats): the runner's view of the account after the journal was replayed.
   */
  restoreState(positions: readonly number[], cash: number, lastPrices: readonly number[]): void {
    positions.forEach((q, k) => {
      if (k < this.pos.length) this.pos[k] = q;
    });
    lastPrices.forEach((p, k) => {
      if (k < this.last.length && Number.isFinite(p)) this.last[k] = p;
    });
    this.cashF = cash;
  }

  /** Precision of instrument `k`: price and quantity scales. */
  scales(k: number): { ps: number; qs: number } {
    const i = this.inst[k]!;
    return { ps: i.ps, qs: i.qs };
  }

  // ------------------------------------------------------------------ StrategyContext

  get now(): number {
    return this.nowMs;
  }

  private id(symbol: string | undefined): number {
    if (symbol === undefined) return 0;
    const k = this.bySymbol.get(symbol);
    if (k === undefined) throw new TachyonError('ERR_STRATEGY', `unknown symbol ${JSON.stringify(symbol)}; the configured instruments are ${this.symbols.join(', ')}`);
    return k;
  }

  position(symbol?: string): number {
    const k = this.id(symbol);
    return this.pos[k]! / this.inst[k]!.qtyPow;
  }

  /** Exact position mantissa. */
  positionMantissa(instrument: number): number {
    return this.pos[instrument]!;
  }

  cash(): number {
    return this.cashF;
  }

  equity(): number {
    let e = this.cashF;
    for (let k = 0; k < this.pos.length; k++) if (this.pos[k] !== 0) e += (this.pos[k]! / this.inst[k]!.qtyPow) * this.last[k]!;
    return e;
  }

  lastPrice(symbol?: string): number {
    return this.last[this.id(symbol)]!;
  }

  openOrders(symbol?: string): readonly WorkingOrder[] {
    if (this.byVenue.size === 0) return EMPTY;
    const k = symbol === undefined ? -1 : this.id(symbol);
    const out: WorkingOrder[] = [];
    for (const o of this.byVenue.values()) {
      if (k >= 0 && o.instrument !== k) continue;
      const i = this.inst[o.instrument]!;
      out.push({ orderId: o.clientId, symbol: o.symbol, side: o.side, qty: (o.qty - o.filled) / i.qtyPow, price: o.type === 'limit' ? o.price / i.pricePow : null });
    }
    return out;
  }

  buy(symbol: string, qty: number | string, price?: number | string): string | null {
    return this.submit(price === undefined ? { symbol, side: 'buy', qty } : { symbol, side: 'buy', qty, type: 'limit', price });
  }

  sell(symbol: string, qty: number | string, price?: number | string): string | null {
    return this.submit(price === undefined ? { symbol, side: 'sell', qty } : { symbol, side: 'sell', qty, type: 'limit', price });
  }

  targetPosition(symbol: string, qty: number | string): string | null {
    const k = this.id(symbol);
    const i = this.inst[k]!;
    const target = this.toLots(qty, i, 'target');
    let working = 0;
    for (const o of this.byVenue.values()) if (o.instrument === k) working += (o.side === 'buy' ? 1 : -1) * (o.qty - o.filled);
    const delta = target - this.pos[k]! - working;
    if (delta === 0) return null;
    return this.submitMantissa(k, delta > 0 ? 'buy' : 'sell', Math.abs(delta), 0, 'market', 'GTC', null);
  }

  private toLots(v: number | string, i: Inst, what: string): number {
    const text = typeof v === 'number' ? String(v) : v;
    const p = parseMantissa(text, i.qs + 9);
    if (Number.isNaN(p.m) && typeof v === 'number' && Number.isFinite(v)) {
      // beyond 2^53 at the extra precision: fall back to the float
      return Math.trunc((v * i.qtyPow) / i.lot) * i.lot;
    }
    if (Number.isNaN(p.m)) throw new TachyonError('ERR_STRATEGY', `${what} ${JSON.stringify(v)} is not a number`);
    // toward zero onto the lot grid
    const units = Math.trunc(p.m / 1e9 / i.lot);
    return units * i.lot;
  }

  submit(intent: OrderIntent): string | null {
    const k = this.id(intent.symbol);
    const i = this.inst[k]!;
    if (intent.side !== 'buy' && intent.side !== 'sell') throw new TachyonError('ERR_STRATEGY', `intent side must be 'buy' or 'sell', got ${JSON.stringify(intent.side)}`);
    const qty = Math.abs(this.toLots(intent.qty, i, 'qty'));
    const type = intent.type ?? (intent.price === undefined ? 'market' : 'limit');
    let price = 0;
    if (type === 'limit') {
      if (intent.price === undefined) throw new TachyonError('ERR_STRATEGY', `a limit order needs a price (${intent.symbol} ${intent.side} ${String(intent.qty)})`);
      const p = parseMantissa(typeof intent.price === 'number' ? String(intent.price) : intent.price, i.ps + 9);
      if (Number.isNaN(p.m) || p.m <= 0) throw new TachyonError('ERR_STRATEGY', `limit price ${JSON.stringify(intent.price)} is not a positive number`);
      const ticks = p.m / 1e9 / i.tick;
      price = (intent.side === 'buy' ? Math.floor(ticks) : Math.ceil(ticks)) * i.tick;
    }
    return this.submitMantissa(k, intent.side, qty, price, type, intent.tif ?? 'GTC', intent.tag ?? null);
  }

  private submitMantissa(k: number, side: Side, qty: number, price: number, type: 'market' | 'limit', tif: 'GTC' | 'IOC', tag: string | null): string | null {
    const i = this.inst[k]!;
    this.counts.intents++;
    const clientId = `${this.prefix}-${(++this.seq).toString(36)}`;
    const o: RunnerOrder = {
      clientId,
      venueId: 0,
      instrument: k,
      symbol: i.symbol,
      side,
      type,
      tif,
      qty,
      price,
      filled: 0,
      value: 0n,
      status: 'open',
      reason: null,
      tag,
      createdNs: this.nowNs,
    };
    // the runtime's own checks (the Rust risk engine adds its limits when it is present)
    let refused = this.preTrade(o);
    if (!refused && this.gate) {
      let working = 0;
      for (const w of this.byVenue.values()) if (w.instrument === k) working += (w.side === 'buy' ? 1 : -1) * (w.qty - w.filled);
      const before = this.pos[k]! + working;
      const after = before + (side === 'buy' ? qty : -qty);
      refused = this.gate(o, Math.abs(after) < Math.abs(before) && Math.sign(after) * Math.sign(before) >= 0, this.last[k]!, this.nowNs);
    }
    if (refused) return this.refuse(o, refused.code, refused.message);
    // the venue must have processed every record up to the current one
    if (this.venue.cursor < this.current + 1) this.venue.advanceAll(this.current + 1);
    this.counts.orders++;
    this.sink?.orderNew?.(o, this.nowNs);
    const r = this.venue.submit(k, side === 'buy' ? 1 : 2, qty, type === 'limit' ? price : 0, tif === 'IOC');
    if (r < 0) {
      const code = REJECT_CODES[-r - 1] ?? 'REJECTED';
      this.venue.takeReportsFast(); // the rejected report is this outcome
      o.status = 'rejected';
      o.reason = code;
      this.counts.rejected++;
      this.sink?.orderUpdate?.(o, this.nowNs);
      this.sink?.risk?.(code, `order ${clientId} refused by the venue checks: ${code}`, o.symbol, this.nowNs, { qty: formatMantissa(qty, i.qs) });
      this.emitOrder(o, 'rejected', code);
      return null;
    }
    o.venueId = r;
    this.byVenue.set(r, o);
    this.byClient.set(clientId, o);
    // the OMS's New and Accepted reports (and a fill at the close) come back at once
    this.deliver(this.venue.takeReportsFast());
    return clientId;
  }

  private preTrade(o: RunnerOrder): { code: string; message: string } | null {
    const i = this.inst[o.instrument]!;
    if (o.qty <= 0) return { code: 'BAD_QUANTITY', message: `quantity rounds to zero lots of ${formatMantissa(i.lot, i.qs)}` };
    if (this.maxNotional !== null) {
      const px = o.type === 'limit' ? o.price : Math.round(this.last[o.instrument]! * i.pricePow);
      if (Number.isFinite(px)) {
        // notional at scale ps+qs → compare at scale 8 exactly with bigint
        const n = BigInt(o.qty) * BigInt(px);
        const scale = i.ps + i.qs;
        const lhs = scale <= 8 ? n * 10n ** BigInt(8 - scale) : n / 10n ** BigInt(scale - 8);
        if (lhs > this.maxNotional) return { code: 'MAX_ORDER_NOTIONAL', message: `order notional ${formatMantissa(n, scale)} is above risk.maxOrderNotional` };
      }
    }
    if (this.maxRate > 0) {
      const t = this.nowMs;
      while (this.rateWindow.length > 0 && this.rateWindow[0]! <= t - 1000) this.rateWindow.shift();
      if (this.rateWindow.length >= this.maxRate) return { code: 'RATE_LIMIT', message: `more than risk.maxOrdersPerSec = ${this.maxRate} orders in one second` };
      this.rateWindow.push(t);
    }
    return null;
  }

  private refuse(o: RunnerOrder, code: string, message: string): null {
    o.status = 'rejected';
    o.reason = code;
    this.counts.rejected++;
    this.sink?.risk?.(code, message, o.symbol, this.nowNs, { clientId: o.clientId });
    this.emitOrder(o, 'rejected', code);
    return null;
  }

  cancel(orderId: string): boolean {
    const o = this.byClient.get(orderId);
    if (!o || o.status !== 'open') return false;
    if (!this.venue.cancel(o.venueId)) return false;
    this.deliver(this.venue.takeReportsFast());
    return true;
  }

  cancelAll(symbol?: string): number {
    const k = symbol === undefined ? -1 : this.id(symbol);
    let n = 0;
    for (const o of [...this.byVenue.values()]) if ((k < 0 || o.instrument === k) && this.cancel(o.clientId)) n++;
    return n;
  }

  setTimer(everyMs: number): void {
    if (!(Number.isFinite(everyMs) && everyMs >= 0)) throw new TachyonError('ERR_STRATEGY', `setTimer needs a non-negative number of ms, got ${everyMs}`);
    this.timerEvery = everyMs;
    this.nextTimer = everyMs > 0 && Number.isFinite(this.nowMs) ? Math.floor(this.nowMs / everyMs) * everyMs + everyMs : everyMs > 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }

  record(note: DecisionNote): void {
    this.counts.decisions++;
    this.sink?.decision?.(note, this.nowNs);
  }

  log(message: string, data?: Record<string, unknown>): void {
    this.sink?.log?.(message, data);
  }

  // ------------------------------------------------------------------ reports

  private emitOrder(o: RunnerOrder, state: OrderUpdate['state'], reason: string | null): void {
    if (!this.strategy.onOrder) return;
    const u: OrderUpdate = { orderId: o.clientId, symbol: o.symbol, state, reason, ts: this.nowMs };
    this.later(() => this.strategy.onOrder!(u, this));
  }

  private later(fn: () => void): void {
    if (this.inCallback) this.deferred.push(fn);
    else fn();
  }

  private flushDeferred(): void {
    while (this.deferred.length > 0) {
      const q = this.deferred;
      this.deferred = [];
      for (const fn of q) {
        this.inCallback = true;
        try {
          fn();
        } finally {
          this.inCallback = false;
        }
      }
    }
  }

  private deliver(reports: ExecReport[]): void {
    for (const r of reports) {
      const o = this.byVenue.get(r.orderId);
      if (!o) continue;
      const i = this.inst[o.instrument]!;
      o.status = STATUS[r.status];
      const closed = o.status !== 'open';
      if (closed) this.byVenue.delete(r.orderId);
      const tsNs = r.tsNs;
      switch (r.kind) {
        case 'accepted':
          this.sink?.orderUpdate?.(o, this.nowNs);
          this.emitOrder(o, 'accepted', null);
          break;
        case 'partialFill':
        case 'fill': {
          const sign = r.side === 'buy' ? 1 : -1;
          this.pos[o.instrument]! += sign * r.lastQtyMantissa;
          const px = r.lastPriceMantissa / i.pricePow;
          const q = r.lastQtyMantissa / i.qtyPow;
          const fee = r.feeMantissa / this.cashPow;
          this.cashF -= sign * px * q + fee;
          this.last[o.instrument] = Number.isNaN(this.last[o.instrument]!) ? px : this.last[o.instrument]!;
          o.filled = r.cumQtyMantissa;
          o.value += BigInt(r.lastPriceMantissa) * BigInt(r.lastQtyMantissa);
          this.counts.fills++;
          const f: Fill = {
            orderId: o.clientId,
            symbol: o.symbol,
            side: o.side,
            qty: q,
            price: px,
            fee,
            liquidity: r.liquidity ?? 'taker',
            ts: Number(tsNs) / 1e6,
            exact: {
              qty: formatMantissa(r.lastQtyMantissa, i.qs),
              price: formatMantissa(r.lastPriceMantissa, i.ps),
              fee: formatMantissa(r.feeMantissa, Math.round(Math.log10(this.cashPow))),
            },
          };
          this.sink?.fill?.(o, f, r, { qty: formatMantissa(this.pos[o.instrument]!, i.qs), instrument: o.instrument });
          if (this.strategy.onFill) this.later(() => this.strategy.onFill!(f, this));
          if (o.status === 'filled') this.emitOrder(o, 'filled', null);
          break;
        }
        case 'cancelled':
        case 'expired':
          if (o.status === 'cancelled') this.counts.cancelled++;
          else this.counts.expired++;
          this.sink?.orderUpdate?.(o, tsNs);
          this.emitOrder(o, o.status === 'cancelled' ? 'cancelled' : 'expired', null);
          break;
        case 'rejected':
          o.reason = r.venueReject ?? r.reason;
          this.counts.rejected++;
          this.sink?.orderUpdate?.(o, tsNs);
          this.emitOrder(o, 'rejected', o.reason);
          break;
        default:
          break;
      }
    }
  }

  // ------------------------------------------------------------------ the loop

  /** Calls `onStart` (once). */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.strategy.onStart) this.call(() => this.strategy.onStart!(this));
  }

  private call(fn: () => void): void {
    this.inCallback = true;
    try {
      fn();
    } finally {
      this.inCallback = false;
    }
    this.flushDeferred();
  }

  /**
   * Dispatches records `[from, to)` of `view`, whose record 0 has global index `base` in the
   * venue (the venue must already hold them).
   */
  run(view: RecordView, from: number, to: number, base = 0): void {
    if (!this.started) this.start();
    const s = this.strategy;
    const venue = this.venue;
    this.nsCached = -1;
    for (let j = from; j < to; j++) {
      const g = base + j;
      this.current = g;
      if (this.byVenue.size > 0) {
        // the venue processes record g before the strategy sees it; fills come first
        while (venue.cursor < g + 1) {
          const reps = venue.advanceTake(g + 1);
          if (reps) this.deliver(reps);
        }
        this.flushDeferred();
      }
      const ts = view.tsMs(j);
      this.nowMs = ts;
      this.nsView = view;
      this.nsIndex = j;
      if (ts >= this.nextTimer) this.fireTimers(ts);
      const k = view.instrument(j);
      const i = this.inst[k];
      if (!i) continue;
      this.counts.records++;
      const kind = view.kind(j);
      if (kind === RecordKind.Bar) {
        this.counts.bars++;
        const close = view.d(j) / i.pricePow;
        this.last[k] = close;
        if (s.onBar) {
          const bar: Bar = {
            symbol: i.symbol,
            instrument: k,
            ts,
            open: view.a(j) / i.pricePow,
            high: view.b(j) / i.pricePow,
            low: view.c(j) / i.pricePow,
            close,
            volume: view.e(j) / i.qtyPow,
          };
          this.call(() => s.onBar!(bar, this));
        }
      } else if (kind === RecordKind.Trade) {
        this.counts.trades++;
        const price = view.a(j) / i.pricePow;
        this.last[k] = price;
        if (s.onTrade) {
          const side = view.side(j);
          const t: Trade = { symbol: i.symbol, instrument: k, ts, price, qty: view.b(j) / i.qtyPow, side: side === 1 ? 'buy' : side === 2 ? 'sell' : null };
          this.call(() => s.onTrade!(t, this));
        }
      } else if (kind === RecordKind.Bid || kind === RecordKind.Ask || kind === RecordKind.BookClear) {
        this.counts.books++;
        if (s.onBook) {
          const u: BookUpdate = {
            symbol: i.symbol,
            instrument: k,
            ts,
            side: kind === RecordKind.Ask ? 'ask' : 'bid',
            price: view.a(j) / i.pricePow,
            qty: view.b(j) / i.qtyPow,
            clear: kind === RecordKind.BookClear,
          };
          this.call(() => s.onBook!(u, this));
        }
      }
    }
  }

  private fireTimers(ts: number): void {
    if (this.timerEvery <= 0) return;
    if (this.nextTimer === Number.NEGATIVE_INFINITY) this.nextTimer = Math.floor(ts / this.timerEvery) * this.timerEvery;
    // one call per due tick, at most 1000 per record (a long gap in the data)
    let n = 0;
    while (ts >= this.nextTimer && n < 1000) {
      const at = this.nextTimer;
      this.nextTimer += this.timerEvery;
      this.counts.timers++;
      n++;
      if (this.strategy.onTimer) this.call(() => this.strategy.onTimer!(at, this));
    }
    if (ts >= this.nextTimer) this.nextTimer = Math.floor(ts / this.timerEvery) * this.timerEvery + this.timerEvery;
  }

  /** Calls `onStop` (once). */
  stop(): void {
    if (this.strategy.onStop) this.call(() => this.strategy.onStop!(this));
  }

  /** Orders still working. */
  get working(): number {
    return this.byVenue.size;
  }
}
