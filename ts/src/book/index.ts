/**
 * L2 order books: {@link OrderBook} (snapshot + sequenced deltas on fixed-point mantissas) and
 * {@link BinanceDepthBook} (Binance's diff depth stream + REST snapshot, synchronised by
 * Binance's documented procedure). A sequence gap never leaves a silently wrong book: it
 * throws `ERR_SEQUENCE_GAP`, the book's `status` becomes `"needsResync"` and every read
 * returns `null` until the next snapshot. Bad levels throw (`ERR_OFF_TICK`,
 * `ERR_NEGATIVE_QUANTITY`, `ERR_TOO_PRECISE`, …), change nothing, and are counted in `stats()`.
 *
 * @example
 * ```ts
 * import { Instrument, OrderBook, levels } from 'tachyon';
 * const btc = new Instrument({ symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.001' });
 * const book = new OrderBook(btc);
 * book.loadSnapshot(100, levels(btc, [['65000.00', '1.5']]), levels(btc, [['65000.10', '0.2']]));
 * book.applyDelta(101, 101, levels(btc, [['65000.05', '0.3']]), new Float64Array());
 * book.bestBid();   // { price: '65000.05', qty: '0.300', priceMantissa: 6500005, qtyMantissa: 300 }
 * book.spread();    // '0.05'
 * book.mid();       // '65000.075'
 * book.imbalance(5) // (1.8 - 0.2) / 2.0 = 0.8
 * ```
 *
 * @example Binance spot depth
 * ```ts
 * import { Instrument, BinanceDepthBook } from 'tachyon';
 * const bnb = new Instrument({ symbol: 'BNBBTC', tickSize: '0.000001', lotSize: '0.01' });
 * const depth = new BinanceDepthBook(bnb, { market: 'spot', symbol: 'BNBBTC' });
 * ws.on('message', (text) => depth.onDepthMessage(String(text)));   // 'buffered' until synced
 * if (depth.needsSnapshot) depth.onSnapshot(await (await fetch(depthUrl)).text());
 * depth.bestAsk();
 * ```
 */
import type * as Native from '../../../native/index.js';
import { native } from '../native.js';
import type { Instrument } from '../api/core.js';

export type {
  BookLevel,
  BookStatsJs as BookStats,
  OrderBookOptions,
  SequenceRule,
  BookSideName as BookSide,
  BinanceDepthOptions,
  BinanceMarketName as BinanceMarket,
  ApplyLevelsResult,
} from '../../../native/index.js';

type BookHandle = ReturnType<typeof native.bookNew>;
type BinanceHandle = ReturnType<typeof native.binanceBookNew>;

/**
 * An L2 order book on fixed-point mantissas at the instrument's scales: a snapshot plus
 * sequenced deltas. The hot path is a tick-indexed ladder in Rust (see bench/BENCHMARKS.md).
 *
 * @example
 * ```ts
 * const book = new OrderBook(btc);
 * book.loadSnapshot(100, levels(btc, [['65000.00', '1.5']]), levels(btc, [['65000.10', '0.2']]));
 * book.applyLevels(new Float64Array([0, 6500005, 300, 101])); // [side, price, qty, seq]
 * book.bestBid()?.price; // '65000.05'
 * ```
 */
export class OrderBook {
  /** @internal */
  readonly handle: BookHandle;
  constructor(instrument: Instrument, options?: Native.OrderBookOptions) {
    this.handle = native.bookNew(instrument, options);
  }
  /** Replaces the book: `[price, qty, …]` mantissa pairs. Returns the cross state. */
  loadSnapshot(updateId: number, bids: Float64Array, asks: Float64Array): CrossState {
    return native.bookLoadSnapshot(this.handle, updateId, bids, asks) as CrossState;
  }
  /**
   * Applies a delta covering update ids `[first, last]` (`prev`: previous delta's last id for
   * `sequence: 'prevLinked'`). `'stale'` if older than the book; throws `ERR_SEQUENCE_GAP`.
   */
  applyDelta(first: number, last: number, bids: Float64Array, asks: Float64Array, prev?: number): 'applied' | 'stale' {
    return native.bookApplyDelta(this.handle, first, last, bids, asks, prev) as 'applied' | 'stale';
  }
  /** Applies `[side, price, qty, seq]` quadruples (side 0 bid, 1 ask) in one call. */
  applyLevels(records: Float64Array): Native.ApplyLevelsResult {
    return native.bookApplyLevels(this.handle, records);
  }
  /** `'awaitingSnapshot'`, `'live'` or `'needsResync'`. */
  get status(): BookStatus {
    return native.bookStatus(this.handle) as BookStatus;
  }
  /** Update id of the last snapshot or delta applied. */
  get updateId(): number {
    return native.bookUpdateId(this.handle);
  }
  /** `'normal'`, `'locked'` or `'crossed'`. */
  get crossState(): CrossState {
    return native.bookCrossState(this.handle) as CrossState;
  }
  /** Best bid, or `null` (also while not live). */
  bestBid(): Native.BookLevel | null {
    return native.bookBestBid(this.handle);
  }
  /** Best ask, or `null`. */
  bestAsk(): Native.BookLevel | null {
    return native.bookBestAsk(this.handle);
  }
  /** `ask − bid` as a decimal string. */
  spread(): string | null {
    return native.bookSpread(this.handle);
  }
  /** Exact mid as a decimal string (one extra decimal place). */
  mid(): string | null {
    return native.bookMid(this.handle);
  }
  /** Microprice (a number: an estimate, not money). */
  microprice(): number | null {
    return native.bookMicroprice(this.handle);
  }
  /** Order-book imbalance over the best `levels` levels, in [-1, 1]. */
  imbalance(levels: number): number | null {
    return native.bookImbalance(this.handle, levels);
  }
  /** Best `n` levels of a side as `[price, qty, …]` mantissas. */
  depth(side: Native.BookSideName, n: number): Float64Array {
    return native.bookDepth(this.handle, side, n);
  }
  /** Counters, including refusals by code. */
  stats(): Native.BookStatsJs {
    return native.bookStats(this.handle);
  }
}

