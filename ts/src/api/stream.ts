/**
 * The JS → Rust market-event stream.
 *
 * JavaScript produces {@link MarketEventInput} records (48 bytes each, prices and quantities as
 * fixed-point integer mantissas); a Rust thread consumes them. Two transports:
 *
 * - `'ring'` (default, fastest): a `SharedArrayBuffer` ring. {@link RingWriter.tryPush} writes a
 *   record with plain typed-array stores and {@link RingWriter.commit} publishes everything
 *   written so far with one `Atomics.store`. No N-API call per event or per batch.
 * - `'push'`: {@link EventStream.pushBatch} copies an {@link EventBatch} into a Rust ring with
 *   one N-API call per batch; {@link EventStream.pushOne} makes one call per event (the
 *   baseline the other two are measured against in `bench/stream.bench.ts`).
 *
 * Field values that cannot be encoded (NaN, ±Infinity, fractions, integers beyond 2^53, a
 * negative sequence number) throw `ERR_INVALID_EVENT` before anything is written. Values that
 * encode but make no sense (a trade with zero quantity, an unknown kind) reach Rust and are
 * rejected and counted there, by reason, in {@link EventStream.stats}.
 *
 * @example
 * ```ts
 * import { EventStream, EventKind, Side } from 'tachyon';
 * const stream = new EventStream({ capacity: 65536 });
 * const w = stream.writer();
 * for (let seq = 0; seq < 1000; seq++) {
 *   // trade of 0.002 BTC at 65000.10 (scales 2 and 5 → mantissas 6500010 and 200)
 *   while (!w.tryPush(EventKind.Trade, 0, Side.Buy, 1_732_212_000_000_000 + seq, 6_500_010, 200, seq)) {}
 * }
 * w.commit();
 * const stats = stream.close(); // drains, stops the Rust thread
 * stats.accepted;               // 1000
 * ```
 */
import type * as Native from '../../../native/index.js';
import { TachyonError } from '../errors.js';
import { native } from '../native.js';

/** What a record describes (the `kind` byte). */
export const EventKind = { Trade: 1, BidLevel: 2, AskLevel: 3, BookClear: 4, Heartbeat: 5 } as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Aggressor side of a trade (the `side` byte). */
export const Side = { None: 0, Buy: 1, Sell: 2 } as const;
export type Side = (typeof Side)[keyof typeof Side];

/** One market event as JS supplies it. */
export interface MarketEventInput {
  kind: EventKind;
  /** Instrument id, 0 … 2^32−1. */
  instrument: number;
  /** Aggressor side for trades; `Side.None` otherwise. Default `Side.None`. */
  side?: Side;
  /**
   * Microseconds since the Unix epoch (an integer; JS numbers hold µs exactly until year 2255).
   * Rust stores nanoseconds (`tsUs × 1000`).
   */
  tsUs: number;
  /** Price mantissa at the instrument's price scale (a safe integer). */
  price: number;
  /** Quantity mantissa at the instrument's quantity scale (a safe integer; 0 deletes a level). */
  qty: number;
  /** Sequence number, strictly increasing within a stream (a non-negative safe integer). */
  seq: number;
  /** Kind-specific extra (book level index, trade id …). Default 0. */
  aux?: number;
}

/** Bytes per record. */
export const EVENT_RECORD_BYTES = 48;
const WORDS = 12;
const TWO32 = 4294967296;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// Shared-ring header word indices (see crates/core/src/shm.rs).
const CAPACITY_WORD = 8 / 4;
const STATUS_WORD = 20 / 4;
const HEAD_WORD = 128 / 4;
const TAIL_WORD = 256 / 4;
const HEADER_WORDS = 512 / 4;

function bad(field: string, value: unknown, want: string): never {
  throw new TachyonError('ERR_INVALID_EVENT', `event field ${field} must be ${want}, got ${String(value)}`);
}

