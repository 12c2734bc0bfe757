/**
 * Records the journal keeps. Money and quantities are exact decimal strings (`"65000.10"`),
 * never floats; times are nanoseconds since the Unix epoch as `bigint`.
 */

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';

/**
 * Life of an order in the journal:
 * `pending` (journaled, not yet handed to the venue) → `sent` (handed over, no answer yet) →
 * `open` / `partially_filled` → `filled` | `cancelled` | `rejected` | `expired`.
 * `unknown`: the venue has no record of a `pending`/`sent` order after a restart.
 */
export type OrderStatus = 'pending' | 'sent' | 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected' | 'expired' | 'unknown';

/** Statuses after which nothing more can happen to an order. */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['filled', 'cancelled', 'rejected', 'expired', 'unknown'];

export interface OrderRecord {
  /** Idempotent client order id (unique forever; the venue's `clientOrderId`). */
  clientId: string;
  sessionId: string;
  venue: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  /** Time in force (`GTC`, `IOC`, …). */
  tif: string;
  qty: string;
  /** Limit price; `null` for market orders. */
  price: string | null;
  status: OrderStatus;
  venueOrderId: string | null;
  filledQty: string;
  /** Volume-weighted average fill price; `null` before the first fill. */
  avgPrice: string | null;
  /** Why it was rejected/cancelled, if it was. */
  reason: string | null;
  strategy: string | null;
  createdNs: bigint;
  updatedNs: bigint;
}

export interface FillRecord {
  venue: string;
  /** The venue's trade id (unique per venue: a fill reported twice is stored once). */
  tradeId: string;
  clientId: string;
  symbol: string;
  side: OrderSide;
  qty: string;
  price: string;
  fee: string;
  feeCurrency: string;
  liquidity: 'maker' | 'taker' | null;
  tsNs: bigint;
}

export interface PositionRecord {
  venue: string;
  symbol: string;
  /** Signed quantity (negative = short). */
  qty: string;
  /** Average entry price of the open quantity; `null` when flat. */
  avgPrice: string | null;
  realizedPnl: string;
  fees: string;
  updatedNs: bigint;
}

export interface DecisionRecord {
  sessionId: string;
  tsNs: bigint;
  symbol: string;
  /** `buy`, `sell`, `hold`, or a strategy-specific word. */
  action: string;
  score: number | null;
  detail: unknown;
}

export interface RiskEventRecord {
  sessionId: string;
  tsNs: bigint;
  symbol: string | null;
  /** Stable code (`MAX_POSITION`, `RATE_LIMIT`, `VENUE_ERROR`, …). */
  code: string;
  message: string;
  detail: unknown;
}

export interface ModeChangeRecord {
  sessionId: string;
  tsNs: bigint;
  from: string;
  to: string;
  reason: string;
  source: string;
}

export interface SessionRecord {
  id: string;
  mode: string;
  startedNs: bigint;
  stoppedNs: bigint | null;
  status: 'running' | 'stopped' | 'crashed';
  pid: number;
  configHash: string;
}

/** Result of `verifyAudit`. */
export interface AuditReport {
  ok: boolean;
  /** Audit rows checked. */
  rows: number;
  /** Hash of the last row (the chain head; compare it with a copy kept elsewhere). */
  head: string;
  /** What is wrong, one line each (empty when ok). */
  problems: string[];
}
