/**
 * The paper session — what `npm start` runs: a strategy trading a seeded synthetic market (or
 * any live feed) against the simulated venue, with every order, fill, position, decision,
 * risk event and mode change in the journal, and a live summary in the terminal.
 *
 * Crash safety: each journal write is its own transaction, so a `kill -9` at any moment
 * leaves a consistent journal. On start the session rebuilds its state from the journal: the
 * ledger replays every journaled fill exactly (cash, positions, realized P&L, fees), orders
 * the previous process left working are closed as `cancelled` (the simulated venue that held
 * them is gone), and sessions left `running` are marked `crashed`. Client order ids carry the
 * session id, so no id is ever used twice.
 *
 * @example
 * ```ts
 * import { runPaper, loadConfig } from 'tachyon';
 * const ac = new AbortController();
 * process.once('SIGINT', () => ac.abort());
 * const r = await runPaper({ config: loadConfig(), signal: ac.signal }); // until Ctrl-C
 * r.fills; r.journal.head;
 * ```
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TachyonConfig } from '../config/schema.js';
import { TachyonError } from '../errors.js';
import { formatMantissa, parseMantissa, scaleOf } from '../data/decimal.js';
import { RecordBuffer, RecordView } from '../data/records.js';
import { SyntheticMarket } from '../data/synthetic.js';
import { openJournal, type Journal } from '../store/index.js';
import type { OrderRecord, PositionRecord } from '../store/types.js';
import { JournalWriter } from '../store/writer.js';
import { CcxtVenue } from '../venues/ccxt.js';
import { SimulatedVenue } from '../venues/simulated.js';
import { loadStrategy, venueOptions } from './backtest.js';
import { createLogger, type Logger } from './log.js';
import { RiskGate, type ControlMode } from './risk.js';
import { Runner, type RunnerOrder, type RunnerSink } from './runner.js';
import type { DecisionNote, Strategy } from './strategy.js';

export type { ControlMode } from './risk.js';
/** A control-mode transition (the risk engine's record). */
export type ModeTransition = import('../../../native/index.js').TransitionRecord;

export interface PaperOptions {
  config: TachyonConfig;
  /** Strategy object (default: from `config.strategy`). */
  strategy?: Strategy;
  /** Seconds to run; default `config.paper.durationSec` (0 = until `signal`). */
  durationSec?: number;
  /** Where the live summary goes (default stdout; `null` = silent). */
  out?: NodeJS.WritableStream | null;
  signal?: AbortSignal;
  /** Called once the session is trading (the server attaches here). */
  onReady?: (s: PaperSession) => void | Promise<void>;
}

export interface PaperResult {
  sessionId: string;
  bars: number;
  orders: number;
  fills: number;
  rejected: number;
  decisions: number;
  equity: string;
  cash: string;
  positions: { symbol: string; qty: string }[];
  recovered: { sessions: number; fills: number; crashed: number; closedOrders: number };
  journal: { path: string; written: number; failed: number; head: string };
  elapsedSec: number;
}

/** Position view for dashboards (the decision server's `PositionView`). */
export interface PositionSnapshot {
  symbol: string;
  qty: string;
  avgPrice: string;
  mark: string;
  unrealizedPnl: number;
  realizedPnl: number;
}

/**
 * An order event for subscribers (the decision server's `OrderEventInput` shape): prices and
 * quantities are mantissas at the instrument's tick and lot scales; `price` is 0 for market
 * orders, `avgPrice` 0 before the first fill.
 */
export interface SessionOrderEvent {
  clientOrderId: string;
  instrument: number;
  side: 'buy' | 'sell';
  status: 'new' | 'accepted' | 'partiallyFilled' | 'filled' | 'cancelled' | 'rejected' | 'expired';
  price: bigint;
  qty: bigint;
  filledQty: bigint;
  avgPrice: bigint;
  tsNs: bigint;
  reason?: string;
}

/** One control-API call as the decision server audits it (its `AuditEntry`). */
export interface ControlCall {
  tsMs: number;
  action: string;
  outcome: string;
  remote: string;
  reason?: string;
  detail?: string;
  transition?: { from: string; to: string } | null;
}

