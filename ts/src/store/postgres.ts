/**
 * PostgreSQL driver (node-postgres). One connection per journal; transactions are serialised
 * in process and the audit head row is locked `FOR UPDATE`, so several processes can share one
 * database and the hash chain stays linear.
 */
import pg from 'pg';
import { TachyonError } from '../errors.js';
import { Mutex, type Driver, type Row, type SqlValue } from './driver.js';

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db` (never log a password). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable connection string)';
  }
}

function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

export class PostgresDriver implements Driver {
  readonly dialect = 'postgres' as const;
  readonly lockClause = ' FOR UPDATE';
  readonly location: string;
  private readonly mutex = new Mutex();

  private constructor(
    private readonly client: pg.Client,
    url: string,
  ) {
    this.location = redactUrl(url);
  }

  static async connect(url: string, options: { schema?: string } = {}): Promise<PostgresDriver> {
    const client = new pg.Client({ connectionString: url });
    // BIGINT (int8) → bigint, exactly.
    client.setTypeParser(20, (v: string) => BigInt(v));
    try {
      await client.connect();
      if (options.schema) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema.replace(/"/g, '')}"`);
        await client.query(`SET search_path TO "${options.schema.replace(/"/g, '')}"`);
      }
      await client.query('SET client_min_messages TO WARNING');
    } catch (cause) {
      await client.end().catch(() => undefined);
      throw new TachyonError('ERR_JOURNAL', `cannot connect to PostgreSQL at ${redactUrl(url)}: ${(cause as Error).message}`, { cause });
    }
    client.on('error', () => undefined); // surfaced on the next query
    return new PostgresDriver(client, url);
  }

  private param(v: SqlValue): unknown {
    return typeof v === 'bigint' ? v.toString() : v;
  }

  exec(sql: string): Promise<void> {
    return this.mutex.run(async () => {
      await this.client.query(sql);
    });
  }

  run(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.mutex.run(async () => {
      const r = await this.client.query(numbered(sql), params.map((p) => this.param(p)));
      return r.rowCount ?? 0;
    });
  }

  all(sql: string, params: SqlValue[] = []): Promise<Row[]> {
    return this.mutex.run(async () => {
      const r = await this.client.query(numbered(sql), params.map((p) => this.param(p)));
      return r.rows as Row[];
    });
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.mutex.held) return fn();
    return this.mutex.run(async () => {
      await this.client.query('BEGIN');
      try {
        const r = await fn();
        await this.client.query('COMMIT');
        return r;
      } catch (e) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(() => this.client.end());
  }
}