/**
 * Writes one record at int32 word index `w`. Arguments are validated first, so a bad value
 * throws before any word is written.
 */
function writeRecord(
  i32: Int32Array,
  w: number,
  kind: number,
  instrument: number,
  side: number,
  tsUs: number,
  price: number,
  qty: number,
  seq: number,
  aux: number,
): void {
  // Validation: plain comparisons, cheap enough for the hot path.
  if (!(kind >= 0 && kind <= 255 && (kind | 0) === kind)) bad('kind', kind, 'an integer 0-255');
  if (!(side >= 0 && side <= 255 && (side | 0) === side)) bad('side', side, 'an integer 0-255');
  if (!(instrument >= 0 && instrument <= 0xffffffff && Math.floor(instrument) === instrument))
    bad('instrument', instrument, 'an integer 0 to 2^32-1');
  if (!Number.isSafeInteger(tsUs)) bad('tsUs', tsUs, 'a safe integer number of microseconds');
  if (!Number.isSafeInteger(price)) bad('price', price, 'a safe integer mantissa');
  if (!Number.isSafeInteger(qty)) bad('qty', qty, 'a safe integer mantissa');
  if (!(Number.isSafeInteger(seq) && seq >= 0)) bad('seq', seq, 'a non-negative safe integer');
  if (!Number.isSafeInteger(aux)) bad('aux', aux, 'a safe integer');

  // ts_ns = tsUs × 1000, exactly, as two 32-bit halves (the product exceeds 2^53).
  const hiUs = Math.floor(tsUs / TWO32);
  const loNs = (tsUs - hiUs * TWO32) * 1000; // < 2^42: exact
  const carry = Math.floor(loNs / TWO32);
  i32[w] = (loNs - carry * TWO32) | 0;
  i32[w + 1] = hiUs * 1000 + carry;
  let hi = Math.floor(seq / TWO32);
  i32[w + 2] = (seq - hi * TWO32) | 0;
  i32[w + 3] = hi;
  hi = Math.floor(price / TWO32);
  i32[w + 4] = (price - hi * TWO32) | 0;
  i32[w + 5] = hi;
  hi = Math.floor(qty / TWO32);
  i32[w + 6] = (qty - hi * TWO32) | 0;
  i32[w + 7] = hi;
  i32[w + 8] = instrument | 0;
  i32[w + 9] = kind | (side << 8);
  hi = Math.floor(aux / TWO32);
  i32[w + 10] = (aux - hi * TWO32) | 0;
  i32[w + 11] = hi;
}

/** A reusable batch of records for {@link EventStream.pushBatch}. */
export class EventBatch {
  readonly capacity: number;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private n = 0;

  /** @param capacity records the batch can hold (default 1024). */
  constructor(capacity = 1024) {
    if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 1 << 24)
      throw new TachyonError('ERR_INVALID_ARG', `batch capacity must be an integer 1 to 2^24, got ${capacity}`);
    this.capacity = capacity;
    const buf = new ArrayBuffer(capacity * EVENT_RECORD_BYTES);
    this.i32 = new Int32Array(buf);
    this.u8 = new Uint8Array(buf);
  }

  /** Records in the batch. */
  get length(): number {
    return this.n;
  }

  /** Appends a record; `ERR_BATCH_FULL` when the batch is full. */
  pushRaw(kind: number, instrument: number, side: number, tsUs: number, price: number, qty: number, seq: number, aux = 0): void {
    if (this.n >= this.capacity) throw new TachyonError('ERR_BATCH_FULL', `batch is full (${this.capacity} records)`);
    writeRecord(this.i32, this.n * WORDS, kind, instrument, side, tsUs, price, qty, seq, aux);
    this.n++;
  }

  /** Appends a record given as an object. */
  push(e: MarketEventInput): void {
    this.pushRaw(e.kind, e.instrument, e.side ?? 0, e.tsUs, e.price, e.qty, e.seq, e.aux ?? 0);
  }

  /** Empties the batch (keeps its memory). */
  clear(): void {
    this.n = 0;
  }

  /** The filled records as bytes (a view, not a copy). */
  get bytes(): Uint8Array {
    return this.u8.subarray(0, this.n * EVENT_RECORD_BYTES);
  }
}

