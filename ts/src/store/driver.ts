/**
 * The small database surface the journal needs, implemented for SQLite (better-sqlite3) and
 * PostgreSQL (pg). SQL is written once with `?` placeholders; the PostgreSQL driver numbers
 * them. Integers come back as `bigint` from both.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dialect } from './migrations.js';

export type SqlValue = string | number | bigint | null;
export type Row = Record<string, unknown>;

export interface Driver {
  readonly dialect: Dialect;
  /** Where the data lives, for messages (file path or a redacted URL). */
  readonly location: string;
  /** Runs several statements (DDL). */
  exec(sql: string): Promise<void>;
  /** Runs one statement; returns the rows it changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** Runs one query. */
  all(sql: string, params?: SqlValue[]): Promise<Row[]>;
  /**
   * Runs `fn` in a write transaction (committed if it resolves, rolled back if it throws).
   * Calls are serialised: one transaction at a time per driver.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** `FOR UPDATE` where the database needs it to serialise writers (PostgreSQL), else ''. */
  readonly lockClause: string;
  close(): Promise<void>;
}

/**
 * Runs tasks one at a time. A task started from inside a running task (same async context)
 * runs at once instead of queueing behind itself, so a transaction's own statements never
 * deadlock while statements from elsewhere wait until it commits.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly owner = new AsyncLocalStorage<boolean>();
  /** `true` inside a task of this mutex. */
  get held(): boolean {
    return this.owner.getStore() === true;
  }
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held) return fn();
    const task = () => this.owner.run(true, fn);
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** `1`, `1n` or `'1'` → `1n`; `null`/`undefined` → `null`. */
export function toBig(v: unknown): bigint | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  return BigInt(String(v));
}

/** Like {@link toBig} but never null. */
export function big(v: unknown): bigint {
  return toBig(v) ?? 0n;
}

export function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function numOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : Number(v);
}