function orderEvent(o: RunnerOrder, tsNs: bigint, pending: boolean): SessionOrderEvent {
  const status: SessionOrderEvent['status'] = pending
    ? 'new'
    : o.status === 'open'
      ? o.filled > 0
        ? 'partiallyFilled'
        : 'accepted'
      : o.status;
  return {
    clientOrderId: o.clientId,
    instrument: o.instrument,
    side: o.side,
    status,
    price: o.type === 'limit' ? BigInt(o.price) : 0n,
    qty: BigInt(o.qty),
    filledQty: BigInt(o.filled),
    avgPrice: o.filled > 0 ? div(o.value, BigInt(o.filled)) : 0n,
    tsNs,
    ...(o.reason ? { reason: o.reason } : {}),
  };
}

/** Live state for dashboards (the decision server's `RuntimeSnapshot` shape). */
export interface SessionSnapshot {
  session: { kind: string; name: string; startedAtMs: number };
  equity: number;
  pnl: { realized: number; unrealized: number; fees: number };
  positions: PositionSnapshot[];
  risk: { metrics: { name: string; value: number; unit?: string }[]; limits: { name: string; used: number; limit: number; unit?: string }[] };
  venues: { name: string; status: 'up' | 'degraded' | 'down'; staleMs?: number; errors?: number }[];
}

function div(a: bigint, b: bigint): bigint {
  // half to even, b > 0
  const q = a / b;
  const r = a - q * b;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < b) return q;
  if (twice > b) return q + (a < 0n ? -1n : 1n);
  return q % 2n === 0n ? q : q + (a < 0n ? -1n : 1n);
}

/** A running paper session (state for the dashboard, control modes through the risk engine). */
export class PaperSession {
  startedAtMs = Date.now();
  lastBarWallMs = Date.now();

  constructor(
    readonly id: string,
    readonly config: TachyonConfig,
    readonly runner: Runner,
    readonly venue: SimulatedVenue,
    readonly risk: RiskGate,
    private readonly writer: JournalWriter,
    private readonly log: Logger,
    private readonly orderListeners: ((e: SessionOrderEvent) => void)[] = [],
  ) {}

  /** Calls `fn` with every order event (new, accepted, fills, cancels, rejections). */
  onOrderEvent(fn: (e: SessionOrderEvent) => void): void {
    this.orderListeners.push(fn);
  }

  /** Journals a control-API call (from the decision server's audit sink) as a risk event. */
  journalControlCall(e: ControlCall): void {
    const tsNs = BigInt(e.tsMs) * 1_000_000n;
    const message = `control API ${e.action}: ${e.outcome}${e.reason ? ` (${e.reason})` : ''}`;
    const detail = { action: e.action, outcome: e.outcome, remote: e.remote, reason: e.reason ?? null, detail: e.detail ?? null, transition: e.transition ? { from: e.transition.from, to: e.transition.to } : null };
    this.writer.push((j) => j.appendRiskEvent({ sessionId: this.id, tsNs, symbol: null, code: 'CONTROL_API', message, detail }));
  }

  /** The control mode (the risk engine's). */
  get mode(): ControlMode {
    return this.risk.mode;
  }

  /** Every mode transition so far (the risk engine's log). */
  get transitions(): ModeTransition[] {
    return this.risk.transitions(0);
  }

  /** Journals the risk engine's transitions since the last call. */
  journalTransitions(): void {
    for (const t of this.risk.newTransitions()) {
      this.writer.push((j) => j.appendModeChange({ sessionId: this.id, tsNs: BigInt(t.tsNs), from: t.from, to: t.to, reason: t.reason, source: t.source }));
      this.log.warn({ from: t.from, to: t.to, reason: t.reason, source: t.source }, 'control mode changed');
    }
  }

  /** Changes the control mode (journaled); `kill` = emergency: cancel everything and flatten. */
  request(action: 'pause' | 'reduce' | 'resume' | 'kill', reason: string, source: 'api' | 'cli' | 'signal' = 'api'): ModeTransition | null {
    const t = this.risk.request(action, reason, source);
    this.journalTransitions();
    if (t && t.to === 'emergency') this.flatten(reason);
    return t;
  }

  /** Cancels every working order and sends the orders that close every position. */
  flatten(reason: string): { cancelled: number; orders: (string | null)[] } {
    const cancelled = this.runner.cancelAll();
    const orders = this.risk.flattenOrders().map((f) => this.runner.targetPosition(f.symbol, 0));
    this.log.warn({ reason, cancelled }, 'flatten');
    return { cancelled, orders };
  }