/** Status of a shared ring as the Rust consumer reports it. */
export type RingStatus = 'open' | 'closed' | 'corrupt';

/**
 * Producer side of a shared ring. Single producer: use one writer from one thread (it may be a
 * worker thread; the `SharedArrayBuffer` can be posted to it with {@link RingWriter.fromBuffer}).
 */
export class RingWriter {
  readonly capacity: number;
  private readonly i32: Int32Array;
  private readonly mask: number;
  private head: number;
  private published: number;
  private cachedTail: number;

  private constructor(readonly buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer);
    this.capacity = this.i32[CAPACITY_WORD] ?? 0;
    if (this.capacity < 2 || (this.capacity & (this.capacity - 1)) !== 0)
      throw new TachyonError('ERR_INVALID_STATE', 'shared ring header is not initialised (attach it to a stream first)');
    this.mask = this.capacity - 1;
    this.head = Atomics.load(this.i32, HEAD_WORD);
    this.published = this.head;
    this.cachedTail = Atomics.load(this.i32, TAIL_WORD);
  }

  /** A writer over a ring buffer that a stream has attached (e.g. in a worker thread). */
  static fromBuffer(buffer: SharedArrayBuffer): RingWriter {
    return new RingWriter(buffer);
  }

  /**
   * Writes one record without publishing it. Returns `false` if the ring is full; pending
   * records are published first in that case, so the consumer can make room.
   */
  tryPush(kind: number, instrument: number, side: number, tsUs: number, price: number, qty: number, seq: number, aux = 0): boolean {
    const i32 = this.i32;
    if (((this.head - this.cachedTail) | 0) >= this.capacity) {
      this.commit();
      this.cachedTail = Atomics.load(i32, TAIL_WORD);
      if (((this.head - this.cachedTail) | 0) >= this.capacity) return false;
    }
    writeRecord(i32, HEADER_WORDS + (this.head & this.mask) * WORDS, kind, instrument, side, tsUs, price, qty, seq, aux);
    this.head = (this.head + 1) | 0;
    return true;
  }

  /** Writes one record given as an object and publishes it. */
  push(e: MarketEventInput): boolean {
    const ok = this.tryPush(e.kind, e.instrument, e.side ?? 0, e.tsUs, e.price, e.qty, e.seq, e.aux ?? 0);
    if (ok) this.commit();
    return ok;
  }

  /** Publishes every record written so far (one `Atomics.store`). */
  commit(): void {
    if (this.published !== this.head) {
      Atomics.store(this.i32, HEAD_WORD, this.head);
      this.published = this.head;
    }
  }

  /** Records written but not yet published. */
  get pending(): number {
    return (this.head - this.published) | 0;
  }

  /** Records published but not yet consumed. */
  get depth(): number {
    return (this.published - Atomics.load(this.i32, TAIL_WORD)) | 0;
  }

  /** The consumer's view of the ring. */
  get status(): RingStatus {
    const s = Atomics.load(this.i32, STATUS_WORD);
    return s === 0 ? 'open' : s === 1 ? 'closed' : 'corrupt';
  }
}

/** Options of an {@link EventStream}. */
export interface EventStreamOptions {
  /** `'ring'` (default) or `'push'`. */
  transport?: 'ring' | 'push';
  /** Ring capacity in events, rounded up to a power of two; default 65,536. */
  capacity?: number;
  /** Consumer idle policy: polls spent spinning (default 2,000) … */
  spin?: number;
  /** … then yielding (default 100) … */
  yields?: number;
  /** … then sleeping this many microseconds between polls (default 50). */
  sleepUs?: number;
}

