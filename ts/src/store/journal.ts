/**
 * The journal: orders, fills, positions, decisions, risk events, mode changes, sessions and
 * configuration snapshots, each written together with a row of an append-only audit table
 * whose rows are hash-chained (`hash = sha256(prevHash ‖ seq ‖ ts ‖ kind ‖ ref ‖ payload)`).
 *
 * - Every write is one transaction: the fact and its audit row commit together or not at all,
 *   so a crash (kill -9) at any moment leaves the journal consistent.
 * - Fills are keyed by `(venue, tradeId)`: a fill reported twice (a reconnect, a replay after
 *   a restart) is stored once and {@link Journal.applyFill} says it was a duplicate.
 * - Orders are written `pending` before they reach the venue; after a restart the session
 *   reconciles pending/sent orders with the venue by client id instead of sending them again.
 * - {@link Journal.verifyAudit} recomputes the chain and checks every fact row against the
 *   audit row that wrote it: editing, deleting or inserting a row in any table is detected.
 *   Cutting rows off the *end* of the chain is detected against a head hash kept elsewhere
 *   (`expectHead`; every session prints and stores it when it stops).
 *
 * Bad input (a malformed decimal, an unknown status, a fill for an unknown order) throws
 * `ERR_JOURNAL` before anything is written.
 *
 * @example
 * ```ts
 * import { openJournal } from 'tachyon';
 * const j = await openJournal({ backend: 'sqlite', path: './data/tachyon.db' });
 * const session = await j.beginSession('paper', { seed: 42 });
 * // … insertOrder / applyFill / appendDecisions …
 * await j.endSession(session, 'stopped');
 * (await j.verifyAudit()).ok; // true
 * await j.close();
 * ```
 */
