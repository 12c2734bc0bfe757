/**
 * The journal (SQLite by default, PostgreSQL as an alternative) and its hash-chained audit.
 * See {@link Journal}.
 */
import { TachyonError } from '../errors.js';
import { Journal } from './journal.js';
import { PostgresDriver } from './postgres.js';
import { SqliteDriver } from './sqlite.js';

export { Journal, type JournalCounts } from './journal.js';
export { canonicalJson, chainHash, configHash, GENESIS_HASH } from './canonical.js';
export { redactUrl } from './postgres.js';
export type * from './types.js';
export { TERMINAL_STATUSES } from './types.js';

export interface JournalOptions {
  backend?: 'sqlite' | 'postgres';
  /** SQLite file (`:memory:` for a throw-away journal). */
  path?: string;
  /** PostgreSQL connection string; default: the variable named by `urlEnv`. */
  url?: string;
  /** Environment variable holding the connection string (default `TACHYON_PG_URL`). */
  urlEnv?: string;
  /** PostgreSQL schema to use (created if missing); default the connection's search path. */
  schema?: string;
  synchronous?: 'normal' | 'full';
  /** Open an existing SQLite file read-only (`audit verify`, `report`). */
  readonly?: boolean;
}

/** Opens (and migrates) a journal. */
export async function openJournal(o: JournalOptions = {}): Promise<Journal> {
  if ((o.backend ?? 'sqlite') === 'postgres') {
    const env = o.urlEnv ?? 'TACHYON_PG_URL';
    const url = o.url ?? process.env[env];
    if (!url)
      throw new TachyonError(
        'ERR_CONFIG',
        `journal.backend is postgres but no connection string was given: set ${env}=postgres://user:password@host:5432/db (or journal.urlEnv)`,
      );
    return Journal.open(await PostgresDriver.connect(url, o.schema ? { schema: o.schema } : {}));
  }
  const path = o.path ?? './data/tachyon.db';
  const driver = new SqliteDriver(path, { synchronous: o.synchronous ?? 'normal', readonly: o.readonly ?? false });
  return Journal.open(driver, { migrate: !o.readonly });
}