  /** Live state (equity, P&L, positions, limits, venue health). */
  snapshot(): SessionSnapshot {
    const a = this.venue.account();
    let realized = 0;
    let unrealized = 0;
    const positions: PositionSnapshot[] = a.positions.map((p) => {
      const sym = this.runner.symbols[p.instrument] ?? String(p.instrument);
      const qty = Number(p.qty);
      const mark = Number(p.mark);
      const u = qty !== 0 ? qty * mark - Number(p.cost) : 0;
      realized += Number(p.realized);
      unrealized += u;
      return {
        symbol: sym,
        qty: p.qty,
        avgPrice: Number.isFinite(p.avgPrice) ? p.avgPrice.toFixed(scaleOf(this.config.instruments[p.instrument]?.tickSize ?? '0.01')) : '0',
        mark: p.mark,
        unrealizedPnl: u,
        realizedPnl: Number(p.realized),
      };
    });
    const maxPos = this.config.risk.maxPosition ? Number(this.config.risk.maxPosition) : 0;
    return {
      session: { kind: 'paper', name: this.id, startedAtMs: this.startedAtMs },
      equity: a.equityF64,
      pnl: { realized, unrealized, fees: Number(a.fees) },
      positions,
      risk: {
        metrics: [
          { name: 'mode', value: ['normal', 'pause', 'reduce', 'emergency'].indexOf(this.mode) },
          { name: 'orders', value: this.runner.counts.orders },
          { name: 'fills', value: this.runner.counts.fills },
          { name: 'refused', value: this.runner.counts.rejected },
          { name: 'decisions', value: this.runner.counts.decisions },
          { name: 'journal writes', value: this.writer.written },
        ],
        limits: maxPos > 0 ? positions.map((p) => ({ name: `position ${p.symbol}`, used: Math.abs(Number(p.qty)), limit: maxPos })) : [],
      },
      venues: [{ name: 'sim', status: 'up', staleMs: Date.now() - this.lastBarWallMs, errors: 0 }],
    };
  }
}

/** The journal sink of a paper session: orders, fills with positions, decisions, risk events. */
class JournalSink implements RunnerSink {
  private decisions: { symbol: string; action: string; score: number | null; detail: unknown; tsNs: bigint }[] = [];
  private tradeSeq = 0;
  constructor(
    private readonly w: JournalWriter,
    private readonly sessionId: string,
    private readonly venueName: string,
    private readonly venue: SimulatedVenue,
    private readonly scale: (k: number) => { ps: number; qs: number },
    private readonly currency: string,
    private readonly strategyName: string,
    private readonly journalDecisions: boolean,
    private readonly logger: Logger,
    private readonly onFilled: (instrument: number, side: 'buy' | 'sell', qty: string, price: string) => void,
    private readonly orderListeners: ((e: SessionOrderEvent) => void)[] = [],
  ) {}

