/**
 * Live trading through CCXT (`tachyon live --live --confirm`): the same strategy object as in
 * backtests and paper trading, real orders.
 *
 * Order path (write-ahead, idempotent): intent → checks (lot/tick, notional, rate, control
 * mode) → the order is journaled `pending` with its client id → sent with that id → the answer
 * is journaled (`open`/`filled`/`rejected`). A lost answer is resolved by asking the venue for
 * the client id, never by sending a new order.
 *
 * Fills are taken from the create answer and from polling the venue's own-trades list; each is
 * journaled once (keyed by the venue's trade id) together with the position it leads to, which
 * comes from the exact Rust ledger replaying every fill.
 *
 * On start it reconciles with the venue before the strategy sees anything: journaled orders
 * that were `pending`/`sent`/`open` are looked up by client id (found → their state and fills
 * are journaled; not found → `unknown`, never resent), fills the journal missed while the
 * process was down are fetched and journaled, and the venue's balances are compared with the
 * journaled positions (differences are journaled as risk events).
 */
import type { TachyonConfig } from '../config/schema.js';
import { TachyonError } from '../errors.js';
import { formatMantissa, parseMantissa, scaleOf } from '../data/decimal.js';
import { openJournal, type Journal } from '../store/index.js';
import type { OrderRecord, PositionRecord } from '../store/types.js';
import { CcxtVenue, VenueError, type VenueFill, type VenueInstrument, type VenueOrderState } from '../venues/ccxt.js';
import { SimulatedVenue } from '../venues/simulated.js';
import { loadStrategy } from './backtest.js';
import { createLogger, type Logger } from './log.js';
import { RiskGate } from './risk.js';
import type { Bar, DecisionNote, Fill, Mode, OrderIntent, OrderUpdate, Side, Strategy, StrategyContext, WorkingOrder } from './strategy.js';

export interface LiveOptions {
  config: TachyonConfig;
  strategy?: Strategy;
  signal?: AbortSignal;
  durationSec?: number;
  mode?: Mode;
  out?: NodeJS.WritableStream | null;
  env?: NodeJS.ProcessEnv;
  /** Own-trades polling period (ms). Default 1000. */
  pollMs?: number;
  /** Cancel working orders when stopping (default true). */
  cancelOnStop?: boolean;
}

export interface LiveResult {
  sessionId: string;
  bars: number;
  orders: number;
  fills: number;
  rejected: number;
  reconciled: { orders: number; unknown: number; missedFills: number; external: number; balanceMismatches: number };
  venue: CcxtVenue['stats'];
  journal: { head: string };
}

interface LiveOrder {
  clientId: string;
  k: number;
  symbol: string;
  side: Side;
  type: 'market' | 'limit';
  qty: number;
  price: number;
  filled: number;
  venueOrderId: string | null;
  status: OrderRecord['status'];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
  });

