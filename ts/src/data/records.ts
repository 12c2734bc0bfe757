/**
 * Replay records: the 64-byte layout every data set becomes (bars, trades, book levels), the
 * one format the Rust session replays (see `crates/backtest/src/record.rs`).
 *
 * | offset | field | bar | trade | book level |
 * |---:|---|---|---|---|
 * | 0 | ts_ns i64 | open time | time | time |
 * | 8 | a i64 | open | price | price |
 * | 16 | b i64 | high | qty | qty (0 deletes) |
 * | 24 | c i64 | low | trade id | level |
 * | 32 | d i64 | close | | |
 * | 40 | e i64 | volume | | |
 * | 48 | seq u64 | row | row | row |
 * | 56 | instrument u32 | | | |
 * | 60 | kind u8 | 16 | 1 | 2 bid / 3 ask / 4 clear |
 * | 61 | side u8 | | 1 buy / 2 sell | |
 *
 * Prices and quantities are integer mantissas at the instrument's scales; times are exact
 * nanoseconds written from integer microseconds (JS numbers hold µs exactly until 2255).
 */
import { TachyonError } from '../errors.js';

export const RECORD_BYTES = 64;
const WORDS = 16;
const TWO32 = 4294967296;

export const RecordKind = { Trade: 1, Bid: 2, Ask: 3, BookClear: 4, Heartbeat: 5, Bar: 16 } as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

function bad(what: string, v: unknown): never {
  throw new TachyonError('ERR_DATA', `record field ${what} must be a safe integer, got ${String(v)}`);
}

/** A growable buffer of records. */
export class RecordBuffer {
  private buf: ArrayBuffer;
  private i32: Int32Array;
  private n = 0;

  constructor(capacity = 1024) {
    this.buf = new ArrayBuffer(Math.max(1, capacity) * RECORD_BYTES);
    this.i32 = new Int32Array(this.buf);
  }

  /** Records written. */
  get length(): number {
    return this.n;
  }

  private grow(): void {
    const next = new ArrayBuffer(this.buf.byteLength * 2);
    new Uint8Array(next).set(new Uint8Array(this.buf));
    this.buf = next;
    this.i32 = new Int32Array(next);
  }

  /**
   * Appends a record. All numeric fields must be safe integers (mantissas); `tsUs` in
   * microseconds since the epoch.
   */
  push(kind: number, instrument: number, tsUs: number, a: number, b: number, c: number, d: number, e: number, side = 0, seq = this.n): void {
    if (!Number.isSafeInteger(tsUs)) bad('tsUs', tsUs);
    if (!Number.isSafeInteger(a)) bad('a', a);
    if (!Number.isSafeInteger(b)) bad('b', b);
    if (!Number.isSafeInteger(c)) bad('c', c);
    if (!Number.isSafeInteger(d)) bad('d', d);
    if (!Number.isSafeInteger(e)) bad('e', e);
    if (!(Number.isSafeInteger(seq) && seq >= 0)) bad('seq', seq);
    if ((this.n + 1) * RECORD_BYTES > this.buf.byteLength) this.grow();
    const w = this.n * WORDS;
    const i32 = this.i32;
    // ts_ns = tsUs × 1000 exactly, as two 32-bit halves
    const hiUs = Math.floor(tsUs / TWO32);
    const loNs = (tsUs - hiUs * TWO32) * 1000;
    const carry = Math.floor(loNs / TWO32);
    i32[w] = (loNs - carry * TWO32) | 0;
    i32[w + 1] = hiUs * 1000 + carry;
    put(i32, w + 2, a);
    put(i32, w + 4, b);
    put(i32, w + 6, c);
    put(i32, w + 8, d);
    put(i32, w + 10, e);
    put(i32, w + 12, seq);
    i32[w + 14] = instrument | 0;
    i32[w + 15] = (kind & 0xff) | ((side & 0xff) << 8);
    this.n++;
  }

  /** A bar (`tsUs` = bar open time). */
  bar(instrument: number, tsUs: number, o: number, h: number, l: number, c: number, v: number, seq?: number): void {
    this.push(RecordKind.Bar, instrument, tsUs, o, h, l, c, v, 0, seq);
  }

  /** A trade; `side` 1 buy, 2 sell, 0 unknown. */
  trade(instrument: number, tsUs: number, price: number, qty: number, side = 0, tradeId = 0, seq?: number): void {
    this.push(RecordKind.Trade, instrument, tsUs, price, qty, tradeId, 0, 0, side, seq);
  }

  /** A book level (`qty` 0 deletes it). */
  level(instrument: number, tsUs: number, bid: boolean, price: number, qty: number, seq?: number): void {
    this.push(bid ? RecordKind.Bid : RecordKind.Ask, instrument, tsUs, price, qty, 0, 0, 0, 0, seq);
  }

  /** Clears an instrument's book (a snapshot follows). */
  clear(instrument: number, tsUs: number, seq?: number): void {
    this.push(RecordKind.BookClear, instrument, tsUs, 0, 0, 0, 0, 0, 0, seq);
  }

  /** The records written, as bytes (a view, not a copy). */
  bytes(): Uint8Array {
    return new Uint8Array(this.buf, 0, this.n * RECORD_BYTES);
  }

  /** Forgets the records (keeps the memory). */
  reset(): void {
    this.n = 0;
  }
}

function put(i32: Int32Array, w: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  i32[w] = (v - hi * TWO32) | 0;
  i32[w + 1] = hi | 0;
}

/** Reads records without copying: typed-array views over a record buffer. */
export class RecordView {
  readonly length: number;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;

  constructor(readonly bytes: Uint8Array) {
    if (bytes.byteLength % RECORD_BYTES !== 0)
      throw new TachyonError('ERR_DATA', `record buffer of ${bytes.byteLength} bytes is not a whole number of ${RECORD_BYTES}-byte records`);
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    this.i32 = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
    this.u8 = new Uint8Array(aligned.buffer, aligned.byteOffset, aligned.byteLength);
    this.length = bytes.byteLength / RECORD_BYTES;
  }

  private i64(i: number, word: number): number {
    const w = i * WORDS + word;
    return this.i32[w + 1]! * TWO32 + (this.i32[w]! >>> 0);
  }

  /** Time in ms since the epoch (float; µs precision). */
  tsMs(i: number): number {
    const w = i * WORDS;
    return (this.i32[w + 1]! * TWO32 + (this.i32[w]! >>> 0)) / 1e6;
  }

  /** Time in ns as a bigint (exact). */
  tsNs(i: number): bigint {
    const w = i * WORDS;
    return (BigInt(this.i32[w + 1]!) << 32n) | BigInt(this.i32[w]! >>> 0);
  }

  a(i: number): number {
    return this.i64(i, 2);
  }
  b(i: number): number {
    return this.i64(i, 4);
  }
  c(i: number): number {
    return this.i64(i, 6);
  }
  d(i: number): number {
    return this.i64(i, 8);
  }
  e(i: number): number {
    return this.i64(i, 10);
  }
  seq(i: number): number {
    return this.i64(i, 12);
  }
  instrument(i: number): number {
    return this.i32[i * WORDS + 14]! >>> 0;
  }
  kind(i: number): number {
    return this.u8[i * RECORD_BYTES + 60]!;
  }
  side(i: number): number {
    return this.u8[i * RECORD_BYTES + 61]!;
  }

  /** A sub-range as bytes (a view). */
  slice(from: number, to: number): Uint8Array {
    return this.bytes.subarray(from * RECORD_BYTES, to * RECORD_BYTES);
  }
}

/** Concatenates record buffers. */
export function concatRecords(parts: readonly Uint8Array[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
