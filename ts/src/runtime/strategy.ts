/**
 * The strategy API: one interface for backtests, paper and live trading.
 *
 * A strategy is an object with optional callbacks. It sees market events (`onBar`, `onTrade`,
 * `onBook`), its own timers (`onTimer`) and what happened to its orders (`onFill`,
 * `onOrder`), and acts through the {@link StrategyContext}: `submit`/`buy`/`sell`/
 * `targetPosition`/`cancel`. Intents go through the risk checks and the order management to
 * the venue — the simulated venue in a backtest, live data with simulated fills in paper
 * mode, an exchange through CCXT in live mode — and the strategy object does not change.
 *
 * Callbacks are synchronous and see market time (`ctx.now`, ms since the epoch): the record's
 * time in a backtest, the exchange or wall time live. Fills and order updates are delivered
 * after the callback that caused them returns, before the next market event.
 *
 * Quantities and prices in intents are decimals (numbers or strings); they are put on the
 * instrument's lot grid (toward zero) and tick grid (buy limits down, sell limits up), and the
 * exact fixed-point values are what reach the venue and the journal. Positions, cash and
 * equity seen through the context are floats for the strategy's arithmetic; the exact values
 * live in the ledger and the journal.
 *
 * A strategy can also be pure configuration of the Rust loop (`{ kind: 'ema-cross-native' }`
 * in the config), so a backtest runs without a JavaScript call per event.
 *
 * @example
 * ```ts
 * import type { Strategy } from 'tachyon';
 * export const breakout: Strategy = {
 *   name: 'breakout',
 *   onStart(ctx) { ctx.setTimer(60_000); },
 *   onBar(bar, ctx) {
 *     if (bar.close > bar.open * 1.01 && ctx.position(bar.symbol) === 0) ctx.buy(bar.symbol, 0.01);
 *     else if (ctx.position(bar.symbol) > 0 && bar.close < bar.open) ctx.targetPosition(bar.symbol, 0);
 *   },
 *   onFill(fill, ctx) { ctx.log('filled', { price: fill.price, qty: fill.qty }); },
 * };
 * ```
 */

export type Side = 'buy' | 'sell';
export type Mode = 'backtest' | 'paper' | 'live';

/** An OHLCV bar (`ts`: open time, ms since the epoch). */
export interface Bar {
  readonly symbol: string;
  readonly instrument: number;
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A trade print. */
export interface Trade {
  readonly symbol: string;
  readonly instrument: number;
  readonly ts: number;
  readonly price: number;
  readonly qty: number;
  /** Aggressor side, if known. */
  readonly side: Side | null;
}

/** One book level update (`qty` 0 removes the level; `clear` resets the book). */
export interface BookUpdate {
  readonly symbol: string;
  readonly instrument: number;
  readonly ts: number;
  readonly side: 'bid' | 'ask';
  readonly price: number;
  readonly qty: number;
  readonly clear: boolean;
}

/** A fill of one of the strategy's orders. */
export interface Fill {
  /** Client order id. */
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  /** Fee in the account currency (negative = rebate). */
  readonly fee: number;
  readonly liquidity: 'maker' | 'taker' | null;
  readonly ts: number;
  /** Exact decimal strings of the same values. */
  readonly exact: { readonly qty: string; readonly price: string; readonly fee: string };
}

export type OrderState = 'accepted' | 'filled' | 'cancelled' | 'rejected' | 'expired';

/** Something happened to an order (other than a fill, which is an {@link Fill}). */
export interface OrderUpdate {
  readonly orderId: string;
  readonly symbol: string;
  readonly state: OrderState;
  /** Why, for rejections (`MAX_POSITION`, `NOTIONAL`, `RATE_LIMIT`, `VENUE_ERROR`, …). */
  readonly reason: string | null;
  readonly ts: number;
}

/** What a strategy asks for. */
export interface OrderIntent {
  symbol: string;
  side: Side;
  qty: number | string;
  /** `market` (default) or `limit` (needs `price`). */
  type?: 'market' | 'limit';
  price?: number | string;
  /** `GTC` (default) or `IOC`. */
  tif?: 'GTC' | 'IOC';
  /** Free text kept with the order in the journal. */
  tag?: string;
}

/** An order that is still working. */
export interface WorkingOrder {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number | null;
}

/** A decision worth journaling (why the strategy did or did not act). */
export interface DecisionNote {
  symbol: string;
  action: string;
  score?: number | null;
  detail?: unknown;
}

export interface StrategyContext {
  /** Market time, ms since the epoch. */
  readonly now: number;
  readonly mode: Mode;
  /** Symbols of the configured instruments, in id order. */
  readonly symbols: readonly string[];
  /** Signed position (float view of the exact position). */
  position(symbol?: string): number;
  /** Cash in the account currency (float view). */
  cash(): number;
  /** Cash + positions at the last prices (float view). */
  equity(): number;
  /** Last price seen for a symbol (NaN before any). */
  lastPrice(symbol?: string): number;
  /** Orders still working. */
  openOrders(symbol?: string): readonly WorkingOrder[];
  /** Sends an order; returns its client id, or `null` if it was refused at once (see `onOrder`). */
  submit(intent: OrderIntent): string | null;
  /** Market (or limit, with `price`) buy. */
  buy(symbol: string, qty: number | string, price?: number | string): string | null;
  /** Market (or limit, with `price`) sell. */
  sell(symbol: string, qty: number | string, price?: number | string): string | null;
  /** Sends the market order that moves the position (plus working orders) to `qty`; `null` if nothing to do or refused. */
  targetPosition(symbol: string, qty: number | string): string | null;
  /** Cancels a working order; `false` if it is not working. */
  cancel(orderId: string): boolean;
  /** Cancels every working order (of one symbol). */
  cancelAll(symbol?: string): number;
  /** Calls `onTimer` every `everyMs` of market time (0 turns it off). */
  setTimer(everyMs: number): void;
  /** Journals a decision (paper/live; counted in backtests). */
  record(note: DecisionNote): void;
  /** Structured log line (never put secrets here). */
  log(message: string, data?: Record<string, unknown>): void;
}

export interface Strategy {
  readonly name?: string;
  onStart?(ctx: StrategyContext): void;
  onBar?(bar: Bar, ctx: StrategyContext): void;
  onTrade?(trade: Trade, ctx: StrategyContext): void;
  onBook?(update: BookUpdate, ctx: StrategyContext): void;
  onTimer?(now: number, ctx: StrategyContext): void;
  onFill?(fill: Fill, ctx: StrategyContext): void;
  onOrder?(update: OrderUpdate, ctx: StrategyContext): void;
  onStop?(ctx: StrategyContext): void;
}

/** A strategy given as a factory of its parameters (what a strategy module exports). */
export type StrategyFactory = (params: Record<string, unknown>) => Strategy;