  private emit(o: RunnerOrder, tsNs: bigint, pending = false): void {
    if (this.orderListeners.length === 0) return;
    const e = orderEvent(o, tsNs, pending);
    for (const fn of this.orderListeners) {
      try {
        fn(e);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'order event listener failed');
      }
    }
  }

  private record(o: RunnerOrder, status: OrderRecord['status'], tsNs: bigint): OrderRecord {
    const { ps, qs } = this.scale(o.instrument);
    return {
      clientId: o.clientId,
      sessionId: this.sessionId,
      venue: this.venueName,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      tif: o.tif,
      qty: formatMantissa(o.qty, qs),
      price: o.type === 'limit' ? formatMantissa(o.price, ps) : null,
      status,
      venueOrderId: o.venueId > 0 ? String(o.venueId) : null,
      filledQty: formatMantissa(o.filled, qs),
      avgPrice: o.filled > 0 ? formatMantissa(div(o.value, BigInt(o.filled)), ps) : null,
      reason: o.reason,
      strategy: this.strategyName,
      createdNs: o.createdNs,
      updatedNs: tsNs,
    };
  }

  orderNew(o: RunnerOrder, tsNs: bigint): void {
    const rec = this.record(o, 'pending', tsNs);
    this.w.push((j) => j.insertOrder(rec));
    this.emit(o, tsNs, true);
  }

  orderUpdate(o: RunnerOrder, tsNs: bigint): void {
    const status: OrderRecord['status'] = o.status === 'open' ? 'open' : o.status;
    const rec = this.record(o, status, tsNs);
    const { clientId, createdNs: _c, ...patch } = rec;
    this.w.push(async (j) => {
      if (await j.getOrder(clientId)) await j.updateOrder(clientId, patch, tsNs);
    });
    this.emit(o, tsNs);
  }

  fill(o: RunnerOrder, f: import('./strategy.js').Fill, r: import('../venues/simulated.js').ExecReport): void {
    const { ps } = this.scale(o.instrument);
    const a = this.venue.account().positions[o.instrument]!;
    const qty = a.qty;
    const position: PositionRecord = {
      venue: this.venueName,
      symbol: o.symbol,
      qty,
      avgPrice: Number(qty) === 0 ? null : formatMantissa(toMantissa(a.cost, ps, qty), ps),
      realizedPnl: a.realized,
      fees: a.fees,
      updatedNs: r.tsNs,
    };
    const rec = this.record(o, o.status === 'filled' ? 'filled' : 'partially_filled', r.tsNs);
    const { clientId: _id, createdNs: _c, ...patch } = rec;
    const fill = {
      venue: this.venueName,
      tradeId: `${this.sessionId}:${o.venueId}:${++this.tradeSeq}`,
      clientId: o.clientId,
      symbol: o.symbol,
      side: f.side,
      qty: f.exact.qty,
      price: f.exact.price,
      fee: f.exact.fee,
      feeCurrency: this.currency,
      liquidity: f.liquidity,
      tsNs: r.tsNs,
    };
    this.w.push((j) => j.applyFill(fill, patch, position));
    this.onFilled(o.instrument, f.side, f.exact.qty, f.exact.price);
    this.emit(o, r.tsNs);
  }

  decision(note: DecisionNote, tsNs: bigint): void {
    if (!this.journalDecisions) return;
    this.decisions.push({ symbol: note.symbol, action: note.action, score: note.score ?? null, detail: note.detail ?? null, tsNs });
  }

  /** Queues the decisions gathered since the last call as one transaction. */
  flushDecisions(): void {
    if (this.decisions.length === 0) return;
    const batch = this.decisions.map((d) => ({ sessionId: this.sessionId, tsNs: d.tsNs, symbol: d.symbol, action: d.action, score: d.score, detail: d.detail }));
    this.decisions = [];
    this.w.push((j) => j.appendDecisions(batch));
  }

  risk(code: string, message: string, symbol: string | null, tsNs: bigint, detail: unknown): void {
    this.w.push((j) => j.appendRiskEvent({ sessionId: this.sessionId, tsNs, symbol, code, message, detail }));
  }

  log(message: string, data?: Record<string, unknown>): void {
    this.logger.info(data ?? {}, message);
  }
}

