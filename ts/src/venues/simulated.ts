/**
 * The simulated venue: the Rust replay session (`tachyon-backtest`) behind an `External`
 * handle. Records are pushed in batches; the runtime advances it in lock step with the
 * strategy — a call per order and per record only while orders are working, never a call
 * per record otherwise. Fills follow the documented conventions (next-open market fills,
 * limit fills at the price or a better gap, taker/maker fees, slippage against the trader);
 * see `crates/backtest/src/session.rs`.
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';

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
}

/** Report kinds (same numbers as the OMS). */
export const ReportKind = { Accepted: 4, PartialFill: 5, Fill: 6, Cancelled: 7, Rejected: 8, Expired: 9 } as const;

/** A decoded execution report (mantissas as numbers, time exact as bigint). */
export interface ExecReport {
  tsNs: bigint;
  tsMs: number;
  orderId: number;
  price: number;
  qty: number;
  cumQty: number;
  avgPrice: number;
  /** Fee, cash-scale mantissa. */
  fee: number;
  instrument: number;
  kind: number;
  status: number;
  side: number;
  reason: number;
}

/** Decodes 64-byte reports. */
export function decodeReports(bytes: Uint8Array): ExecReport[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ExecReport[] = [];
  for (let o = 0; o + 64 <= bytes.byteLength; o += 64) {
    const tsNs = dv.getBigInt64(o, true);
    out.push({
      tsNs,
      tsMs: Number(tsNs) / 1e6,
      orderId: Number(dv.getBigUint64(o + 8, true)),
      price: Number(dv.getBigInt64(o + 16, true)),
      qty: Number(dv.getBigInt64(o + 24, true)),
      cumQty: Number(dv.getBigInt64(o + 32, true)),
      avgPrice: Number(dv.getBigInt64(o + 40, true)),
      fee: Number(dv.getBigInt64(o + 48, true)),
      instrument: dv.getUint32(o + 56, true),
      kind: dv.getUint8(o + 60),
      status: dv.getUint8(o + 61),
      side: dv.getUint8(o + 62),
      reason: dv.getUint8(o + 63),
    });
  }
  return out;
}

/** Refusal codes, indexed by `reason − 1` of a rejected report / `−result − 1` of submit. */
export const REJECT_CODES: readonly string[] = native.backtestRejectCodes();
/** Bad-record codes, in `stats().badRecords` order. */
export const RECORD_ERROR_CODES: readonly string[] = native.backtestRecordErrorCodes();

export class SimulatedVenue {
  readonly name = 'sim';
  private readonly h: ReturnType<typeof native.backtestSessionNew>;

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
    });
  }

  /** Appends records; returns how many were accepted. */
  push(records: Uint8Array): number {
    return native.backtestSessionPush(this.h, records);
  }

  /** Records accepted so far. */
  get length(): number {
    return native.backtestSessionLen(this.h);
  }

  /** Index of the next record to process. */
  get cursor(): number {
    return native.backtestSessionCursor(this.h);
  }

  /** Processes up to `upto`, stopping right after a record that produced reports. */
  advance(upto: number): number {
    return native.backtestSessionAdvance(this.h, upto);
  }

  /** Processes up to `upto` without stopping. */
  advanceAll(upto: number): number {
    return native.backtestSessionAdvanceAll(this.h, upto);
  }

  /** Order id (> 0) or `−(1 + reject index)`. Mantissas; `limit` ≤ 0 for market. */
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
    return native.backtestSessionFinish(this.h, metrics);
  }
}