import { randomBytes } from 'node:crypto';
import { TachyonError } from '../errors.js';
import { canonicalJson, chainHash, configHash, GENESIS_HASH } from './canonical.js';
import { big, numOrNull, str, strOrNull, toBig, type Driver, type Row, type SqlValue } from './driver.js';
import { migrationsTable, MIGRATIONS } from './migrations.js';
import {
  TERMINAL_STATUSES,
  type AuditReport,
  type DecisionRecord,
  type FillRecord,
  type ModeChangeRecord,
  type OrderRecord,
  type OrderStatus,
  type PositionRecord,
  type RiskEventRecord,
  type SessionRecord,
} from './types.js';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const STATUSES: readonly OrderStatus[] = ['pending', 'sent', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected', 'expired', 'unknown'];

function bad(message: string): never {
  throw new TachyonError('ERR_JOURNAL', message);
}

function checkDecimal(v: string | null, what: string, nullable = false): void {
  if (v === null) {
    if (!nullable) bad(`${what} is required`);
    return;
  }
  if (typeof v !== 'string' || !DECIMAL.test(v)) bad(`${what} must be a decimal string like "0.01", got ${JSON.stringify(v)}`);
}

function checkNs(v: bigint, what: string): void {
  if (typeof v !== 'bigint' || v < 0n) bad(`${what} must be a non-negative bigint of nanoseconds, got ${String(v)}`);
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

// The audited payload of each fact, built the same way at write time and at verify time.
const orderPayload = (o: OrderRecord) => canonicalJson(o);
const fillPayload = (f: FillRecord) => canonicalJson(f);
const positionPayload = (p: PositionRecord) => canonicalJson(p);
const decisionPayload = (d: { sessionId: string; tsNs: bigint; symbol: string; action: string; score: number | null; detail: string }) =>
  canonicalJson(d);
const riskPayload = (r: { sessionId: string; tsNs: bigint; symbol: string | null; code: string; message: string; detail: string }) => canonicalJson(r);
const modePayload = (m: ModeChangeRecord) => canonicalJson(m);
const sessionPayload = (s: SessionRecord) => canonicalJson(s);

function orderFromRow(r: Row): OrderRecord {
  return {
    clientId: str(r.client_id),
    sessionId: str(r.session_id),
    venue: str(r.venue),
    symbol: str(r.symbol),
    side: str(r.side) as OrderRecord['side'],
    type: str(r.type) as OrderRecord['type'],
    tif: str(r.tif),
    qty: str(r.qty),
    price: strOrNull(r.price),
    status: str(r.status) as OrderStatus,
    venueOrderId: strOrNull(r.venue_order_id),
    filledQty: str(r.filled_qty),
    avgPrice: strOrNull(r.avg_price),
    reason: strOrNull(r.reason),
    strategy: strOrNull(r.strategy),
    createdNs: big(r.created_ns),
    updatedNs: big(r.updated_ns),
  };
}

function fillFromRow(r: Row): FillRecord {
  return {
    venue: str(r.venue),
    tradeId: str(r.trade_id),
    clientId: str(r.client_id),
    symbol: str(r.symbol),
    side: str(r.side) as FillRecord['side'],
    qty: str(r.qty),
    price: str(r.price),
    fee: str(r.fee),
    feeCurrency: str(r.fee_currency),
    liquidity: strOrNull(r.liquidity) as FillRecord['liquidity'],
    tsNs: big(r.ts_ns),
  };
}

function positionFromRow(r: Row): PositionRecord {
  return {
    venue: str(r.venue),
    symbol: str(r.symbol),
    qty: str(r.qty),
    avgPrice: strOrNull(r.avg_price),
    realizedPnl: str(r.realized_pnl),
    fees: str(r.fees),
    updatedNs: big(r.updated_ns),
  };
}

function sessionFromRow(r: Row): SessionRecord {
  return {
    id: str(r.id),
    mode: str(r.mode),
    startedNs: big(r.started_ns),
    stoppedNs: toBig(r.stopped_ns),
    status: str(r.status) as SessionRecord['status'],
    pid: Number(r.pid),
    configHash: str(r.config_hash),
  };
}

/** Counts of rows per table. */
export interface JournalCounts {
  sessions: number;
  orders: number;
  fills: number;
  positions: number;
  decisions: number;
  riskEvents: number;
  modeChanges: number;
  audit: number;
}

export class Journal {
  private constructor(private readonly db: Driver) {}

  /** Opens a journal on a driver and brings its schema up to date. */
  static async open(db: Driver, options: { migrate?: boolean } = {}): Promise<Journal> {
    const j = new Journal(db);
    if (options.migrate ?? true) await j.migrate();
    else if ((await j.schemaVersions().catch(() => [])).length === 0) {
      await db.close();
      bad(`${db.location} is not a Tachyon journal (no schema_migrations table)`);
    }
    return j;
  }

  /** `sqlite` or `postgres`. */
  get backend(): Driver['dialect'] {
    return this.db.dialect;
  }

  /** Where the journal lives (file path or redacted URL). */
  get location(): string {
    return this.db.location;
  }

  private async migrate(): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.exec(migrationsTable(this.db.dialect));
      const done = new Set((await this.db.all('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await this.db.exec(m.sql(this.db.dialect));
        await this.db.run('INSERT INTO schema_migrations (version, name, applied_ns) VALUES (?, ?, ?)', [m.version, m.name, nowNs()]);
      }
    });
  }

  /** Schema versions applied, in order. */
  async schemaVersions(): Promise<number[]> {
    return (await this.db.all('SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r.version));
  }

  /** Appends one audit row inside the current transaction; returns its sequence number. */
  private async audit(kind: string, ref: string, tsNs: bigint, payload: string): Promise<bigint> {
    const head = (await this.db.all(`SELECT seq, hash FROM audit_head WHERE id = 1${this.db.lockClause}`))[0];
    if (!head) bad('the audit head row is missing: the journal was damaged outside Tachyon (run `tachyon audit verify`)');
    const seq = big(head.seq) + 1n;
    const hash = chainHash(str(head.hash), seq, tsNs, kind, ref, payload);
    await this.db.run('INSERT INTO audit (seq, ts_ns, kind, ref, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      seq,
      tsNs,
      kind,
      ref,
      payload,
      str(head.hash),
      hash,
    ]);
    await this.db.run('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [seq, hash]);
    return seq;
  }

  // ---------------------------------------------------------------- sessions and config

  /**
   * Starts a session: marks sessions left `running` by a crashed process as `crashed`, stores
   * the configuration snapshot (once per distinct config) and returns the new session id.
   */
  async beginSession(mode: string, config: unknown, tsNs: bigint = nowNs()): Promise<string> {
    const id = `${mode.slice(0, 1)}${tsNs.toString(36)}${randomBytes(3).toString('hex')}`;
    const hash = configHash(config);
    await this.db.transaction(async () => {
      for (const r of await this.db.all("SELECT * FROM sessions WHERE status = 'running'")) {
        const s = { ...sessionFromRow(r), status: 'crashed' as const, stoppedNs: tsNs };
        const seq = await this.audit('session', s.id, tsNs, sessionPayload(s));
        await this.db.run('UPDATE sessions SET status = ?, stopped_ns = ?, audit_seq = ? WHERE id = ?', [s.status, tsNs, seq, s.id]);
      }
      const known = await this.db.all('SELECT hash FROM config_snapshots WHERE hash = ?', [hash]);
      if (known.length === 0) {
        const body = canonicalJson(config);
        const seq = await this.audit('config', hash, tsNs, body);
        await this.db.run('INSERT INTO config_snapshots (hash, body, first_seen_ns, audit_seq) VALUES (?, ?, ?, ?)', [hash, body, tsNs, seq]);
      }
      const s: SessionRecord = { id, mode, startedNs: tsNs, stoppedNs: null, status: 'running', pid: process.pid, configHash: hash };
      const seq = await this.audit('session', id, tsNs, sessionPayload(s));
      await this.db.run(
        'INSERT INTO sessions (id, mode, started_ns, stopped_ns, status, pid, config_hash, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [id, mode, tsNs, null, 'running', process.pid, hash, seq],
      );
    });
    return id;
  }

  /** Ends a session; returns the audit head hash at that point (print or store it elsewhere). */
  async endSession(id: string, status: 'stopped' | 'crashed' = 'stopped', tsNs: bigint = nowNs()): Promise<string> {
    return this.db.transaction(async () => {
      const r = (await this.db.all('SELECT * FROM sessions WHERE id = ?', [id]))[0];
      if (!r) bad(`unknown session ${id}`);
      const s = { ...sessionFromRow(r), status, stoppedNs: tsNs };
      const seq = await this.audit('session', id, tsNs, sessionPayload(s));
      await this.db.run('UPDATE sessions SET status = ?, stopped_ns = ?, audit_seq = ? WHERE id = ?', [status, tsNs, seq, id]);
      return str((await this.db.all('SELECT hash FROM audit_head WHERE id = 1'))[0]?.hash);
    });
  }

  async sessions(): Promise<SessionRecord[]> {
    return (await this.db.all('SELECT * FROM sessions ORDER BY started_ns')).map(sessionFromRow);
  }

  /** A stored configuration snapshot by hash. */
  async configSnapshot(hash: string): Promise<unknown> {
    const r = (await this.db.all('SELECT body FROM config_snapshots WHERE hash = ?', [hash]))[0];
    return r ? (JSON.parse(str(r.body)) as unknown) : undefined;
  }

  // ---------------------------------------------------------------- orders and fills

  private validateOrder(o: OrderRecord): void {
    if (!o.clientId || !/^[A-Za-z0-9._:/-]{1,36}$/.test(o.clientId)) bad(`client id must be 1-36 characters of [A-Za-z0-9._:/-], got ${JSON.stringify(o.clientId)}`);
    if (o.side !== 'buy' && o.side !== 'sell') bad(`order side must be buy or sell, got ${JSON.stringify(o.side)}`);
    if (o.type !== 'market' && o.type !== 'limit') bad(`order type must be market or limit, got ${JSON.stringify(o.type)}`);
    if (!STATUSES.includes(o.status)) bad(`unknown order status ${JSON.stringify(o.status)}`);
    checkDecimal(o.qty, 'order qty');
    checkDecimal(o.price, 'order price', true);
    checkDecimal(o.filledQty, 'order filledQty');
    checkDecimal(o.avgPrice, 'order avgPrice', true);
    checkNs(o.createdNs, 'createdNs');
    checkNs(o.updatedNs, 'updatedNs');
  }

  private async writeOrder(o: OrderRecord, insert: boolean): Promise<void> {
    const seq = await this.audit('order', o.clientId, o.updatedNs, orderPayload(o));
    const cols: SqlValue[] = [
      o.sessionId,
      o.venue,
      o.symbol,
      o.side,
      o.type,
      o.tif,
      o.qty,
      o.price,
      o.status,
      o.venueOrderId,
      o.filledQty,
      o.avgPrice,
      o.reason,
      o.strategy,
      o.createdNs,
      o.updatedNs,
      seq,
    ];
    if (insert) {
      await this.db.run(
        `INSERT INTO orders (session_id, venue, symbol, side, type, tif, qty, price, status, venue_order_id, filled_qty, avg_price, reason, strategy, created_ns, updated_ns, audit_seq, client_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [...cols, o.clientId],
      );
    } else {
      await this.db.run(
        `UPDATE orders SET session_id = ?, venue = ?, symbol = ?, side = ?, type = ?, tif = ?, qty = ?, price = ?, status = ?, venue_order_id = ?,
         filled_qty = ?, avg_price = ?, reason = ?, strategy = ?, created_ns = ?, updated_ns = ?, audit_seq = ? WHERE client_id = ?`,
        [...cols, o.clientId],
      );
    }
  }

  /**
   * Journals a new order (normally `pending`, before it is sent). A client id that already
   * exists is refused with `ERR_JOURNAL`: ids are never reused, so an order is never sent twice.
   */
  async insertOrder(o: OrderRecord): Promise<void> {
    this.validateOrder(o);
    await this.db.transaction(async () => {
      if ((await this.db.all('SELECT 1 AS x FROM orders WHERE client_id = ?', [o.clientId])).length > 0)
        bad(`order ${o.clientId} is already in the journal (client ids are never reused)`);
      await this.writeOrder(o, true);
    });
  }

  /** Updates an order (status, venue id, fills so far …); returns the stored order. */
  async updateOrder(clientId: string, patch: Partial<Omit<OrderRecord, 'clientId' | 'createdNs'>>, tsNs: bigint = nowNs()): Promise<OrderRecord> {
    return this.db.transaction(async () => {
      const r = (await this.db.all('SELECT * FROM orders WHERE client_id = ?', [clientId]))[0];
      if (!r) bad(`no order ${clientId} in the journal`);
      const o: OrderRecord = { ...orderFromRow(r), ...patch, clientId, updatedNs: patch.updatedNs ?? tsNs };
      this.validateOrder(o);
      await this.writeOrder(o, false);
      return o;
    });
  }

  async getOrder(clientId: string): Promise<OrderRecord | undefined> {
    const r = (await this.db.all('SELECT * FROM orders WHERE client_id = ?', [clientId]))[0];
    return r ? orderFromRow(r) : undefined;
  }

  /** Orders that are not in a terminal state (optionally of one venue). */
  async openOrders(venue?: string): Promise<OrderRecord[]> {
    const marks = TERMINAL_STATUSES.map(() => '?').join(', ');
    const rows = venue
      ? await this.db.all(`SELECT * FROM orders WHERE status NOT IN (${marks}) AND venue = ? ORDER BY created_ns, client_id`, [...TERMINAL_STATUSES, venue])
      : await this.db.all(`SELECT * FROM orders WHERE status NOT IN (${marks}) ORDER BY created_ns, client_id`, [...TERMINAL_STATUSES]);
    return rows.map(orderFromRow);
  }

  async orders(filter: { sessionId?: string } = {}): Promise<OrderRecord[]> {
    const rows = filter.sessionId
      ? await this.db.all('SELECT * FROM orders WHERE session_id = ? ORDER BY created_ns, client_id', [filter.sessionId])
      : await this.db.all('SELECT * FROM orders ORDER BY created_ns, client_id');
    return rows.map(orderFromRow);
  }

  /**
   * Books a fill atomically with the order's new state and the position after it. Returns
   * `false` (and writes nothing) if this `(venue, tradeId)` is already journaled.
   */
  async applyFill(
    fill: FillRecord,
    orderPatch: Partial<Omit<OrderRecord, 'clientId' | 'createdNs'>>,
    position: PositionRecord,
  ): Promise<boolean> {
    if (!fill.tradeId) bad('fill tradeId is required');
    if (fill.side !== 'buy' && fill.side !== 'sell') bad(`fill side must be buy or sell, got ${JSON.stringify(fill.side)}`);
    checkDecimal(fill.qty, 'fill qty');
    checkDecimal(fill.price, 'fill price');
    checkDecimal(fill.fee, 'fill fee');
    checkNs(fill.tsNs, 'fill tsNs');
    if (!(Number(fill.qty) > 0)) bad(`fill qty must be positive, got ${fill.qty}`);
    if (!(Number(fill.price) > 0)) bad(`fill price must be positive, got ${fill.price}`);
    this.validatePosition(position);
    return this.db.transaction(async () => {
      const dup = await this.db.all('SELECT 1 AS x FROM fills WHERE venue = ? AND trade_id = ?', [fill.venue, fill.tradeId]);
      if (dup.length > 0) return false;
      const or = (await this.db.all('SELECT * FROM orders WHERE client_id = ?', [fill.clientId]))[0];
      if (!or) bad(`fill ${fill.venue}:${fill.tradeId} is for order ${fill.clientId}, which is not in the journal`);
      const seq = await this.audit('fill', `${fill.venue}:${fill.tradeId}`, fill.tsNs, fillPayload(fill));
      await this.db.run(
        `INSERT INTO fills (venue, trade_id, client_id, symbol, side, qty, price, fee, fee_currency, liquidity, ts_ns, audit_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [fill.venue, fill.tradeId, fill.clientId, fill.symbol, fill.side, fill.qty, fill.price, fill.fee, fill.feeCurrency, fill.liquidity, fill.tsNs, seq],
      );
      const o: OrderRecord = { ...orderFromRow(or), ...orderPatch, clientId: fill.clientId, updatedNs: orderPatch.updatedNs ?? fill.tsNs };
      this.validateOrder(o);
      await this.writeOrder(o, false);
      await this.writePosition(position);
      return true;
    });
  }

  async fills(filter: { venue?: string; clientId?: string; sinceNs?: bigint } = {}): Promise<FillRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.venue) (where.push('venue = ?'), params.push(filter.venue));
    if (filter.clientId) (where.push('client_id = ?'), params.push(filter.clientId));
    if (filter.sinceNs !== undefined) (where.push('ts_ns >= ?'), params.push(filter.sinceNs));
    const rows = await this.db.all(`SELECT * FROM fills${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ts_ns, audit_seq`, params);
    return rows.map(fillFromRow);
  }

  /** `true` if this venue trade id is journaled. */
  async hasFill(venue: string, tradeId: string): Promise<boolean> {
    return (await this.db.all('SELECT 1 AS x FROM fills WHERE venue = ? AND trade_id = ?', [venue, tradeId])).length > 0;
  }

  // ---------------------------------------------------------------- positions

  private validatePosition(p: PositionRecord): void {
    checkDecimal(p.qty, 'position qty');
    checkDecimal(p.avgPrice, 'position avgPrice', true);
    checkDecimal(p.realizedPnl, 'position realizedPnl');
    checkDecimal(p.fees, 'position fees');
    checkNs(p.updatedNs, 'position updatedNs');
  }

  private async writePosition(p: PositionRecord): Promise<void> {
    const seq = await this.audit('position', `${p.venue}:${p.symbol}`, p.updatedNs, positionPayload(p));
    await this.db.run(
      `INSERT INTO positions (venue, symbol, qty, avg_price, realized_pnl, fees, updated_ns, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (venue, symbol) DO UPDATE SET qty = excluded.qty, avg_price = excluded.avg_price, realized_pnl = excluded.realized_pnl,
       fees = excluded.fees, updated_ns = excluded.updated_ns, audit_seq = excluded.audit_seq`,
      [p.venue, p.symbol, p.qty, p.avgPrice, p.realizedPnl, p.fees, p.updatedNs, seq],
    );
  }

  /** Sets a position outright (reconciliation with a venue). */
  async upsertPosition(p: PositionRecord): Promise<void> {
    this.validatePosition(p);
    await this.db.transaction(() => this.writePosition(p));
  }

  async positions(venue?: string): Promise<PositionRecord[]> {
    const rows = venue
      ? await this.db.all('SELECT * FROM positions WHERE venue = ? ORDER BY symbol', [venue])
      : await this.db.all('SELECT * FROM positions ORDER BY venue, symbol');
    return rows.map(positionFromRow);
  }

  // ---------------------------------------------------------------- decisions, risk, modes

  /** Appends decisions in one transaction. */
  async appendDecisions(ds: readonly DecisionRecord[]): Promise<void> {
    if (ds.length === 0) return;
    const rows = ds.map((d) => {
      checkNs(d.tsNs, 'decision tsNs');
      if (d.score !== null && !Number.isFinite(d.score)) bad(`decision score must be finite or null, got ${d.score}`);
      return { sessionId: d.sessionId, tsNs: d.tsNs, symbol: d.symbol, action: d.action, score: d.score, detail: canonicalJson(d.detail ?? null) };
    });
    await this.db.transaction(async () => {
      for (const d of rows) {
        const seq = await this.audit('decision', d.symbol, d.tsNs, decisionPayload(d));
        await this.db.run('INSERT INTO decisions (session_id, ts_ns, symbol, action, score, detail, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          d.sessionId,
          d.tsNs,
          d.symbol,
          d.action,
          d.score,
          d.detail,
          seq,
        ]);
      }
    });
  }

  async appendRiskEvent(e: RiskEventRecord): Promise<void> {
    checkNs(e.tsNs, 'risk event tsNs');
    const r = { sessionId: e.sessionId, tsNs: e.tsNs, symbol: e.symbol, code: e.code, message: e.message, detail: canonicalJson(e.detail ?? null) };
    await this.db.transaction(async () => {
      const seq = await this.audit('risk', e.code, e.tsNs, riskPayload(r));
      await this.db.run('INSERT INTO risk_events (session_id, ts_ns, symbol, code, message, detail, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        r.sessionId,
        r.tsNs,
        r.symbol,
        r.code,
        r.message,
        r.detail,
        seq,
      ]);
    });
  }

  async appendModeChange(m: ModeChangeRecord): Promise<void> {
    checkNs(m.tsNs, 'mode change tsNs');
    await this.db.transaction(async () => {
      const seq = await this.audit('mode', `${m.from}->${m.to}`, m.tsNs, modePayload(m));
      await this.db.run('INSERT INTO mode_changes (session_id, ts_ns, from_mode, to_mode, reason, source, audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        m.sessionId,
        m.tsNs,
        m.from,
        m.to,
        m.reason,
        m.source,
        seq,
      ]);
    });
  }

  async decisions(sessionId?: string): Promise<DecisionRecord[]> {
    const rows = sessionId
      ? await this.db.all('SELECT * FROM decisions WHERE session_id = ? ORDER BY id', [sessionId])
      : await this.db.all('SELECT * FROM decisions ORDER BY id');
    return rows.map((r) => ({
      sessionId: str(r.session_id),
      tsNs: big(r.ts_ns),
      symbol: str(r.symbol),
      action: str(r.action),
      score: numOrNull(r.score),
      detail: JSON.parse(str(r.detail)) as unknown,
    }));
  }

  async riskEvents(): Promise<RiskEventRecord[]> {
    return (await this.db.all('SELECT * FROM risk_events ORDER BY id')).map((r) => ({
      sessionId: str(r.session_id),
      tsNs: big(r.ts_ns),
      symbol: strOrNull(r.symbol),
      code: str(r.code),
      message: str(r.message),
      detail: JSON.parse(str(r.detail)) as unknown,
    }));
  }

  async modeChanges(): Promise<ModeChangeRecord[]> {
    return (await this.db.all('SELECT * FROM mode_changes ORDER BY id')).map((r) => ({
      sessionId: str(r.session_id),
      tsNs: big(r.ts_ns),
      from: str(r.from_mode),
      to: str(r.to_mode),
      reason: str(r.reason),
      source: str(r.source),
    }));
  }

  async counts(): Promise<JournalCounts> {
    const n = async (t: string) => Number((await this.db.all(`SELECT COUNT(*) AS n FROM ${t}`))[0]?.n ?? 0);
    return {
      sessions: await n('sessions'),
      orders: await n('orders'),
      fills: await n('fills'),
      positions: await n('positions'),
      decisions: await n('decisions'),
      riskEvents: await n('risk_events'),
      modeChanges: await n('mode_changes'),
      audit: await n('audit'),
    };
  }

  /** The chain head: `{ seq, hash }` of the last audit row. */
  async auditHead(): Promise<{ seq: bigint; hash: string }> {
    const r = (await this.db.all('SELECT seq, hash FROM audit_head WHERE id = 1'))[0];
    return { seq: big(r?.seq), hash: r ? str(r.hash) : GENESIS_HASH };
  }

  // ---------------------------------------------------------------- audit verification

  /**
   * Recomputes the hash chain and checks every row of every table against the audit row that
   * wrote it. With `expectHead` (a head hash kept elsewhere), also detects rows cut off the end.
   */
  async verifyAudit(options: { expectHead?: string; maxProblems?: number } = {}): Promise<AuditReport> {
    const max = options.maxProblems ?? 50;
    const problems: string[] = [];
    const problem = (s: string) => {
      if (problems.length < max) problems.push(s);
    };
    // 1. the chain
    let prev = GENESIS_HASH;
    let expectSeq = 1n;
    let rows = 0;
    const latest = new Map<string, bigint>(); // kind:ref → last seq (orders, positions, sessions)
    const perKind = new Map<string, number>();
    const PAGE = 5000;
    for (let after = 0n; ; ) {
      const page = await this.db.all('SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?', [after, PAGE]);
      for (const r of page) {
        const seq = big(r.seq);
        if (seq !== expectSeq) problem(`audit: row ${expectSeq}${seq > expectSeq ? `…${seq - 1n} missing` : ' out of order'} (found ${seq})`);
        expectSeq = seq + 1n;
        const kind = str(r.kind);
        const ref = str(r.ref);
        if (str(r.prev_hash) !== prev) problem(`audit: row ${seq} does not link to the row before it (prev_hash differs)`);
        const h = chainHash(str(r.prev_hash), seq, big(r.ts_ns), kind, ref, str(r.payload));
        if (h !== str(r.hash)) problem(`audit: row ${seq} (${kind} ${ref}) was altered: its hash does not match its content`);
        prev = str(r.hash);
        latest.set(`${kind}:${ref}`, seq);
        perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
        rows++;
        after = seq;
      }
      if (page.length < PAGE) break;
    }
    const head = await this.auditHead();
    if (head.hash !== prev || head.seq !== expectSeq - 1n)
      problem(`audit: the head row says seq ${head.seq} ${head.hash.slice(0, 12)}…, the chain ends at ${expectSeq - 1n} ${prev.slice(0, 12)}…`);
    if (options.expectHead && options.expectHead !== prev) problem(`audit: the chain ends at ${prev.slice(0, 12)}…, expected head ${options.expectHead.slice(0, 12)}… (rows removed from the end?)`);

    // 2. facts against their audit rows
    const check = async (
      table: string,
      kind: string,
      keyOf: (r: Row) => string,
      payloadOf: (r: Row) => string,
      mutable: boolean,
      orderBy: string,
    ) => {
      let n = 0;
      const seen = new Set<string>();
      const all = await this.db.all(
        `SELECT t.*, a.kind AS a_kind, a.ref AS a_ref, a.payload AS a_payload FROM ${table} t LEFT JOIN audit a ON a.seq = t.audit_seq ORDER BY ${orderBy}`,
      );
      for (const r of all) {
        n++;
        const key = keyOf(r);
        seen.add(key);
        const where = `${table} ${key}`;
        if (r.a_kind === null || r.a_kind === undefined) {
          problem(`${where}: no audit row ${String(r.audit_seq)} (inserted outside the journal?)`);
          continue;
        }
        if (str(r.a_kind) !== kind || str(r.a_ref) !== key) {
          problem(`${where}: its audit row ${String(r.audit_seq)} is about ${str(r.a_kind)} ${str(r.a_ref)}`);
          continue;
        }
        if (payloadOf(r) !== str(r.a_payload)) problem(`${where}: was changed after it was journaled (differs from audit row ${String(r.audit_seq)})`);
        if (mutable && latest.get(`${kind}:${key}`) !== big(r.audit_seq))
          problem(`${where}: is not at its last journaled state (audit row ${String(latest.get(`${kind}:${key}`))})`);
      }
      if (mutable) {
        for (const k of latest.keys()) {
          if (!k.startsWith(`${kind}:`)) continue;
          const key = k.slice(kind.length + 1);
          if (!seen.has(key)) problem(`${table} ${key}: journaled (audit row ${String(latest.get(k))}) but missing from the table`);
        }
      } else if ((perKind.get(kind) ?? 0) !== n) {
        problem(`${table}: ${perKind.get(kind) ?? 0} rows were journaled but the table holds ${n}`);
      }
    };
    await check('orders', 'order', (r) => str(r.client_id), (r) => orderPayload(orderFromRow(r)), true, 't.client_id');
    await check('fills', 'fill', (r) => `${str(r.venue)}:${str(r.trade_id)}`, (r) => fillPayload(fillFromRow(r)), false, 't.venue, t.trade_id');
    await check('positions', 'position', (r) => `${str(r.venue)}:${str(r.symbol)}`, (r) => positionPayload(positionFromRow(r)), true, 't.venue, t.symbol');
    await check('sessions', 'session', (r) => str(r.id), (r) => sessionPayload(sessionFromRow(r)), true, 't.id');
    await check('config_snapshots', 'config', (r) => str(r.hash), (r) => str(r.body), true, 't.hash');
    await check(
      'decisions',
      'decision',
      (r) => str(r.symbol),
      (r) =>
        decisionPayload({ sessionId: str(r.session_id), tsNs: big(r.ts_ns), symbol: str(r.symbol), action: str(r.action), score: numOrNull(r.score), detail: str(r.detail) }),
      false,
      't.id',
    );
    await check(
      'risk_events',
      'risk',
      (r) => str(r.code),
      (r) =>
        riskPayload({
          sessionId: str(r.session_id),
          tsNs: big(r.ts_ns),
          symbol: strOrNull(r.symbol),
          code: str(r.code),
          message: str(r.message),
          detail: str(r.detail),
        }),
      false,
      't.id',
    );
    await check(
      'mode_changes',
      'mode',
      (r) => `${str(r.from_mode)}->${str(r.to_mode)}`,
      (r) =>
        modePayload({ sessionId: str(r.session_id), tsNs: big(r.ts_ns), from: str(r.from_mode), to: str(r.to_mode), reason: str(r.reason), source: str(r.source) }),
      false,
      't.id',
    );
    return { ok: problems.length === 0, rows, head: prev, problems };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