function nsOf(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

class LiveTrader implements StrategyContext {
  readonly symbols: readonly string[];
  readonly counts = { bars: 0, orders: 0, fills: 0, rejected: 0, decisions: 0 };
  nowMs = Date.now();
  private readonly pos: number[];
  private readonly last: number[];
  readonly orders = new Map<string, LiveOrder>();
  private readonly seenTrades = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private callbacks: (() => void)[] = [];
  private seq = 0;
  private timerEvery = 0;
  private nextTimer = Number.POSITIVE_INFINITY;
  /** Journals the risk engine's mode transitions since the last call. */
  journalTransitions(): void {
    for (const t of this.risk.newTransitions())
      this.enqueue(() => this.journal.appendModeChange({ sessionId: this.sessionId, tsNs: BigInt(t.tsNs), from: t.from, to: t.to, reason: t.reason, source: t.source }));
  }

  constructor(
    readonly modeName: Mode,
    readonly sessionId: string,
    readonly venueName: string,
    readonly insts: VenueInstrument[],
    private readonly venue: CcxtVenue,
    private readonly journal: Journal,
    private readonly ledger: SimulatedVenue,
    private readonly strategy: Strategy,
    private readonly config: TachyonConfig,
    private readonly logger: Logger,
    readonly risk: RiskGate,
  ) {
    this.symbols = insts.map((i) => i.symbol);
    this.pos = insts.map(() => 0);
    this.last = insts.map(() => Number.NaN);
  }

  get mode(): Mode {
    return this.modeName;
  }
  get now(): number {
    return this.nowMs;
  }

  private k(symbol?: string): number {
    if (symbol === undefined) return 0;
    const k = this.symbols.indexOf(symbol);
    if (k < 0) throw new TachyonError('ERR_STRATEGY', `unknown symbol ${JSON.stringify(symbol)}; trading ${this.symbols.join(', ')}`);
    return k;
  }
  private ps(k: number) {
    return scaleOf(this.insts[k]!.tickSize);
  }
  private qs(k: number) {
    return scaleOf(this.insts[k]!.lotSize);
  }

  position(symbol?: string): number {
    const k = this.k(symbol);
    return this.pos[k]! / 10 ** this.qs(k);
  }
  cash(): number {
    const a = this.ledger.account();
    return Number(a.cash);
  }
  equity(): number {
    let e = this.cash();
    this.pos.forEach((q, k) => {
      if (q !== 0) e += (q / 10 ** this.qs(k)) * this.last[k]!;
    });
    return e;
  }
  lastPrice(symbol?: string): number {
    return this.last[this.k(symbol)]!;
  }
  openOrders(symbol?: string): readonly WorkingOrder[] {
    const k = symbol === undefined ? -1 : this.k(symbol);
    return [...this.orders.values()]
      .filter((o) => (k < 0 || o.k === k) && ['pending', 'sent', 'open', 'partially_filled'].includes(o.status))
      .map((o) => ({ orderId: o.clientId, symbol: o.symbol, side: o.side, qty: (o.qty - o.filled) / 10 ** this.qs(o.k), price: o.type === 'limit' ? o.price / 10 ** this.ps(o.k) : null }));
  }
  buy(symbol: string, qty: number | string, price?: number | string): string | null {
    return this.submit(price === undefined ? { symbol, side: 'buy', qty } : { symbol, side: 'buy', qty, type: 'limit', price });
  }
  sell(symbol: string, qty: number | string, price?: number | string): string | null {
    return this.submit(price === undefined ? { symbol, side: 'sell', qty } : { symbol, side: 'sell', qty, type: 'limit', price });
  }
  targetPosition(symbol: string, qty: number | string): string | null {
    const k = this.k(symbol);
    const lot = parseMantissa(this.insts[k]!.lotSize, this.qs(k)).m;
    const want = Math.trunc(parseMantissa(String(qty), this.qs(k) + 9).m / 1e9 / lot) * lot;
    let working = 0;
    for (const o of this.orders.values()) if (o.k === k && ['pending', 'sent', 'open', 'partially_filled'].includes(o.status)) working += (o.side === 'buy' ? 1 : -1) * (o.qty - o.filled);
    const delta = want - this.pos[k]! - working;
    if (delta === 0) return null;
    return this.place(k, delta > 0 ? 'buy' : 'sell', Math.abs(delta), 0, 'market', 'GTC');
  }
  submit(intent: OrderIntent): string | null {
    const k = this.k(intent.symbol);
    const lot = parseMantissa(this.insts[k]!.lotSize, this.qs(k)).m;
    const q = Math.trunc(Math.abs(parseMantissa(String(intent.qty), this.qs(k) + 9).m) / 1e9 / lot) * lot;
    const type = intent.type ?? (intent.price === undefined ? 'market' : 'limit');
    let price = 0;
    if (type === 'limit') {
      const tick = parseMantissa(this.insts[k]!.tickSize, this.ps(k)).m;
      const p = parseMantissa(String(intent.price), this.ps(k) + 9).m / 1e9 / tick;
      price = (intent.side === 'buy' ? Math.floor(p) : Math.ceil(p)) * tick;
    }
    return this.place(k, intent.side, q, price, type, intent.tif ?? 'GTC');
  }
  cancel(orderId: string): boolean {
    const o = this.orders.get(orderId);
    if (!o || !['open', 'partially_filled', 'sent'].includes(o.status)) return false;
    this.enqueue(async () => {
      const ok = await this.venue.cancelOrder(o.clientId, o.symbol);
      if (ok) await this.setStatus(o, 'cancelled', null);
    });
    return true;
  }
  cancelAll(symbol?: string): number {
    let n = 0;
    for (const o of this.openOrders(symbol)) if (this.cancel(o.orderId)) n++;
    return n;
  }
  setTimer(everyMs: number): void {
    this.timerEvery = everyMs;
    this.nextTimer = everyMs > 0 ? Math.floor(this.nowMs / everyMs) * everyMs + everyMs : Number.POSITIVE_INFINITY;
  }
  record(note: DecisionNote): void {
    this.counts.decisions++;
    if (!this.config.journal.decisions) return;
    const d = { sessionId: this.sessionId, tsNs: nsOf(this.nowMs), symbol: note.symbol, action: note.action, score: note.score ?? null, detail: note.detail ?? null };
    this.enqueue(() => this.journal.appendDecisions([d]));
  }
  log(message: string, data?: Record<string, unknown>): void {
    this.logger.info(data ?? {}, message);
  }

  private refuse(code: string, message: string, symbol: string): null {
    this.counts.rejected++;
    this.enqueue(() => this.journal.appendRiskEvent({ sessionId: this.sessionId, tsNs: nsOf(Date.now()), symbol, code, message, detail: null }));
    const u: OrderUpdate = { orderId: '', symbol, state: 'rejected', reason: code, ts: this.nowMs };
    this.later(() => this.strategy.onOrder?.(u, this));
    return null;
  }

  private place(k: number, side: Side, qty: number, price: number, type: 'market' | 'limit', tif: 'GTC' | 'IOC'): string | null {
    const inst = this.insts[k]!;
    if (qty <= 0) return this.refuse('BAD_QUANTITY', `quantity rounds to zero lots of ${inst.lotSize}`, inst.symbol);
    const reducing = (() => {
      const before = this.pos[k]!;
      const after = before + (side === 'buy' ? qty : -qty);
      return Math.abs(after) < Math.abs(before) && Math.sign(after) * Math.sign(before) >= 0;
    })();
    void reducing;
    const ref = type === 'limit' ? price / 10 ** this.ps(k) : this.last[k]!;
    const notional = (qty / 10 ** this.qs(k)) * ref;
    if (Number.isFinite(notional) && notional < Number(inst.minNotional)) return this.refuse('NOTIONAL', `notional ${notional.toFixed(2)} is below the venue minimum ${inst.minNotional}`, inst.symbol);
    // limits, order rate and the control modes: the risk engine
    this.risk.setEquity(this.equity());
    const px = type === 'limit' ? price : Math.round(this.last[k]! * 10 ** this.ps(k));
    const refusal = Number.isFinite(px) ? this.risk.check(k, side === 'buy', px, qty, this.last[k]!) : null;
    this.journalTransitions();
    if (refusal) return this.refuse(refusal.code, refusal.message, inst.symbol);
    const now = Date.now();
    const clientId = `${this.sessionId}-${(++this.seq).toString(36)}`;
    const o: LiveOrder = { clientId, k, symbol: inst.symbol, side, type, qty, price, filled: 0, venueOrderId: null, status: 'pending' };
    this.orders.set(clientId, o);
    this.counts.orders++;
    const rec: OrderRecord = {
      clientId,
      sessionId: this.sessionId,
      venue: this.venueName,
      symbol: inst.symbol,
      side,
      type,
      tif,
      qty: formatMantissa(qty, this.qs(k)),
      price: type === 'limit' ? formatMantissa(price, this.ps(k)) : null,
      status: 'pending',
      venueOrderId: null,
      filledQty: '0',
      avgPrice: null,
      reason: null,
      strategy: this.strategy.name ?? 'strategy',
      createdNs: nsOf(now),
      updatedNs: nsOf(now),
    };
    this.enqueue(async () => {
      await this.journal.insertOrder(rec); // write-ahead: journaled before it leaves
      try {
        const r = await this.venue.createOrder(clientId, inst.symbol, side, type, rec.qty, rec.price, tif);
        o.venueOrderId = r.order.venueOrderId;
        await this.adopt(o, r.order);
        for (const f of r.fills) await this.onVenueFill(f, o);
      } catch (e) {
        const ve = e instanceof VenueError ? e : null;
        const reason = ve?.venueCode ?? 'EXCHANGE_ERROR';
        if (ve?.retryable) {
          // unknown outcome after retries: keep it `sent`; reconciliation decides
          await this.setStatus(o, 'sent', reason);
        } else {
          this.counts.rejected++;
          await this.setStatus(o, 'rejected', reason);
          await this.journal.appendRiskEvent({ sessionId: this.sessionId, tsNs: nsOf(Date.now()), symbol: inst.symbol, code: `VENUE_${reason}`, message: (e as Error).message, detail: { clientId } });
        }
      }
    });
    return clientId;
  }

  private async setStatus(o: LiveOrder, status: OrderRecord['status'], reason: string | null): Promise<void> {
    o.status = status;
    await this.journal.updateOrder(o.clientId, { status, reason, venueOrderId: o.venueOrderId }, nsOf(Date.now()));
    if (status === 'cancelled' || status === 'rejected' || status === 'expired') {
      const u: OrderUpdate = { orderId: o.clientId, symbol: o.symbol, state: status === 'cancelled' ? 'cancelled' : status === 'expired' ? 'expired' : 'rejected', reason, ts: Date.now() };
      this.later(() => this.strategy.onOrder?.(u, this));
    }
  }

  /** Takes the venue's view of an order (status, id). */
  async adopt(o: LiveOrder, v: VenueOrderState): Promise<void> {
    o.venueOrderId = v.venueOrderId;
    const status: OrderRecord['status'] = v.status === 'filled' ? (o.filled >= o.qty ? 'filled' : 'open') : v.status;
    if (status === o.status && v.status !== 'filled') return;
    if (v.status === 'filled' && o.filled < o.qty) {
      // the fills arrive separately; keep it open until they are booked
      o.status = 'open';
      await this.journal.updateOrder(o.clientId, { status: 'open', venueOrderId: o.venueOrderId }, nsOf(Date.now()));
      return;
    }
    await this.setStatus(o, status, null);
  }

  /** Books one venue fill (once). */
  async onVenueFill(f: VenueFill, known?: LiveOrder): Promise<boolean> {
    if (this.seenTrades.has(f.tradeId)) return false;
    if (await this.journal.hasFill(this.venueName, f.tradeId)) {
      this.seenTrades.add(f.tradeId);
      return false;
    }
    let o = known ?? [...this.orders.values()].find((x) => x.venueOrderId === f.venueOrderId);
    if (!o) {
      const all = await this.journal.orders();
      const rec = all.find((x) => x.venue === this.venueName && x.venueOrderId === f.venueOrderId);
      const k = this.symbols.indexOf(f.symbol);
      if (k < 0) return false;
      if (rec) {
        o = { clientId: rec.clientId, k, symbol: rec.symbol, side: rec.side, type: rec.type, qty: parseMantissa(rec.qty, this.qs(k)).m, price: rec.price ? parseMantissa(rec.price, this.ps(k)).m : 0, filled: parseMantissa(rec.filledQty, this.qs(k)).m, venueOrderId: rec.venueOrderId, status: rec.status };
      } else {
        // placed outside Tachyon: journal it as an external order so the fill has a parent
        const clientId = `ext-${f.venueOrderId}`.slice(0, 36);
        o = { clientId, k, symbol: f.symbol, side: f.side, type: 'market', qty: parseMantissa(f.qty, this.qs(k)).m, price: 0, filled: 0, venueOrderId: f.venueOrderId, status: 'open' };
        if (!(await this.journal.getOrder(clientId)))
          await this.journal.insertOrder({
            clientId,
            sessionId: this.sessionId,
            venue: this.venueName,
            symbol: f.symbol,
            side: f.side,
            type: 'market',
            tif: 'GTC',
            qty: f.qty,
            price: null,
            status: 'open',
            venueOrderId: f.venueOrderId,
            filledQty: '0',
            avgPrice: null,
            reason: 'EXTERNAL',
            strategy: null,
            createdNs: nsOf(f.tsMs),
            updatedNs: nsOf(f.tsMs),
          });
        this.externalOrders++;
      }
      this.orders.set(o.clientId, o);
    }
    const k = o.k;
    const qm = parseMantissa(f.qty, this.qs(k)).m;
    const pm = parseMantissa(f.price, this.ps(k)).m;
    // fees in the quote currency enter the ledger; others (BNB, the base asset) are journaled as reported
    const quoteFee = f.feeCurrency === '' || f.feeCurrency === this.insts[k]!.quote;
    if (!quoteFee && !this.warnedFee) {
      this.warnedFee = true;
      await this.journal.appendRiskEvent({ sessionId: this.sessionId, tsNs: nsOf(Date.now()), symbol: o.symbol, code: 'FEE_CURRENCY', message: `fees are charged in ${f.feeCurrency}, not ${this.insts[k]!.quote}: journaled as reported, not in the P&L`, detail: null });
    }
    this.ledger.restoreFill(k, f.side === 'buy' ? 1 : 2, qm, pm, quoteFee ? f.fee : '0', f.tsMs);
    this.risk.onFill(k, f.side, f.qty, f.price);
    this.pos[k]! += (f.side === 'buy' ? 1 : -1) * qm;
    this.last[k] = Number(f.price);
    o.filled = Math.min(o.qty, o.filled + qm);
    o.status = o.filled >= o.qty ? 'filled' : 'partially_filled';
    const a = this.ledger.account().positions[k]!;
    const position: PositionRecord = {
      venue: this.venueName,
      symbol: o.symbol,
      qty: a.qty,
      avgPrice: Number(a.qty) === 0 || !Number.isFinite(a.avgPrice) ? null : a.avgPrice.toFixed(this.ps(k)),
      realizedPnl: a.realized,
      fees: a.fees,
      updatedNs: nsOf(f.tsMs),
    };
    const stored = await this.journal.applyFill(
      { venue: this.venueName, tradeId: f.tradeId, clientId: o.clientId, symbol: o.symbol, side: f.side, qty: f.qty, price: f.price, fee: f.fee, feeCurrency: f.feeCurrency, liquidity: f.liquidity, tsNs: nsOf(f.tsMs) },
      { status: o.status, filledQty: formatMantissa(o.filled, this.qs(k)), venueOrderId: o.venueOrderId },
      position,
    );
    this.seenTrades.add(f.tradeId);
    if (!stored) return false;
    this.counts.fills++;
    const fill: Fill = {
      orderId: o.clientId,
      symbol: o.symbol,
      side: f.side,
      qty: qm / 10 ** this.qs(k),
      price: Number(f.price),
      fee: Number(f.fee),
      liquidity: f.liquidity,
      ts: f.tsMs,
      exact: { qty: f.qty, price: f.price, fee: f.fee },
    };
    this.later(() => this.strategy.onFill?.(fill, this));
    return true;
  }

  externalOrders = 0;
  private warnedFee = false;

  enqueue(job: () => Promise<unknown>): void {
    this.queue = this.queue.then(
      () => job().then(() => undefined),
      () => job().then(() => undefined),
    );
    this.queue = this.queue.catch((e: Error) => {
      this.logger.error({ err: e.message }, 'order path failed');
    });
  }

  /** Waits for queued order work. */
  drain(): Promise<void> {
    return this.queue;
  }

  private later(fn: () => void): void {
    this.callbacks.push(fn);
  }

  /** Runs the strategy callbacks that are due (never inside another callback). */
  deliver(): void {
    while (this.callbacks.length > 0) {
      const q = this.callbacks;
      this.callbacks = [];
      for (const fn of q) fn();
    }
  }

  onBar(bar: Bar): void {
    this.nowMs = bar.ts;
    this.last[bar.instrument] = bar.close;
    this.counts.bars++;
    this.deliver();
    if (this.timerEvery > 0 && bar.ts >= this.nextTimer) {
      const at = this.nextTimer;
      this.nextTimer = Math.floor(bar.ts / this.timerEvery) * this.timerEvery + this.timerEvery;
      this.strategy.onTimer?.(at, this);
    }
    this.strategy.onBar?.(bar, this);
    this.deliver();
  }
}

/** Runs a live session (see the module docs). */
export async function runLive(o: LiveOptions): Promise<LiveResult> {
  const config = o.config;
  const out = o.out === undefined ? process.stdout : o.out;
  const log = createLogger(config.log);
  const venue = await CcxtVenue.connect({ config: config.venue, credentials: true, env: o.env, onError: (e, where) => log.warn({ where, code: e.venueCode, msg: e.message }, 'venue error') });
  const insts = config.instruments.map((i) => venue.instrument(i.symbol));
  for (const [k, i] of insts.entries()) {
    const c = config.instruments[k]!;
    if (c.tickSize !== i.tickSize || c.lotSize !== i.lotSize) log.warn({ symbol: i.symbol, venue: { tick: i.tickSize, lot: i.lotSize }, config: { tick: c.tickSize, lot: c.lotSize } }, 'the venue’s tick/lot differ from the config: the venue’s are used');
  }
  const journal = await openJournal({ backend: config.journal.backend, path: config.journal.path, urlEnv: config.journal.urlEnv, synchronous: config.journal.synchronous });
  const venueName = `ccxt:${config.venue.exchange}`;
  const strategy = o.strategy ?? (await loadStrategy(config));
  const mode = o.mode ?? 'live';
  const sessionId = await journal.beginSession(mode, config);
  // exact ledger: money to 10 decimals at least (venues report fees to 8)
  const ledger = new SimulatedVenue({
    instruments: insts.map((i) => ({ symbol: i.symbol, tickSize: i.tickSize, lotSize: i.lotSize, minNotional: i.minNotional })),
    initialCash: config.account.initialCash,
    cashScale: 10,
  });
  const risk = new RiskGate(config, venueName, insts, o.env ?? process.env);
  const t = new LiveTrader(mode, sessionId, venueName, insts, venue, journal, ledger, strategy, config, log, risk);
  const reconciled = { orders: 0, unknown: 0, missedFills: 0, external: 0, balanceMismatches: 0 };
  try {
    // ---- rebuild the ledger from the journal
    for (const f of await journal.fills({ venue: venueName })) {
      const k = t.symbols.indexOf(f.symbol);
      if (k < 0) continue;
      ledger.restoreFill(k, f.side === 'buy' ? 1 : 2, parseMantissa(f.qty, scaleOf(insts[k]!.lotSize)).m, parseMantissa(f.price, scaleOf(insts[k]!.tickSize)).m, f.feeCurrency === '' || f.feeCurrency === insts[k]!.quote ? f.fee : '0', Number(f.tsNs / 1_000_000n));
      risk.onFill(k, f.side, f.qty, f.price);
    }
    const acct = ledger.account();
    const pos = acct.positions.map((p) => parseMantissa(p.qty, scaleOf(insts[p.instrument]!.lotSize)).m);
    (t as unknown as { pos: number[] }).pos.splice(0, pos.length, ...pos);
    // ---- reconcile orders by client id
    for (const rec of await journal.openOrders(venueName)) {
      const k = t.symbols.indexOf(rec.symbol);
      if (k < 0) continue;
      reconciled.orders++;
      const v = await venue.fetchOrderByClientId(rec.clientId, rec.symbol);
      const lo: LiveOrder = {
        clientId: rec.clientId,
        k,
        symbol: rec.symbol,
        side: rec.side,
        type: rec.type,
        qty: parseMantissa(rec.qty, scaleOf(insts[k]!.lotSize)).m,
        price: rec.price ? parseMantissa(rec.price, scaleOf(insts[k]!.tickSize)).m : 0,
        filled: parseMantissa(rec.filledQty, scaleOf(insts[k]!.lotSize)).m,
        venueOrderId: rec.venueOrderId,
        status: rec.status,
      };
      t.orders.set(rec.clientId, lo);
      if (!v) {
        reconciled.unknown++;
        await journal.updateOrder(rec.clientId, { status: 'unknown', reason: 'NOT_AT_VENUE' });
        lo.status = 'unknown';
        continue;
      }
      lo.venueOrderId = v.venueOrderId;
      await t.adopt(lo, v);
    }
    // ---- fills the journal missed
    const known = await journal.fills({ venue: venueName });
    const since = known.length > 0 ? Number(known[known.length - 1]!.tsNs / 1_000_000n) - 60_000 : Date.now() - 7 * 86_400_000;
    for (const s of t.symbols) {
      for (const f of await venue.fetchMyTrades(s, since)) {
        const ours = [...t.orders.values()].some((x) => x.venueOrderId === f.venueOrderId) || (await journal.orders()).some((x) => x.venue === venueName && x.venueOrderId === f.venueOrderId);
        if (await t.onVenueFill(f)) {
          reconciled.missedFills++;
          if (!ours) reconciled.external++;
        }
      }
    }
    // ---- balances vs journaled positions (spot: the base asset)
    try {
      const bal = await venue.fetchBalance();
      for (const [k, i] of insts.entries()) {
        const journaled = ledger.account().positions[k]!.qty;
        const held = bal[i.base] ?? '0';
        if (Number(held) < Number(journaled) - 1e-12) {
          reconciled.balanceMismatches++;
          await journal.appendRiskEvent({ sessionId, tsNs: nsOf(Date.now()), symbol: i.symbol, code: 'RECON_BALANCE', message: `venue holds ${held} ${i.base}, the journal's position is ${journaled}`, detail: { held, journaled } });
        }
      }
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'balance check failed');
    }
    t.deliver();
    out?.write(
      `tachyon ${mode}: ${strategy.name ?? 'strategy'} on ${venue.name} (${config.venue.sandbox ? 'sandbox' : 'LIVE'}${config.venue.baseUrl ? ` via ${config.venue.baseUrl}` : ''}) ${t.symbols.join(', ')} ${config.venue.timeframe} bars\n` +
        `  reconciled ${reconciled.orders} open orders (${reconciled.unknown} unknown at the venue), ${reconciled.missedFills} missed fills (${reconciled.external} external), ${reconciled.balanceMismatches} balance mismatches\n`,
    );

    // ---- run
    const ac = new AbortController();
    const stop = () => ac.abort();
    o.signal?.addEventListener('abort', stop, { once: true });
    if (o.signal?.aborted) stop();
    const timer = (o.durationSec ?? 0) > 0 ? setTimeout(stop, o.durationSec! * 1000) : null;
    strategy.onStart?.(t);
    t.deliver();
    const feeds = insts.map((inst, k) =>
      venue.watchBars(
        inst.symbol,
        config.venue.timeframe,
        (c) => t.onBar({ symbol: inst.symbol, instrument: k, ts: c[0]!, open: c[1]!, high: c[2]!, low: c[3]!, close: c[4]!, volume: c[5]! }),
        ac.signal,
      ),
    );
    const poller = (async () => {
      while (!ac.signal.aborted) {
        await sleep(o.pollMs ?? 1000, ac.signal);
        if (ac.signal.aborted) break;
        const working = [...t.orders.values()].filter((x) => ['sent', 'open', 'partially_filled'].includes(x.status));
        if (working.length === 0) continue;
        t.enqueue(async () => {
          for (const s of new Set(working.map((w) => w.symbol))) {
            for (const f of await venue.fetchMyTrades(s, Date.now() - 3_600_000)) await t.onVenueFill(f);
          }
          for (const w of working) {
            if (w.status === 'filled') continue;
            const v = await venue.fetchOrderByClientId(w.clientId, w.symbol);
            if (v && v.status !== 'filled' && v.status !== 'open' && v.status !== 'partially_filled') await t.adopt(w, v);
          }
        });
        await t.drain();
        t.deliver();
      }
    })();
    await Promise.race([Promise.all(feeds), new Promise<void>((r) => ac.signal.addEventListener('abort', () => r(), { once: true }))]);
    ac.abort();
    if (timer) clearTimeout(timer);
    await poller;
    strategy.onStop?.(t);
    if (o.cancelOnStop ?? true) t.cancelAll();
    await t.drain();
    t.deliver();
    const head = await journal.endSession(sessionId, 'stopped');
    out?.write(`stopped: ${t.counts.bars} bars, ${t.counts.orders} orders, ${t.counts.fills} fills, ${t.counts.rejected} refused; venue ${JSON.stringify(venue.stats.errors)}; audit head ${head.slice(0, 16)}…\n`);
    return { sessionId, bars: t.counts.bars, orders: t.counts.orders, fills: t.counts.fills, rejected: t.counts.rejected, reconciled, venue: venue.stats, journal: { head } };
  } finally {
    await venue.close();
    await journal.close();
  }
}