/** Counters from the Rust consumer thread. */
export type StreamStats = Native.StreamStatsSnapshot;

type StreamHandle = ReturnType<typeof native.streamNew>;

/** A market-event stream from JS into a Rust consumer thread. Call {@link close} when done. */
export class EventStream {
  readonly transport: 'ring' | 'push';
  readonly capacity: number;
  /** Opaque handle to the native stream (see CONTRIBUTING.md: handles for hot objects). */
  private readonly h: StreamHandle;
  private ring: RingWriter | undefined;
  private readonly ringBuffer: SharedArrayBuffer | undefined;

  constructor(options: EventStreamOptions = {}) {
    this.transport = options.transport ?? 'ring';
    if (this.transport !== 'ring' && this.transport !== 'push')
      throw new TachyonError('ERR_INVALID_ARG', `transport must be 'ring' or 'push', got ${String(this.transport)}`);
    this.h = native.streamNew({
      transport: this.transport,
      capacity: options.capacity,
      spin: options.spin,
      yields: options.yields,
      sleepUs: options.sleepUs,
    });
    this.capacity = native.streamCapacity(this.h);
    if (this.transport === 'ring') {
      this.ringBuffer = new SharedArrayBuffer(native.ringBytes(this.capacity));
      native.streamAttachRing(this.h, new Uint8Array(this.ringBuffer));
    }
  }

  /** The shared ring's producer (transport `'ring'`). */
  writer(): RingWriter {
    if (!this.ringBuffer) throw new TachyonError('ERR_INVALID_STATE', "writer() needs transport 'ring'");
    this.ring ??= RingWriter.fromBuffer(this.ringBuffer);
    return this.ring;
  }

  /** The shared ring's memory, to hand to a worker thread (transport `'ring'`). */
  get sharedBuffer(): SharedArrayBuffer | undefined {
    return this.ringBuffer;
  }

  /** Copies a batch into the stream with one N-API call; returns how many records were taken. */
  pushBatch(batch: EventBatch | Uint8Array): number {
    return native.streamPushBatch(this.h, batch instanceof EventBatch ? batch.bytes : batch);
  }

  /** One N-API call per event (the slow baseline). Returns `false` if the ring is full. */
  pushOne(e: MarketEventInput): boolean {
    if (!Number.isSafeInteger(e.aux ?? 0) || (e.aux ?? 0) !== 0)
      throw new TachyonError('ERR_INVALID_EVENT', 'pushOne does not carry aux; use a batch or the ring');
    return native.streamPushOne(this.h, e.kind, e.instrument, e.side ?? 0, e.tsUs, e.price, e.qty, e.seq);
  }

  /** Counters from the consumer thread. */
  stats(): StreamStats {
    return native.streamStats(this.h);
  }

  /** Publishes pending ring records, drains, stops the consumer thread; returns final counters. */
  close(): StreamStats {
    this.ring?.commit();
    return native.streamClose(this.h);
  }

  /** `true` after {@link close}. */
  get closed(): boolean {
    return native.streamClosed(this.h);
  }
}

/**
 * The 64-bit fingerprint Rust adds up over every record it receives
 * (`StreamStats.fingerprint`); summing this over what you sent proves the stream lost,
 * duplicated and corrupted nothing.
 */
export function fingerprint(e: MarketEventInput): bigint {
  const u = (v: number | bigint) => BigInt.asUintN(64, BigInt(v));
  const tsNs = BigInt(e.tsUs) * 1000n;
  return BigInt.asUintN(
    64,
    u(e.price) +
      u(e.qty) * 3n +
      u(tsNs) * 7n +
      u(e.instrument) * 11n +
      u(e.aux ?? 0) * 13n +
      u(e.kind) * 17n +
      u(e.side ?? 0) * 19n +
      u(e.seq) * 23n,
  );
}
