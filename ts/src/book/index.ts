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

/** L2 book on fixed-point mantissas; see the module docs. */
export const OrderBook = native.OrderBook;
export type OrderBook = Native.OrderBook;
/** Binance diff-depth synchroniser with its book; see the module docs. */
export const BinanceDepthBook = native.BinanceDepthBook;
export type BinanceDepthBook = Native.BinanceDepthBook;

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
