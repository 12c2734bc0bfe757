/**
 * Live trading through CCXT (`tachyon live --live --confirm`): the same strategy object as in
 * backtests and paper trading, real orders, through the OMS.
 *
 * Order path (write-ahead, idempotent): intent → lot/tick rounding and the venue's minimum
 * notional → the OMS (`Oms.submit`: order state machine, idempotent client ids, and its
 * pre-trade gate, which is the Rust risk engine — limits, order rate, control modes,
 * breakers, kill switch; a refusal is journaled as a risk event with the engine's code) →
 * the OMS's venue commands (`drainCommands`): a `new` is journaled `pending` with its client
 * id and only then sent to the venue with that id as the exchange's client order id; a
 * `cancel` becomes `cancelOrder`. The venue's answers become OMS venue events (`accepted`,
 * `fill` with the venue's trade id, `cancelled`, `expired`, `rejected` with a mapped reason),
 * and the journal follows the OMS's order states. A lost answer stays `sent` and is resolved
 * by asking the venue for the client id, never by sending a new order.
 *
 * Fills are taken from the create answer and from polling the venue's own-trades list; each is
 * journaled once (keyed by the venue's trade id) together with the position it leads to, which
 * is the OMS's position (exact quantity, average entry and realized P&L; fees are summed
 * exactly from the venue's figures, which carry more decimals than the OMS's notional scale).
 * A fill the OMS refuses as impossible (e.g. after an acknowledged cancel) is still booked into
 * the position (`restoreFill`, the venue is the truth), counted, and journaled as a risk event.
 *
 * On start it rebuilds the OMS from the journal (every journaled fill restored into its
 * position and the risk engine) and reconciles with the venue before the strategy sees
 * anything: journaled orders that were `pending`/`sent`/`open` are looked up by client id
 * (found → taken over by the OMS (`restoreOrder`) and their state and fills journaled; not
 * found → `unknown`, never resent), fills the journal missed while the process was down are
 * fetched and journaled, `Oms.reconcile` compares the OMS's open orders with the venue's, and
 * the venue's balances are compared with the journaled positions (differences are journaled as
 * risk events).
 */
import type { TachyonConfig } from '../config/schema.js';
import { TachyonError } from '../errors.js';
import { formatMantissa, parseMantissa, scaleOf } from '../data/decimal.js';
import { Instrument } from '../api/core.js';
import { Oms, type OrderInfo, type VenueCommandInfo } from '../oms/index.js';
import { openJournal, type Journal } from '../store/index.js';
import type { OrderRecord, PositionRecord } from '../store/types.js';
import { CcxtVenue, VenueError, type VenueFill, type VenueInstrument, type VenueOrderState } from '../venues/ccxt.js';
import { loadStrategy } from './backtest.js';
import { createLogger, type Logger } from './log.js';
import { riskEngineOptions } from './risk.js';
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
  /** The OMS at the end: its counters, and the position per instrument (exact decimals). */
  oms: { stats: ReturnType<Oms['stats']>; positions: { symbol: string; qty: string; avgEntry: string | null; realized: string; fees: string }[] };
  journal: { head: string };
}

/**
 * What the OMS does not keep about a live order: the venue's order id, the symbol, and the
 * status last written to the journal. Its state, fills and average price are the OMS's.
 */
interface LiveOrder {
  clientId: string;
  orderId: number;
  k: number;
  symbol: string;
  side: Side;
  type: 'market' | 'limit';
  tif: 'GTC' | 'IOC';
  venueOrderId: string | null;
  /** Status last journaled. */
  journaled: OrderRecord['status'];
}

const WORKING: readonly OrderRecord['status'][] = ['pending', 'sent', 'open', 'partially_filled'];

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const wake = () => (clearTimeout(t), r());
    const t = setTimeout(() => (signal?.removeEventListener('abort', wake), r()), ms);
    signal?.addEventListener('abort', wake, { once: true });
  });

