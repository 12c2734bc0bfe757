/**
 * Errors thrown by Tachyon. Every one is an `Error` with a stable string `code`; the native
 * addon throws plain `Error`s with `code` set, the TypeScript layer throws {@link TachyonError}.
 * Domain outcomes (an order that breaks a rule) are returned as data, not thrown.
 */

/** Codes thrown by the native addon and the TypeScript layer. */
export type ErrorCode =
  | 'ERR_INVALID_ARG'
  | 'ERR_INVALID_STATE'
  | 'ERR_INVALID_EVENT'
  | 'ERR_BATCH_FULL'
  | 'ERR_SYSTEM'
  | 'ERR_NATIVE_LOAD'
  | 'ERR_WASM_LOAD'
  | 'ERR_WASM_PANIC'
  | 'ERR_BACKEND_UNSUPPORTED'
  | 'ERR_SCALE_MISMATCH'
  | 'ERR_OVERFLOW'
  | 'ERR_SCALE_TOO_LARGE'
  | 'ERR_PARSE'
  | 'ERR_TOO_PRECISE'
  | 'ERR_NOT_FINITE'
  | 'ERR_DIVISION_BY_ZERO'
  | 'ERR_INEXACT'
  | 'ERR_INVALID_INSTRUMENT'
  | 'ERR_CLOCK_BACKWARDS'
  | 'ERR_POOL_CAPACITY'
  | 'ERR_POOL_STALE_HANDLE'
  | 'ERR_RING_CAPACITY'
  | 'ERR_RING_SIZE'
  | 'ERR_RING_ALIGNMENT'
  | 'ERR_RING_CORRUPT'
  | 'ERR_INVALID_PARAM'
  | 'ERR_MISSING_FIELD'
  | 'ERR_LENGTH_MISMATCH'
  | 'ERR_INVALID_INPUT'
  | 'ERR_MISSING_BAR'
  | 'ERR_NON_FINITE'
  | 'ERR_HIGH_BELOW_LOW'
  | 'ERR_OUTSIDE_RANGE'
  | 'ERR_NEGATIVE_VOLUME'
  | 'ERR_OUT_OF_ORDER'
  | 'ERR_INVALID_CONFIG'
  | 'ERR_DIMENSION'
  | 'ERR_UNSUPPORTED_PATH'
  | 'ERR_UNKNOWN_ID'
  | 'ERR_MODE_TRANSITION'
  | 'ERR_RESET_DENIED'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_TOO_FEW'
  | 'ERR_TOO_SHORT'
  | 'ERR_CONSTANT_SERIES'
  | 'ERR_INVALID_PARAMETER'
  | 'ERR_INVALID_SPEC'
  | 'ERR_NOT_POSITIVE_DEFINITE'
  | 'ERR_SHAPE'
  | 'ERR_SINGULAR'
  | 'ERR_NO_CONVERGENCE'
  // runtime (config, data, journal, venues, strategies, CLI)
  | 'ERR_CONFIG'
  | 'ERR_DATA'
  | 'ERR_JOURNAL'
  | 'ERR_AUDIT'
  | 'ERR_VENUE'
  | 'ERR_STRATEGY'
  | 'ERR_BACKTEST'
  | 'ERR_BACKTEST_CONFIG'
  | 'ERR_BACKTEST_SPLIT'
  | 'ERR_LIVE_NOT_CONFIRMED'
  | 'ERR_CREDENTIALS'
  // book, OMS, simulated venue
  | 'ERR_BOOK_NOT_SYNCED'
  | 'ERR_SEQUENCE_GAP'
  | 'ERR_NON_POSITIVE_PRICE'
  | 'ERR_OFF_TICK'
  | 'ERR_NEGATIVE_QUANTITY'
  | 'ERR_OFF_LOT'
  | 'ERR_DUPLICATE_LEVEL'
  | 'ERR_MALFORMED_MESSAGE'
  | 'ERR_UNKNOWN_SYMBOL'
  | 'ERR_BAD_NUMBER'
  | 'ERR_SNAPSHOT_TOO_OLD'
  | 'ERR_SYNC_BUFFER_FULL'
  | 'ERR_UNKNOWN_INSTRUMENT'
  | 'ERR_DUPLICATE_CLIENT_ID'
  | 'ERR_BAD_CLIENT_ID'
  | 'ERR_WRONG_SCALE'
  | 'ERR_NON_POSITIVE_QUANTITY'
  | 'ERR_BELOW_MIN_QUANTITY'
  | 'ERR_ABOVE_MAX_QUANTITY'
  | 'ERR_BELOW_MIN_NOTIONAL'
  | 'ERR_ABOVE_MAX_NOTIONAL'
  | 'ERR_NOTIONAL_OVERFLOW'
  | 'ERR_INVALID_ORDER'
  | 'ERR_UNSUPPORTED_CONTINGENCY'
  | 'ERR_UNKNOWN_ORDER'
  | 'ERR_ORDER_CLOSED'
  | 'ERR_REQUEST_IN_FLIGHT'
  | 'ERR_INVALID_TRANSITION'
  | 'ERR_OVERFILL'
  | 'ERR_BAD_FILL_PRICE'
  | 'ERR_BAD_FILL_QTY'
  | 'ERR_ARITHMETIC'
  | 'ERR_SIM_CONFIG'
  | 'ERR_BUSY'
  | 'ERR_TIMEOUT';

/** An error raised by the TypeScript layer. */
export class TachyonError extends Error {
  override readonly name = 'TachyonError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `true` for any error Tachyon throws (native or TypeScript): an `Error` with a string `code`. */
export function isTachyonError(e: unknown): e is Error & { code: ErrorCode } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}
