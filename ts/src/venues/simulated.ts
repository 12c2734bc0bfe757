/**
 * The simulated venue: the Rust replay session (`tachyon-backtest`) behind an `External`
 * handle. Orders go through the OMS (`tachyon-oms`: order state machine, idempotent client
 * ids, the pre-trade gate) to the session's bar/trade venue; reports are the OMS's. Records
 * are pushed in batches; the runtime advances it in lock step with the strategy — a call per
 * order and per record only while orders are working, never a call per record otherwise. Fills follow the documented conventions (next-open market fills,
 * limit fills at the price or a better gap, taker/maker fees, slippage against the trader);
 * see `crates/backtest/src/session.rs`. With `venue: 'l2'` the session's venue is the
 * simulated L2 venue (`tachyon-sim`): book levels and trades drive queue position and
 * depth-walking fills instead.
 */
import type * as Native from '../../../native/index.js';
import { native, nativeOnly } from '../native.js';
import { decodeReports, type ExecReport } from '../oms/index.js';

export type FillAt = 'nextOpen' | 'close';

export interface SimulatedVenueOptions {
  instruments: { symbol: string; tickSize: string; lotSize: string; minNotional?: string; minQty?: string; maxQty?: string }[];
  initialCash?: string;
  takerFeeBps?: number;
  makerFeeBps?: number;
  slippageBps?: number;
  fillAt?: FillAt;
  /** Per instrument, decimal strings or null. */
  maxPosition?: (string | null)[];
  maxLeverage?: number;
  /** Equity curve sampling, ms of market time (0 = every new timestamp). */
  sampleMs?: number;
  /** Least decimal places of money (a venue reporting fees to 8 decimals needs 8). */
  cashScale?: number;
  /**
   * Execution model: `bars` (default; the bar/trade conventions) or `l2` (book levels and
   * trades through the simulated venue: queue position, depth walk, latency).
   */
  venue?: 'bars' | 'l2';
  /** The simulated venue's settings in `l2` mode (without `fees`: takerFeeBps/makerFeeBps as one tier). */
  l2?: Native.SimVenueOptions;
}

/**
 * The session's execution reports are the OMS's 64-byte records (the session's orders go
 * through `tachyon-oms`): decode them with the OMS's decoder. A fill's fee is a mantissa at the
 * session's cash scale.
 */
export { decodeReports, type ExecReport } from '../oms/index.js';

/** Refusal codes, indexed by `−result − 1` of `submit` (and `stats().rejected`). */
export const REJECT_CODES: readonly string[] = nativeOnly('REJECT_CODES', () => native.backtestRejectCodes());
/** Bad-record codes, in `stats().badRecords` order. */
export const RECORD_ERROR_CODES: readonly string[] = nativeOnly('RECORD_ERROR_CODES', () => native.backtestRecordErrorCodes());

const SCRATCH_REPORTS = 16;

export class SimulatedVenue {
  readonly name = 'sim';
  private readonly h: ReturnType<typeof native.backtestSessionNew>;
  private len = 0;
  private cur = 0;
  private readonly scratch = new Uint8Array(SCRATCH_REPORTS * 64);

  constructor(readonly options: SimulatedVenueOptions) {
    this.h = native.backtestSessionNew({
      instruments: options.instruments,
      initialCash: options.initialCash,
      takerFeeBps: options.takerFeeBps,
      makerFeeBps: options.makerFeeBps,
      slippageBps: options.slippageBps,
      fillAt: options.fillAt,
      maxPosition: options.maxPosition,
      maxLeverage: options.maxLeverage,
      sampleMs: options.sampleMs,
      cashScale: options.cashScale,
      venue: options.venue,
      l2: options.l2,
    });
  }

  /** Appends records; returns how many were accepted. */
  push(records: Uint8Array): number {
    const n = native.backtestSessionPush(this.h, records);
    this.len += n;
    return n;
  }

  /** Records accepted so far. */
  get length(): number {
    return this.len;
  }

  /** Index of the next record to process (tracked in JS: no call). */
  get cursor(): number {
    return this.cur;
  }

  /** Processes up to `upto`, stopping right after a record that produced reports. */
  advance(upto: number): number {
    this.cur = native.backtestSessionAdvance(this.h, upto);
    return this.cur;
  }

  /**
   * Lock step in one call: processes up to `upto`, stopping right after a record that produced
   * reports, and returns them (or `null` when the venue reached `upto` without any).
   */
  advanceTake(upto: number): ExecReport[] | null {
    const r = native.backtestSessionAdvanceTake(this.h, upto);
    if (r === null || r === undefined) {
      this.cur = Math.max(this.cur, Math.min(upto, this.len));
      return null;
    }
    this.cur = native.backtestSessionCursor(this.h);
    return decodeReports(r);
  }

  /** Processes up to `upto` without stopping. */
  advanceAll(upto: number): number {
    this.cur = native.backtestSessionAdvanceAll(this.h, upto);
    return this.cur;
  }

  /**
   * Submits through the OMS: the OMS order id (> 0) or `−(1 + reject index)` of
   * {@link REJECT_CODES}. Mantissas; `limit` ≤ 0 for market. The OMS's reports (New, Accepted,
   * and for `fillAt: 'close'` the fill) wait in {@link SimulatedVenue.takeReports}.
   */
  submit(instrument: number, side: 1 | 2, qty: number, limit: number, ioc: boolean): number {
    return native.backtestSessionSubmit(this.h, instrument, side, qty, limit, ioc);
  }

  /** Books a fill of an earlier session (mantissas; fee as a decimal string) — journal replay. */
  restoreFill(instrument: number, side: 1 | 2, qty: number, price: number, fee: string, tsMs: number): void {
    native.backtestSessionRestoreFill(this.h, instrument, side, qty, price, fee, tsMs);
  }

  cancel(orderId: number): boolean {
    return native.backtestSessionCancel(this.h, orderId);
  }

  get openCount(): number {
    return native.backtestSessionOpenCount(this.h);
  }

  get pendingReports(): number {
    return native.backtestSessionPendingReports(this.h);
  }

  takeReports(): ExecReport[] {
    return decodeReports(native.backtestSessionTakeReports(this.h));
  }

  /**
   * The reports waiting, through a reused buffer (no allocation per call): the runner's path
   * after each order (New, Accepted and perhaps a fill). More than fit come in further calls.
   */
  takeReportsFast(): ExecReport[] {
    const buf = this.scratch;
    let n = native.backtestSessionTakeReportsInto(this.h, buf);
    if (n === 0) return [];
    const out = decodeReports(buf.subarray(0, n * 64));
    while (n === SCRATCH_REPORTS) {
      n = native.backtestSessionTakeReportsInto(this.h, buf);
      out.push(...decodeReports(buf.subarray(0, n * 64)));
    }
    return out;
  }

  account(): Native.AccountState {
    return native.backtestSessionAccount(this.h);
  }

  stats(): Native.BacktestStats {
    return native.backtestSessionStats(this.h);
  }

  /** Drops processed records from memory. */
  compact(): void {
    native.backtestSessionCompact(this.h);
  }

  /** Processes the rest and returns the results; the venue is finished afterwards. */
  finish(metrics?: Native.MetricOptions): Native.BacktestResultJs {
    const r = native.backtestSessionFinish(this.h, metrics);
    this.cur = this.len;
    return r;
  }
}