function nsOf(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

/** Exact decimal → integer at `scale`, rounded half-even when it has more decimals. */
export function scaled(text: string, scale: number): bigint {
  const neg = text.startsWith('-');
  const [i = '0', f = ''] = text.replace(/^[-+]/, '').split('.');
  const keep = BigInt((i || '0') + f.slice(0, scale).padEnd(scale, '0'));
  const rest = f.slice(scale);
  let v = keep;
  if (/[1-9]/.test(rest)) {
    const first = rest.charCodeAt(0) - 48;
    const tail = /[1-9]/.test(rest.slice(1));
    if (first > 5 || (first === 5 && (tail || keep % 2n === 1n))) v += 1n;
  }
  return neg ? -v : v;
}

/** The OMS's order status as the journal's. */
function journalStatus(o: OrderInfo): OrderRecord['status'] {
  switch (o.status) {
    case 'held':
    case 'new':
      return 'sent';
    case 'accepted':
      return 'open';
    case 'partiallyFilled':
      return 'partially_filled';
    default:
      return o.status as OrderRecord['status'];
  }
}

/** The OMS's refusal as the runtime's rejection code (the risk engine's codes pass through). */
function refusalCode(r: { reason: string; gateCode?: string | null }): string {
  switch (r.reason) {
    case 'gate':
      return r.gateCode ?? 'RISK';
    case 'controlPause':
      return 'MODE_PAUSE';
    case 'controlReduce':
      return 'MODE_REDUCE';
    case 'controlEmergency':
      return 'MODE_EMERGENCY';
    case 'reduceOnly':
      return 'REDUCE_ONLY';
    default:
      return r.reason.toUpperCase();
  }
}

/** A venue error code as the OMS's venue rejection code. */
function venueReject(code: string): string {
  switch (code) {
    case 'RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'ORDER_NOT_FOUND':
      return 'UNKNOWN_ORDER';
    case 'NETWORK':
      return 'DISCONNECTED';
    default:
      return 'INVALID';
  }
}

/** A venue trade id as the OMS's numeric one (0 = none: the journal still dedups by text). */
function tradeNo(id: string): number {
  const n = Number(id);
  return /^\d+$/.test(id) && Number.isSafeInteger(n) ? n : 0;
}

class LiveTrader implements StrategyContext {
  readonly symbols: readonly string[];
  readonly counts = { bars: 0, orders: 0, fills: 0, rejected: 0, decisions: 0, omsErrors: 0 };
  nowMs = Date.now();
  private readonly last: number[];
  readonly orders = new Map<string, LiveOrder>();
  private readonly byId = new Map<number, LiveOrder>();
  private readonly seenTrades = new Set<string>();
  /** Quote-currency fees per instrument, exact, at scale {@link FEE_SCALE}. */
  readonly fees: bigint[];
  private queue: Promise<void> = Promise.resolve();
  private callbacks: (() => void)[] = [];
  private seq = 0;
  private lastTransition = 0;
  private timerEvery = 0;
  private nextTimer = Number.POSITIVE_INFINITY;
  externalOrders = 0;
  private warnedFee = false;

  constructor(
    readonly modeName: Mode,
    readonly sessionId: string,
    readonly venueName: string,
    readonly insts: VenueInstrument[],
    private readonly venue: CcxtVenue,
    private readonly journal: Journal,
    readonly oms: Oms,
    private readonly strategy: Strategy,
    private readonly config: TachyonConfig,
    private readonly logger: Logger,
  ) {
    this.symbols = insts.map((i) => i.symbol);
    this.last = insts.map(() => Number.NaN);
    this.fees = insts.map(() => 0n);
  }

  get mode(): Mode {
    return this.modeName;
  }
  get now(): number {
    return this.nowMs;
  }

  /** Journals the risk engine's mode transitions since the last call. */
  journalTransitions(): void {
    for (const t of this.oms.risk!.transitions(this.lastTransition)) {
      this.lastTransition = t.seq;
      this.enqueue(() => this.journal.appendModeChange({ sessionId: this.sessionId, tsNs: BigInt(t.tsNs), from: t.from, to: t.to, reason: t.reason, source: t.source }));
    }
  }

  private k(symbol?: string): number {
    if (symbol === undefined) return 0;
    const k = this.symbols.indexOf(symbol);
    if (k < 0) throw new TachyonError('ERR_STRATEGY', `unknown symbol ${JSON.stringify(symbol)}; trading ${this.symbols.join(', ')}`);
    return k;
  }
  ps(k: number) {
    return scaleOf(this.insts[k]!.tickSize);
  }
  qs(k: number) {
    return scaleOf(this.insts[k]!.lotSize);
  }
  /** The OMS's position quantity as a mantissa at the lot scale. */
  private posM(k: number): number {
    return parseMantissa(this.oms.position(k).qty, this.qs(k)).m;
  }

  position(symbol?: string): number {
    return Number(this.oms.position(this.k(symbol)).qty);
  }
  cash(): number {
    // initial cash − what the open quantity cost + realized P&L − fees
    let c = Number(this.config.account.initialCash);
    this.insts.forEach((_, k) => {
      const p = this.oms.position(k);
      c += Number(p.realized) - Number(p.costBasis) - Number(this.fees[k]!) / 10 ** FEE_SCALE;
    });
    return c;
  }
  equity(): number {
    let e = this.cash();
    this.insts.forEach((_, k) => {
      const q = Number(this.oms.position(k).qty);
      if (q !== 0) e += q * this.last[k]!;
    });
    return e;
  }
  lastPrice(symbol?: string): number {
    return this.last[this.k(symbol)]!;
  }
  /** Working orders as the OMS has them. */
  private working(k = -1): { o: LiveOrder; info: OrderInfo }[] {
    const out: { o: LiveOrder; info: OrderInfo }[] = [];
    for (const info of this.oms.openOrders()) {
      const o = this.byId.get(info.orderId);
      if (o && (k < 0 || o.k === k)) out.push({ o, info });
    }
    return out;
  }
  openOrders(symbol?: string): readonly WorkingOrder[] {
    const k = symbol === undefined ? -1 : this.k(symbol);
    return this.working(k).map(({ o, info }) => ({ orderId: o.clientId, symbol: o.symbol, side: o.side, qty: Number(info.leaves), price: o.type === 'limit' && info.price ? Number(info.price) : null }));
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
    for (const { o, info } of this.working(k)) working += (o.side === 'buy' ? 1 : -1) * parseMantissa(info.leaves, this.qs(k)).m;
    const delta = want - this.posM(k) - working;
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
  /** Asks the OMS to cancel; the venue call follows from its command. */
  cancel(orderId: string): boolean {
    const o = this.orders.get(orderId);
    const info = o ? this.oms.order(o.orderId) : null;
    if (!o || !info || !['new', 'accepted', 'partiallyFilled'].includes(info.status) || info.cancelPending) return false;
    try {
      this.oms.cancel(o.orderId, nsOf(Date.now()));
    } catch (e) {
      this.logger.warn({ clientId: o.clientId, code: (e as TachyonError).code }, 'cancel refused by the OMS');
      return false;
    }
    this.pump();
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

  /** A reference price for the OMS (market orders' expected fill, marks) and the risk engine. */
  mark(k: number, price: number): void {
    if (!(Number.isFinite(price) && price > 0)) return;
    this.last[k] = price;
    const p = price.toFixed(this.ps(k));
    this.oms.onPrice(k, p, nsOf(Date.now()));
    this.oms.risk!.mark(k, p);
  }

  private place(k: number, side: Side, qty: number, price: number, type: 'market' | 'limit', tif: 'GTC' | 'IOC'): string | null {
    const inst = this.insts[k]!;
    if (qty <= 0) return this.refuse('BAD_QUANTITY', `quantity rounds to zero lots of ${inst.lotSize}`, inst.symbol);
    const ref = type === 'limit' ? price / 10 ** this.ps(k) : this.last[k]!;
    const notional = (qty / 10 ** this.qs(k)) * ref;
    if (Number.isFinite(notional) && notional < Number(inst.minNotional)) return this.refuse('NOTIONAL', `notional ${notional.toFixed(2)} is below the venue minimum ${inst.minNotional}`, inst.symbol);
    // limits, order rate and the control modes: the OMS's gate is the risk engine
    const eq = this.equity();
    if (Number.isFinite(eq) && eq > 0) this.oms.risk!.setEquity(eq.toFixed(8).replace(/\.?0+$/, ''));
    const clientId = `${this.sessionId}-${(++this.seq).toString(36)}`;
    const now = Date.now();
    const qtyText = formatMantissa(qty, this.qs(k));
    const priceText = type === 'limit' ? formatMantissa(price, this.ps(k)) : null;
    let r;
    try {
      r = this.oms.submit({ clientId, instrument: k, side, qty: qtyText, ...(priceText ? { type: 'limit' as const, price: priceText, tif: tif === 'IOC' ? ('ioc' as const) : ('gtc' as const) } : { type: 'market' as const }) }, nsOf(now));
    } catch (e) {
      this.journalTransitions();
      return this.refuse((e as TachyonError).code ?? 'ERR_OMS', (e as Error).message, inst.symbol);
    }
    this.journalTransitions();
    if (r.status === 'rejected') {
      const code = refusalCode(r);
      const text = this.oms.order(r.orderId)?.rejectText;
      return this.refuse(code, text ?? `refused by the ${r.reason === 'gate' ? 'risk engine' : 'control mode'}: ${code} (mode ${this.oms.controlMode})`, inst.symbol);
    }
    const o: LiveOrder = { clientId, orderId: r.orderId, k, symbol: inst.symbol, side, type, tif, venueOrderId: null, journaled: 'pending' };
    this.orders.set(clientId, o);
    this.byId.set(o.orderId, o);
    this.counts.orders++;
    this.pump();
    return clientId;
  }

  /** Sends the OMS's venue commands (each in the order queue). */
  pump(): void {
    for (const c of this.oms.drainCommands()) {
      const o = this.byId.get(c.orderId);
      if (!o) {
        this.logger.error({ orderId: c.orderId, kind: c.kind }, 'OMS command for an order this session does not know');
        continue;
      }
      if (c.kind === 'new') this.enqueue(() => this.sendNew(o, c));
      else if (c.kind === 'cancel') this.enqueue(() => this.sendCancel(o));
      else {
        // The strategy API has no replace; the OMS only asks for one on `replace()`. CCXT's
        // editOrder is not uniform across venues: refuse it, the caller cancels and re-sends.
        this.event({ kind: 'replaceRejected', orderId: o.orderId, tsNs: nsOf(Date.now()), reason: 'INVALID' });
      }
    }
  }

  private async sendNew(o: LiveOrder, c: VenueCommandInfo): Promise<void> {
    const now = Date.now();
    const rec: OrderRecord = {
      clientId: o.clientId,
      sessionId: this.sessionId,
      venue: this.venueName,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      tif: o.tif,
      qty: c.qty!,
      price: c.price ?? null,
      status: 'pending',
      venueOrderId: null,
      filledQty: '0',
      avgPrice: null,
      reason: null,
      strategy: this.strategy.name ?? 'strategy',
      createdNs: nsOf(now),
      updatedNs: nsOf(now),
    };
    await this.journal.insertOrder(rec); // write-ahead: journaled before it leaves
    try {
      const r = await this.venue.createOrder(o.clientId, o.symbol, o.side, o.type, rec.qty, rec.price, o.tif);
      await this.adopt(o, r.order);
      for (const f of r.fills) await this.onVenueFill(f, o);
      await this.adopt(o, r.order);
    } catch (e) {
      const ve = e instanceof VenueError ? e : null;
      const reason = ve?.venueCode ?? 'EXCHANGE_ERROR';
      if (ve?.retryable) {
        // unknown outcome after retries: the OMS keeps it `new`, the journal `sent`; the poller
        // (or the next start's reconciliation) asks the venue for the client id
        await this.sync(o, reason);
      } else {
        this.counts.rejected++;
        this.event({ kind: 'rejected', orderId: o.orderId, tsNs: nsOf(Date.now()), reason: venueReject(reason) });
        await this.sync(o, reason);
        await this.journal.appendRiskEvent({ sessionId: this.sessionId, tsNs: nsOf(Date.now()), symbol: o.symbol, code: `VENUE_${reason}`, message: (e as Error).message, detail: { clientId: o.clientId } });
      }
    }
  }

  private async sendCancel(o: LiveOrder): Promise<void> {
    let ok: boolean;
    try {
      ok = await this.venue.cancelOrder(o.clientId, o.symbol);
    } catch (e) {
      const code = e instanceof VenueError ? e.venueCode : 'EXCHANGE_ERROR';
      this.event({ kind: 'cancelRejected', orderId: o.orderId, tsNs: nsOf(Date.now()), reason: venueReject(code) });
      this.logger.warn({ clientId: o.clientId, code }, 'cancel failed');
      return;
    }
    if (ok) {
      this.event({ kind: 'cancelled', orderId: o.orderId, tsNs: nsOf(Date.now()) });
    } else {
      // not open at the venue (filled or gone): its fills and state come with the next poll
      this.event({ kind: 'cancelRejected', orderId: o.orderId, tsNs: nsOf(Date.now()), reason: 'UNKNOWN_ORDER' });
    }
    await this.sync(o, null);
  }

  /** One venue event into the OMS; an impossible one is counted and journaled, not thrown. */
  private event(e: Parameters<Oms['onVenueEvent']>[0]): boolean {
    try {
      this.oms.onVenueEvent(e);
      return true;
    } catch (err) {
      this.counts.omsErrors++;
      const code = (err as TachyonError).code ?? 'ERR_OMS';
      const o = this.byId.get(e.orderId);
      this.logger.warn({ clientId: o?.clientId, kind: e.kind, code }, 'venue event refused by the OMS');
      this.enqueue(() => this.journal.appendRiskEvent({ sessionId: this.sessionId, tsNs: nsOf(Date.now()), symbol: o?.symbol ?? '', code: `OMS_${code}`, message: (err as Error).message, detail: { clientId: o?.clientId ?? null, event: e.kind } }));
      return false;
    }
  }

  /** Journals the OMS's state of an order if it changed; tells the strategy about closures. */
  async sync(o: LiveOrder, reason: string | null, force = false): Promise<void> {
    const info = this.oms.order(o.orderId);
    if (!info) return;
    // an order the venue has not acknowledged stays as journaled (`pending` until sent, `sent` after a lost answer)
    const status = info.status === 'new' ? (reason ? 'sent' : o.journaled) : journalStatus(info);
    if (status === o.journaled && !force) return;
    o.journaled = status;
    await this.journal.updateOrder(o.clientId, { status, reason, venueOrderId: o.venueOrderId, filledQty: info.filled, avgPrice: info.avgPrice ?? null }, nsOf(Date.now()));
    if (status === 'cancelled' || status === 'rejected' || status === 'expired') {
      const why = reason ?? (info.venueReject ? info.venueReject : info.reason === 'none' ? null : info.reason);
      const u: OrderUpdate = { orderId: o.clientId, symbol: o.symbol, state: status, reason: why, ts: Date.now() };
      this.later(() => this.strategy.onOrder?.(u, this));
    }
  }

  /**
   * Takes the venue's view of an order (id, acknowledgement, closure) into the OMS. A closure
   * (cancelled, expired) waits until the OMS has booked every fill the venue reports for the
   * order, so no fill arrives after the close.
   */
  async adopt(o: LiveOrder, v: VenueOrderState): Promise<void> {
    const newId = o.venueOrderId !== v.venueOrderId;
    o.venueOrderId = v.venueOrderId;
    const ts = nsOf(Date.now());
    let info = this.oms.order(o.orderId);
    if (!info) return;
    if (v.status === 'rejected') {
      if (info.status === 'new') this.event({ kind: 'rejected', orderId: o.orderId, tsNs: ts, reason: 'INVALID' });
    } else if (info.status === 'new') {
      this.event({ kind: 'accepted', orderId: o.orderId, tsNs: ts });
    }
    info = this.oms.order(o.orderId)!;
    const booked = parseMantissa(info.filled, this.qs(o.k)).m;
    const venueFilled = parseMantissa(v.filled, this.qs(o.k)).m;
    if ((v.status === 'cancelled' || v.status === 'expired') && booked >= venueFilled && ['accepted', 'partiallyFilled'].includes(info.status))
      this.event({ kind: v.status, orderId: o.orderId, tsNs: ts });
    // the venue's id is journaled even when the status did not change
    await this.sync(o, null, newId);
  }

  /** Books one venue fill (once). */
  async onVenueFill(f: VenueFill, known?: LiveOrder): Promise<boolean> {
    if (this.seenTrades.has(f.tradeId)) return false;
    if (await this.journal.hasFill(this.venueName, f.tradeId)) {
      this.seenTrades.add(f.tradeId);
      return false;
    }
    const k = known?.k ?? this.symbols.indexOf(f.symbol);
    if (k < 0) return false;
    let o = known ?? [...this.orders.values()].find((x) => x.venueOrderId === f.venueOrderId);
    let clientId = o?.clientId;
    let orderPatch: Partial<OrderRecord> = {};
    const ts = nsOf(f.tsMs);
    // fees in the quote currency enter the P&L; others (BNB, the base asset) are journaled as reported
    const quoteFee = f.feeCurrency === '' || f.feeCurrency === this.insts[k]!.quote;
    if (!quoteFee && !this.warnedFee) {
      this.warnedFee = true;
      await this.journal.appendRiskEvent({ sessionId: this.sessionId, tsNs: nsOf(Date.now()), symbol: f.symbol, code: 'FEE_CURRENCY', message: `fees are charged in ${f.feeCurrency}, not ${this.insts[k]!.quote}: journaled as reported, not in the P&L`, detail: null });
    }
    const feeText = quoteFee ? f.fee : '0';
    // the OMS keeps notionals at price + quantity scale; the exact fee is summed here
    const omsFee = formatMantissa(scaled(feeText, this.ps(k) + this.qs(k)), this.ps(k) + this.qs(k));
    const booked = o && this.oms.order(o.orderId)?.status !== undefined
      ? this.event({ kind: 'fill', orderId: o.orderId, tsNs: ts, price: f.price, qty: f.qty, fee: omsFee, tradeId: tradeNo(f.tradeId), liquidity: f.liquidity ?? 'taker' })
      : false;
    if (!booked) {
      // not an order the OMS is working (placed outside Tachyon, closed while we were down),
      // or a fill the OMS refused: the venue is the truth for the position
      this.oms.restoreFill(k, f.side, f.price, f.qty, omsFee, ts);
    }
    const info = booked && o ? this.oms.order(o.orderId) : null;
    if (o && info) {
      o.journaled = journalStatus(info);
      orderPatch = { status: o.journaled, filledQty: info.filled, avgPrice: info.avgPrice ?? null, venueOrderId: o.venueOrderId ?? f.venueOrderId };
    } else {
      const rec = o ? await this.journal.getOrder(o.clientId) : (await this.journal.orders()).find((x) => x.venue === this.venueName && x.venueOrderId === f.venueOrderId);
      if (rec) {
        clientId = rec.clientId;
        const filled = parseMantissa(rec.filledQty, this.qs(k)).m + parseMantissa(f.qty, this.qs(k)).m;
        const total = parseMantissa(rec.qty, this.qs(k)).m;
        orderPatch = { status: filled >= total ? 'filled' : 'partially_filled', filledQty: formatMantissa(Math.min(filled, total), this.qs(k)) };
        if (o) o.journaled = orderPatch.status!;
      } else {
        // placed outside Tachyon: journal it as an external order so the fill has a parent
        clientId = `ext-${f.venueOrderId}`.slice(0, 36);
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
            createdNs: ts,
            updatedNs: ts,
          });
        this.externalOrders++;
        orderPatch = { status: 'filled', filledQty: f.qty };
      }
    }
    if (quoteFee) this.fees[k] = this.fees[k]! + scaled(f.fee, FEE_SCALE);
    this.mark(k, Number(f.price));
    const stored = await this.journal.applyFill(
      { venue: this.venueName, tradeId: f.tradeId, clientId: clientId!, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, fee: f.fee, feeCurrency: f.feeCurrency, liquidity: f.liquidity, tsNs: ts },
      orderPatch,
      this.positionRecord(k, ts),
    );
    this.seenTrades.add(f.tradeId);
    if (!stored) return false;
    this.counts.fills++;
    const fill: Fill = {
      orderId: clientId!,
      symbol: f.symbol,
      side: f.side,
      qty: Number(f.qty),
      price: Number(f.price),
      fee: Number(f.fee),
      liquidity: f.liquidity,
      ts: f.tsMs,
      exact: { qty: f.qty, price: f.price, fee: f.fee },
    };
    this.later(() => this.strategy.onFill?.(fill, this));
    return true;
  }

  /** The OMS's position, with the exact fee sum. */
  positionRecord(k: number, ts: bigint): PositionRecord {
    const p = this.oms.position(k);
    const flat = parseMantissa(p.qty, this.qs(k)).m === 0;
    return {
      venue: this.venueName,
      symbol: this.symbols[k]!,
      qty: p.qty,
      avgPrice: flat ? null : (p.avgEntry ?? null),
      realizedPnl: p.realized,
      fees: formatMantissa(this.fees[k]!, FEE_SCALE),
      updatedNs: ts,
    };
  }

  /** Orders the OMS is working (or that the journal still has as `sent`). */
  pendingAtVenue(): LiveOrder[] {
    return [...this.orders.values()].filter((o) => WORKING.includes(o.journaled) || ['new', 'accepted', 'partiallyFilled'].includes(this.oms.order(o.orderId)?.status ?? ''));
  }

  /** Takes over an order from the journal that is still working at the venue. */
  restore(rec: OrderRecord, k: number, filledNotional: bigint): LiveOrder | null {
    const filled = parseMantissa(rec.filledQty, this.qs(k)).m;
    const total = parseMantissa(rec.qty, this.qs(k)).m;
    if (!(filled < total)) return null;
    const type = rec.type === 'limit' && rec.price ? 'limit' : 'market';
    const orderId = this.oms.restoreOrder(
      { clientId: rec.clientId, instrument: k, side: rec.side, qty: rec.qty, ...(type === 'limit' ? { type: 'limit' as const, price: rec.price!, tif: rec.tif === 'IOC' ? ('ioc' as const) : ('gtc' as const) } : { type: 'market' as const }) },
      filled > 0 ? rec.filledQty : undefined,
      filled > 0 ? formatMantissa(filledNotional, this.ps(k) + this.qs(k)) : undefined,
      nsOf(Date.now()),
    );
    const o: LiveOrder = { clientId: rec.clientId, orderId, k, symbol: rec.symbol, side: rec.side, type, tif: rec.tif === 'IOC' ? 'IOC' : 'GTC', venueOrderId: rec.venueOrderId, journaled: rec.status };
    this.orders.set(o.clientId, o);
    this.byId.set(orderId, o);
    return o;
  }

  enqueue(job: () => Promise<unknown>): void {
    this.queue = this.queue.then(
      () => job().then(() => undefined),
      () => job().then(() => undefined),
    );
    this.queue = this.queue.catch((e: Error) => {
      this.logger.error({ err: e.message }, 'order path failed');
    });
  }

  /**
   * A venue failure (each failed request attempt or feed drop: network, timeout, rate limit,
   * 5xx, malformed answer — not a refusal such as insufficient funds) feeds the risk engine's
   * venue-error breaker (`breakers.venueErrors`: 5 within 10 s pause trading by default); a trip
   * is journaled as a mode change.
   */
  venueFailed(e: VenueError): void {
    if (!e.retryable && e.venueCode !== 'EXCHANGE_ERROR') return;
    try {
      if (this.oms.risk?.onVenueError(this.venueName, nsOf(Date.now()))) this.journalTransitions();
    } catch (err) {
      // never let the breaker's bookkeeping break the venue call that reported the error
      this.logger.error({ err: (err as Error).message, venue: this.venueName }, 'venue-error breaker update failed');
    }
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
    // the OMS's reports have done their job once the journal follows its states
    this.oms.drainReports();
    while (this.callbacks.length > 0) {
      const q = this.callbacks;
      this.callbacks = [];
      for (const fn of q) fn();
    }
  }

  onBar(bar: Bar): void {
    this.nowMs = bar.ts;
    this.mark(bar.instrument, bar.close);
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

/** Scale of the exact fee sums (venues report fees to 8 decimals). */
const FEE_SCALE = 12;

/** Runs a live session (see the module docs). */
export async function runLive(o: LiveOptions): Promise<LiveResult> {
  const config = o.config;
  const out = o.out === undefined ? process.stdout : o.out;
  const log = createLogger(config.log);
  // every classified venue error (each failed attempt, each feed drop) is logged and, once the
  // trader exists, fed to the risk engine's venue-error breaker
  let venueFailed: ((e: VenueError) => void) | null = null;
  const venue = await CcxtVenue.connect({
    config: config.venue,
    credentials: true,
    env: o.env,
    onError: (e, where) => {
      log.warn({ where, code: e.venueCode, msg: e.message }, 'venue error');
      venueFailed?.(e);
    },
  });
  const insts = config.instruments.map((i) => venue.instrument(i.symbol));
  for (const [k, i] of insts.entries()) {
    const c = config.instruments[k]!;
    if (c.tickSize !== i.tickSize || c.lotSize !== i.lotSize) log.warn({ symbol: i.symbol, venue: { tick: i.tickSize, lot: i.lotSize }, config: { tick: c.tickSize, lot: c.lotSize } }, 'the venue’s tick/lot differ from the config: the venue’s are used');
  }
  const venueName = `ccxt:${config.venue.exchange}`;
  // the OMS, gated by the risk engine (one engine: the OMS owns it)
  let oms: Oms;
  try {
    oms = new Oms({ risk: riskEngineOptions(config, venueName, insts, o.env ?? process.env) });
  } catch (e) {
    await venue.close();
    throw new TachyonError('ERR_CONFIG', `risk.engine: ${(e as Error).message}`, { cause: e });
  }
  for (const i of insts) oms.addInstrument(new Instrument({ symbol: i.symbol, tickSize: i.tickSize, lotSize: i.lotSize }));
  const journal = await openJournal({ backend: config.journal.backend, path: config.journal.path, urlEnv: config.journal.urlEnv, synchronous: config.journal.synchronous });
  const strategy = o.strategy ?? (await loadStrategy(config));
  const mode = o.mode ?? 'live';
  const sessionId = await journal.beginSession(mode, config);
  const t = new LiveTrader(mode, sessionId, venueName, insts, venue, journal, oms, strategy, config, log);
  venueFailed = (e) => t.venueFailed(e);
  const reconciled = { orders: 0, unknown: 0, missedFills: 0, external: 0, balanceMismatches: 0 };
  try {
    // ---- rebuild the OMS's positions (and the risk engine's) from the journal
    const notionalOf = new Map<string, bigint>();
    for (const f of await journal.fills({ venue: venueName })) {
      const k = t.symbols.indexOf(f.symbol);
      if (k < 0) continue;
      const quoteFee = f.feeCurrency === '' || f.feeCurrency === insts[k]!.quote;
      const ns = t.ps(k) + t.qs(k);
      try {
        oms.restoreFill(k, f.side, f.price, f.qty, formatMantissa(scaled(quoteFee ? f.fee : '0', ns), ns), f.tsNs);
      } catch (e) {
        await journal.appendRiskEvent({ sessionId, tsNs: nsOf(Date.now()), symbol: f.symbol, code: `OMS_${(e as TachyonError).code ?? 'ERR_OMS'}`, message: `journaled fill ${f.tradeId} could not be restored: ${(e as Error).message}`, detail: { tradeId: f.tradeId } });
        continue;
      }
      if (quoteFee) t.fees[k] = t.fees[k]! + scaled(f.fee, FEE_SCALE);
      notionalOf.set(f.clientId, (notionalOf.get(f.clientId) ?? 0n) + scaled(f.price, t.ps(k)) * scaled(f.qty, t.qs(k)));
    }
    // ---- reconcile orders by client id; the ones still at the venue are taken over by the OMS
    const seen = new Map<LiveOrder, VenueOrderState>();
    for (const rec of await journal.openOrders(venueName)) {
      const k = t.symbols.indexOf(rec.symbol);
      if (k < 0) continue;
      reconciled.orders++;
      const v = await venue.fetchOrderByClientId(rec.clientId, rec.symbol);
      if (!v) {
        reconciled.unknown++;
        await journal.updateOrder(rec.clientId, { status: 'unknown', reason: 'NOT_AT_VENUE' });
        continue;
      }
      let lo: LiveOrder | null = null;
      try {
        lo = t.restore(rec, k, notionalOf.get(rec.clientId) ?? 0n);
      } catch (e) {
        await journal.appendRiskEvent({ sessionId, tsNs: nsOf(Date.now()), symbol: rec.symbol, code: `OMS_${(e as TachyonError).code ?? 'ERR_OMS'}`, message: `order ${rec.clientId} could not be restored: ${(e as Error).message}`, detail: { clientId: rec.clientId } });
      }
      if (!lo) {
        await journal.updateOrder(rec.clientId, { venueOrderId: v.venueOrderId, ...(v.status === 'filled' ? { status: 'filled' as const } : {}) });
        continue;
      }
      seen.set(lo, v);
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
    // closures (cancelled/expired after partial fills) now that their fills are booked
    for (const [lo, v] of seen) await t.adopt(lo, v);
    // ---- the OMS's open orders against the venue's
    try {
      const venueOrders = [];
      for (const s of t.symbols)
        for (const v of await venue.fetchOpenOrders(s)) {
          const lo = t.orders.get(v.clientId);
          if (lo) venueOrders.push({ orderId: lo.orderId, instrument: lo.k, qty: v.qty, filled: v.filled, open: true });
        }
      const rep = oms.reconcile(venueOrders, [], nsOf(Date.now()));
      for (const d of rep.discrepancies)
        await journal.appendRiskEvent({ sessionId, tsNs: nsOf(Date.now()), symbol: d.instrument === undefined || d.instrument === null ? '' : (t.symbols[d.instrument] ?? ''), code: `RECON_${d.code}`, message: `OMS ${d.ours ?? '-'} vs venue ${d.venue ?? '-'}`, detail: { orderId: d.orderId ?? null, ours: d.ours ?? null, venue: d.venue ?? null } });
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'open-order reconciliation failed');
    }
    // ---- balances vs the OMS's positions (spot: the base asset)
    try {
      const bal = await venue.fetchBalance();
      for (const [k, i] of insts.entries()) {
        const journaled = oms.position(k).qty;
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
        const working = t.pendingAtVenue();
        if (working.length === 0) continue;
        t.enqueue(async () => {
          // unacknowledged orders (a lost answer) first: their venue id matches their fills
          const asked = new Set<LiveOrder>();
          for (const w of working)
            if (!w.venueOrderId) {
              asked.add(w);
              const v = await venue.fetchOrderByClientId(w.clientId, w.symbol);
              if (v) await t.adopt(w, v);
            }
          for (const s of new Set(working.map((w) => w.symbol))) {
            for (const f of await venue.fetchMyTrades(s, Date.now() - 3_600_000)) await t.onVenueFill(f);
          }
          for (const w of working) {
            const st = oms.order(w.orderId)?.status;
            if (st === 'filled' || st === 'cancelled' || st === 'rejected' || st === 'expired' || (asked.has(w) && !w.venueOrderId)) continue;
            const v = await venue.fetchOrderByClientId(w.clientId, w.symbol);
            if (v) await t.adopt(w, v);
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
    t.journalTransitions();
    await t.drain();
    const head = await journal.endSession(sessionId, 'stopped');
    out?.write(`stopped: ${t.counts.bars} bars, ${t.counts.orders} orders, ${t.counts.fills} fills, ${t.counts.rejected} refused; venue ${JSON.stringify(venue.stats.errors)}; audit head ${head.slice(0, 16)}…\n`);
    const positions = insts.map((i, k) => {
      const p = oms.position(k);
      return { symbol: i.symbol, qty: p.qty, avgEntry: p.avgEntry ?? null, realized: p.realized, fees: formatMantissa(t.fees[k]!, FEE_SCALE) };
    });
    return { sessionId, bars: t.counts.bars, orders: t.counts.orders, fills: t.counts.fills, rejected: t.counts.rejected, reconciled, venue: venue.stats, oms: { stats: oms.stats(), positions }, journal: { head } };
  } finally {
    await venue.close();
    await journal.close();
  }
}