/**
 * Keeps a book in sync with Binance's diff depth stream (`<symbol>@depth`) and REST snapshots
 * (`/api/v3/depth`, `/fapi/v1/depth`) by Binance's documented procedure: spot events chain by
 * `U == previous u + 1`, futures by `pu == previous u`; a gap throws `ERR_SEQUENCE_GAP` and
 * sets `needsSnapshot`.
 *
 * @example
 * ```ts
 * const depth = new BinanceDepthBook(bnb, { market: 'spot', symbol: 'BNBBTC' });
 * ws.on('message', (m) => depth.onDepthMessage(String(m)));   // 'buffered' until synced
 * if (depth.needsSnapshot) depth.onSnapshot(await (await fetch(url)).text());
 * depth.bestAsk();
 * ```
 */
export class BinanceDepthBook {
  /** @internal */
  readonly handle: BinanceHandle;
  constructor(instrument: Instrument, options: Native.BinanceDepthOptions) {
    this.handle = native.binanceBookNew(instrument, options);
  }
  /** Feeds one stream message (raw or combined-stream JSON). */
  onDepthMessage(text: string): 'buffered' | 'applied' | 'stale' {
    return native.binanceBookOnDepthMessage(this.handle, text) as 'buffered' | 'applied' | 'stale';
  }
  /** Feeds a REST snapshot; returns how many buffered events were applied on top. */
  onSnapshot(text: string): number {
    return native.binanceBookOnSnapshot(this.handle, text);
  }
  /** `true` when a REST snapshot should be fetched. */
  get needsSnapshot(): boolean {
    return native.binanceBookNeedsSnapshot(this.handle);
  }
  /** `'buffering'` or `'live'`. */
  get syncState(): 'buffering' | 'live' {
    return native.binanceBookSyncState(this.handle) as 'buffering' | 'live';
  }
  /** Events waiting for a snapshot. */
  get buffered(): number {
    return native.binanceBookBuffered(this.handle);
  }
  /** Times the sync fell back to buffering after a gap. */
  get resyncs(): number {
    return native.binanceBookResyncs(this.handle);
  }
  get status(): BookStatus {
    return native.binanceBookStatus(this.handle) as BookStatus;
  }
  get updateId(): number {
    return native.binanceBookUpdateId(this.handle);
  }
  get crossState(): CrossState {
    return native.binanceBookCrossState(this.handle) as CrossState;
  }
  bestBid(): Native.BookLevel | null {
    return native.binanceBookBestBid(this.handle);
  }
  bestAsk(): Native.BookLevel | null {
    return native.binanceBookBestAsk(this.handle);
  }
  spread(): string | null {
    return native.binanceBookSpread(this.handle);
  }
  mid(): string | null {
    return native.binanceBookMid(this.handle);
  }
  microprice(): number | null {
    return native.binanceBookMicroprice(this.handle);
  }
  imbalance(levels: number): number | null {
    return native.binanceBookImbalance(this.handle, levels);
  }
  depth(side: Native.BookSideName, n: number): Float64Array {
    return native.binanceBookDepth(this.handle, side, n);
  }
  stats(): Native.BookStatsJs {
    return native.binanceBookStats(this.handle);
  }
}

/** Top-of-book state after an update. */
export type CrossState = 'normal' | 'locked' | 'crossed';

/** Book status values. */
export type BookStatus = 'awaitingSnapshot' | 'live' | 'needsResync';

/**
 * `[price, qty]` decimal pairs → the interleaved mantissa array the book takes. Exact: a value
 * finer than the instrument's tick or lot throws `ERR_TOO_PRECISE`.
 */
export function levels(instrument: Instrument, pairs: ReadonlyArray<readonly [string | number, string | number]>): Float64Array {
  const out = new Float64Array(pairs.length * 2);
  pairs.forEach(([p, q], i) => {
    out[2 * i] = Number(instrument.price(p).mantissa);
    out[2 * i + 1] = Number(instrument.qty(q).mantissa);
  });
  return out;
}