/** `cost / qty` at the price scale (half to even), from decimal strings. */
function toMantissa(cost: string, ps: number, qty: string): bigint {
  const cs = scaleOf(cost);
  const qs = scaleOf(qty);
  const c = BigInt(cost.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1'));
  const q = BigInt(qty.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1'));
  // avg = (c / 10^cs) / (q / 10^qs) at scale ps → c × 10^(qs + ps − cs) / q
  const e = qs + ps - cs;
  const num = e >= 0 ? c * 10n ** BigInt(e) : c / 10n ** BigInt(-e);
  const den = q < 0n ? -q : q;
  return div(num < 0n ? -num : num, den);
}

function fmt(n: number, d = 2): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** Runs a paper session until `durationSec` or `signal` (see the module docs). */
export async function runPaper(o: PaperOptions): Promise<PaperResult> {
  const config = o.config;
  const out = o.out === undefined ? process.stdout : o.out;
  const tty = out !== null && (out as NodeJS.WriteStream).isTTY === true;
  const durationSec = o.durationSec ?? config.paper.durationSec;
  const log = createLogger(config.log);
  const liveData = config.venue.kind === 'ccxt';
  if (!liveData && config.data.source !== 'synthetic')
    throw new TachyonError(
      'ERR_CONFIG',
      `a paper session trades live data: the seeded synthetic market (data.source: synthetic) or an exchange's feed (venue.kind: ccxt); got data.source: ${config.data.source} (replay files with \`tachyon backtest\`)`,
    );
  const t0 = performance.now();
  const journal: Journal = await openJournal({
    backend: config.journal.backend,
    path: config.journal.path,
    urlEnv: config.journal.urlEnv,
    synchronous: config.journal.synchronous,
  });
  try {
    const prior = await journal.sessions();
    const first = prior[0] ? ((await journal.configSnapshot(prior[0].configHash)) as TachyonConfig | undefined) : undefined;
    const initialCash = first?.account?.initialCash ?? config.account.initialCash;
    const sessionId = await journal.beginSession('paper', config);
    const crashed = (await journal.sessions()).filter((s) => s.status === 'crashed' && s.id !== sessionId).length;
    const writer = new JournalWriter(journal, (e) => log.error({ err: e.message }, 'journal write failed'));
    const venueName = 'sim';

    // ---- rebuild from the journal
    if (config.execution.model === 'l2')
      throw new TachyonError('ERR_CONFIG', 'execution.model l2 replays recorded book data in backtests; paper sessions fill on live bars and trades (execution.model: bars)');
    const vopts = { ...venueOptions(config), initialCash, sampleMs: config.data.synthetic.barMs * 10 };
    const venue = new SimulatedVenue(vopts);
    const symbols = config.instruments.map((i) => i.symbol);
    const fills = await journal.fills({ venue: venueName });
    const posM = symbols.map(() => 0);
    const lastPx = symbols.map(() => Number.NaN);
    for (const f of fills) {
      const k = symbols.indexOf(f.symbol);
      if (k < 0) throw new TachyonError('ERR_JOURNAL', `the journal has fills for ${f.symbol}, which is not configured; add it to instruments or use another journal.path`);
      const inst = config.instruments[k]!;
      const qty = parseMantissa(f.qty, scaleOf(inst.lotSize)).m;
      const px = parseMantissa(f.price, scaleOf(inst.tickSize)).m;
      native_restore(venue, k, f.side === 'buy' ? 1 : 2, qty, px, f.fee, Number(f.tsNs / 1_000_000n));
      posM[k]! += (f.side === 'buy' ? 1 : -1) * qty;
      lastPx[k] = Number(f.price);
    }
    let closedOrders = 0;
    for (const ord of await journal.openOrders(venueName)) {
      await journal.updateOrder(ord.clientId, { status: 'cancelled', reason: 'SESSION_RESTART' });
      closedOrders++;
    }
    const restored = venue.account();

    // ---- strategy, runner, session
    const strategy = o.strategy ?? (await loadStrategy(config));
    let session: PaperSession | undefined;
    const risk = new RiskGate(config, venueName, config.instruments);
    // the engine learns the fills of earlier sessions
    for (const f of fills) {
      const k = symbols.indexOf(f.symbol);
      if (k >= 0) risk.onFill(k, f.side, f.qty, f.price);
    }
    const scaleOfInst = (k: number) => ({ ps: scaleOf(config.instruments[k]!.tickSize), qs: scaleOf(config.instruments[k]!.lotSize) });
    const orderListeners: ((e: SessionOrderEvent) => void)[] = [];
    const sink = new JournalSink(
      writer,
      sessionId,
      venueName,
      venue,
      scaleOfInst,
      config.account.currency,
      strategy.name ?? 'strategy',
      config.journal.decisions,
      log,
      (k, side, qty, price) => risk.onFill(k, side, qty, price),
      orderListeners,
    );
    const runner = new Runner({
      instruments: config.instruments,
      venue,
      strategy,
      mode: 'paper',
      idPrefix: sessionId,
      initialCash: Number(initialCash),
      sink,
      // notional, rate, position and the control modes: the risk engine (the gate)
      gate: (ord, _reducing, mark) => {
        const inst = config.instruments[ord.instrument]!;
        const pow = 10 ** scaleOf(inst.tickSize);
        risk.setEquity(runner.equity());
        const px = ord.type === 'limit' ? ord.price : Math.round(mark * pow);
        const refusal = risk.check(ord.instrument, ord.side === 'buy', px, ord.qty, mark);
        session?.journalTransitions();
        return refusal;
      },
    });
    runner.restoreState(posM, restored.equityF64 - restored.positions.reduce((s, p) => s + Number(p.qty) * Number(p.mark), 0), lastPx);
    session = new PaperSession(sessionId, config, runner, venue, risk, writer, log, orderListeners);

    // ---- the market: the seeded synthetic market, or closed candles from the exchange (CCXT)
    const inst0 = config.instruments[0]!;
    const syn = config.data.synthetic;
    const feedAbort = new AbortController();
    const liveBars = new RecordBuffer(256);
    let liveVenue: CcxtVenue | null = null;
    let feedError: Error | null = null;
    if (liveData) {
      liveVenue = await CcxtVenue.connect({ config: config.venue });
      const lv = liveVenue;
      config.instruments.forEach((inst, k) => {
        const vi = lv.instrument(inst.symbol);
        const ps = scaleOf(inst.tickSize);
        const qs = scaleOf(inst.lotSize);
        if (vi.tickSize !== inst.tickSize || vi.lotSize !== inst.lotSize)
          log.warn({ symbol: inst.symbol, venue: vi, config: inst }, 'the venue’s tick/lot differ from the config; prices are put on the config’s grid');
        const m = (x: number, scale: number) => parseMantissa(String(x), scale).m;
        lv.watchBars(
          inst.symbol,
          config.venue.timeframe,
          (c) => {
            const [o, h, l, cl, v] = [m(c[1]!, ps), m(c[2]!, ps), m(c[3]!, ps), m(c[4]!, ps), m(c[5]!, qs)];
            if ([o, h, l, cl, v].every(Number.isSafeInteger)) liveBars.bar(k, c[0]! * 1000, o, h, l, cl, v);
          },
          feedAbort.signal,
        ).catch((e: Error) => {
          feedError = e;
        });
      });
    }
    const market = new SyntheticMarket({
      seed: (config.seed + prior.length * 7919) >>> 0,
      symbol: inst0.symbol,
      tickSize: inst0.tickSize,
      lotSize: inst0.lotSize,
      model: syn.model,
      jumpIntensity: syn.jumpIntensity,
      jumpMean: syn.jumpMean,
      jumpStd: syn.jumpStd,
      v0: syn.v0,
      kappa: syn.kappa,
      theta: syn.theta,
      xi: syn.xi,
      rho: syn.rho,
      startPrice: Number.isFinite(lastPx[0]!) ? lastPx[0]! : syn.startPrice,
      mu: syn.mu,
      sigma: syn.sigma,
      barMs: syn.barMs,
      startMs: Math.floor(Date.now() / syn.barMs) * syn.barMs,
    });

    const recovered = { sessions: prior.length, fills: fills.length, crashed, closedOrders };
    const line = (s: string) => out?.write(tty ? `\r${s}\x1b[K` : `${s}\n`);
    out?.write(
      (liveData
        ? `tachyon paper: ${strategy.name ?? 'strategy'} on ${config.venue.exchange} ${config.instruments.map((i) => i.symbol).join(', ')} ${config.venue.timeframe} candles (live data${config.venue.baseUrl ? ` via ${config.venue.baseUrl}` : ''}) → simulated venue\n`
        : `tachyon paper: ${strategy.name ?? 'strategy'} on a seeded synthetic ${inst0.symbol} market (${config.paper.barsPerSec} bars/s) → simulated venue\n`) +
        `  journal ${journal.location} (${journal.backend}), session ${sessionId}` +
        (prior.length > 0
          ? `; recovered ${fills.length} fills from ${prior.length} earlier session${prior.length > 1 ? 's' : ''}${crashed ? ` (${crashed} crashed)` : ''}, ${closedOrders} working order${closedOrders === 1 ? '' : 's'} closed\n`
          : '\n') +
        `  ${durationSec > 0 ? `runs ${durationSec} s; ` : ''}Ctrl-C stops\n`,
    );
    log.info({ sessionId, recovered }, 'paper session started');
    await o.onReady?.(session);

    // ---- the loop
    const barsPerSec = config.paper.barsPerSec;
    const start = performance.now();
    let produced = 0;
    let base = 0;
    let lastPrint = 0;
    let batches = 0;
    const stopAt = durationSec > 0 ? start + durationSec * 1000 : Number.POSITIVE_INFINITY;
    const summary = () => {
      const a = venue.account();
      const pnl = a.equityF64 - Number(initialCash);
      const pos = runner.symbols.map((s) => `${s} ${runner.position(s)}`).join(', ');
      return (
        `  ${Number.isFinite(runner.now) ? new Date(runner.now).toISOString().slice(0, 19).replace('T', ' ') : 'waiting for the market'} px ${fmt(runner.lastPrice(), 2)} | pos ${pos} | equity ${fmt(a.equityF64)} ` +
        `(P&L ${pnl >= 0 ? '+' : ''}${fmt(pnl)}) | bars ${produced.toLocaleString('en-US')} orders ${runner.counts.orders} fills ${runner.counts.fills} ` +
        `refused ${runner.counts.rejected} | mode ${session!.mode} | journal ${writer.written.toLocaleString('en-US')} writes${writer.failed ? ` (${writer.failed} FAILED)` : ''}`
      );
    };
    while (!o.signal?.aborted) {
      const now = performance.now();
      if (now >= stopAt) break;
      if (feedError) throw feedError;
      let due = liveData ? liveBars.length : Math.min(4096, Math.floor(((now - start) / 1000) * barsPerSec) - produced);
      if (due > 0) {
        let recs: Uint8Array;
        if (liveData) {
          recs = liveBars.bytes().slice();
          due = liveBars.length;
          liveBars.reset();
        } else recs = market.next(due);
        venue.push(recs);
        runner.run(new RecordView(recs), 0, due, base);
        base += due;
        produced += due;
        session.lastBarWallMs = Date.now();
        sink.flushDecisions();
        if (++batches % 64 === 0 && runner.working === 0) {
          venue.advanceAll(venue.length);
          venue.compact();
        }
      }
      if (out && now - lastPrint >= (tty ? Math.min(250, config.paper.summaryMs) : config.paper.summaryMs)) {
        lastPrint = now;
        line(summary());
      }
      // let timers, signals and journal writes run
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(50, 1000 / barsPerSec))));
    }

    // ---- stop: working orders are cancelled (the simulated venue goes away with the process)
    feedAbort.abort();
    await liveVenue?.close();
    runner.stop();
    runner.cancelAll();
    sink.flushDecisions();
    if (out) line(summary());
    if (tty) out?.write('\n');
    await writer.flush();
    const a = venue.account();
    const head = await journal.endSession(sessionId, 'stopped');
    const anchor = `${config.journal.path}.heads`;
    if (config.journal.backend === 'sqlite') {
      try {
        mkdirSync(dirname(anchor), { recursive: true });
        appendFileSync(anchor, `${new Date().toISOString()} ${sessionId} ${head}\n`);
      } catch {
        // the head is printed below as well
      }
    }
    const result: PaperResult = {
      sessionId,
      bars: produced,
      orders: runner.counts.orders,
      fills: runner.counts.fills,
      rejected: runner.counts.rejected,
      decisions: runner.counts.decisions,
      equity: a.equity,
      cash: a.cash,
      positions: a.positions.map((p) => ({ symbol: symbols[p.instrument] ?? String(p.instrument), qty: p.qty })),
      recovered,
      journal: { path: journal.location, written: writer.written, failed: writer.failed, head },
      elapsedSec: (performance.now() - t0) / 1000,
    };
    out?.write(
      `stopped after ${result.elapsedSec.toFixed(1)} s: ${produced.toLocaleString('en-US')} bars, ${result.orders} orders, ${result.fills} fills, ` +
        `equity ${a.equity} ${config.account.currency}\n` +
        `  journal: ${writer.written.toLocaleString('en-US')} writes${writer.failed ? `, ${writer.failed} FAILED (${writer.lastError?.message ?? ''})` : ''}; audit head ${head.slice(0, 16)}… ` +
        `(check with \`npx tachyon audit verify --journal ${config.journal.path}\`)\n`,
    );
    log.info({ sessionId, head, fills: result.fills }, 'paper session stopped');
    log.flush?.();
    return result;
  } finally {
    await journal.close();
  }
}

function native_restore(v: SimulatedVenue, k: number, side: 1 | 2, qty: number, price: number, fee: string, tsMs: number): void {
  v.restoreFill(k, side, qty, price, fee, tsMs);
}
