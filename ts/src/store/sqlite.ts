/**
 * SQLite driver (better-sqlite3) in WAL mode. `synchronous=NORMAL` keeps every committed
 * transaction across a process crash (kill -9); `FULL` also across a power cut.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TachyonError } from '../errors.js';
import { Mutex, type Driver, type Row, type SqlValue } from './driver.js';

export interface SqliteOptions {
  synchronous?: 'normal' | 'full';
  readonly?: boolean;
}

export class SqliteDriver implements Driver {
  readonly dialect = 'sqlite' as const;
  readonly lockClause = '';
  private readonly db: Database.Database;
  private readonly mutex = new Mutex();
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(
    readonly location: string,
    options: SqliteOptions = {},
  ) {
    try {
      if (location !== ':memory:' && !options.readonly) mkdirSync(dirname(location), { recursive: true });
      this.db = new Database(location, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    } catch (cause) {
      throw new TachyonError('ERR_JOURNAL', `cannot open the SQLite journal ${location}: ${(cause as Error).message}`, { cause });
    }
    this.db.defaultSafeIntegers(true);
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    }
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  exec(sql: string): Promise<void> {
    return this.mutex.run(async () => {
      this.db.exec(sql);
    });
  }

  run(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.mutex.run(async () => this.stmt(sql).run(...params).changes);
  }

  all(sql: string, params: SqlValue[] = []): Promise<Row[]> {
    return this.mutex.run(async () => this.stmt(sql).all(...params) as Row[]);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.mutex.held) return fn(); // nested: part of the outer transaction
    return this.mutex.run(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const r = await fn();
        this.db.exec('COMMIT');
        return r;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      if (this.db.open) this.db.close();
    });
  }
}
