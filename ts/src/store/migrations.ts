/**
 * The journal schema, as numbered migrations. SQLite and PostgreSQL get the same tables,
 * columns and constraints; only type names, identity columns and trigger syntax differ.
 * Money and quantities are TEXT holding exact decimal strings in both (no float, no
 * database-specific NUMERIC behaviour); times are 64-bit integers of nanoseconds.
 */

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  name: string;
  sql: (d: Dialect) => string;
}

const BIG = (d: Dialect) => (d === 'postgres' ? 'BIGINT' : 'INTEGER');
const ID = (d: Dialect) => (d === 'postgres' ? 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT');
const REAL = (d: Dialect) => (d === 'postgres' ? 'DOUBLE PRECISION' : 'REAL');

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'journal tables and hash-chained audit',
    sql: (d) => `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  mode TEXT NOT NULL,
  started_ns ${BIG(d)} NOT NULL,
  stopped_ns ${BIG(d)},
  status TEXT NOT NULL,
  pid INTEGER NOT NULL,
  config_hash TEXT NOT NULL,
  audit_seq ${BIG(d)} NOT NULL
);
CREATE TABLE config_snapshots (
  hash TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  first_seen_ns ${BIG(d)} NOT NULL,
  audit_seq ${BIG(d)} NOT NULL
);
CREATE TABLE orders (
  client_id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  type TEXT NOT NULL CHECK (type IN ('market', 'limit')),
  tif TEXT NOT NULL,
  qty TEXT NOT NULL,
  price TEXT,
  status TEXT NOT NULL,
  venue_order_id TEXT,
  filled_qty TEXT NOT NULL,
  avg_price TEXT,
  reason TEXT,
  strategy TEXT,
  created_ns ${BIG(d)} NOT NULL,
  updated_ns ${BIG(d)} NOT NULL,
  audit_seq ${BIG(d)} NOT NULL
);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_session ON orders (session_id);
CREATE TABLE fills (
  venue TEXT NOT NULL,
  trade_id TEXT NOT NULL,
  client_id TEXT NOT NULL REFERENCES orders (client_id),
  symbol TEXT NOT NULL,
  side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  qty TEXT NOT NULL,
  price TEXT NOT NULL,
  fee TEXT NOT NULL,
  fee_currency TEXT NOT NULL,
  liquidity TEXT,
  ts_ns ${BIG(d)} NOT NULL,
  audit_seq ${BIG(d)} NOT NULL,
  PRIMARY KEY (venue, trade_id)
);
CREATE INDEX fills_client ON fills (client_id);
CREATE INDEX fills_ts ON fills (ts_ns);
CREATE TABLE positions (
  venue TEXT NOT NULL,
  symbol TEXT NOT NULL,
  qty TEXT NOT NULL,
  avg_price TEXT,
  realized_pnl TEXT NOT NULL,
  fees TEXT NOT NULL,
  updated_ns ${BIG(d)} NOT NULL,
  audit_seq ${BIG(d)} NOT NULL,
  PRIMARY KEY (venue, symbol)
);
CREATE TABLE decisions (
  id ${ID(d)},
  session_id TEXT NOT NULL,
  ts_ns ${BIG(d)} NOT NULL,
  symbol TEXT NOT NULL,
  action TEXT NOT NULL,
  score ${REAL(d)},
  detail TEXT NOT NULL,
  audit_seq ${BIG(d)} NOT NULL
);
CREATE TABLE risk_events (
  id ${ID(d)},
  session_id TEXT NOT NULL,
  ts_ns ${BIG(d)} NOT NULL,
  symbol TEXT,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  detail TEXT NOT NULL,
  audit_seq ${BIG(d)} NOT NULL
);
CREATE TABLE mode_changes (
  id ${ID(d)},
  session_id TEXT NOT NULL,
  ts_ns ${BIG(d)} NOT NULL,
  from_mode TEXT NOT NULL,
  to_mode TEXT NOT NULL,
  reason TEXT NOT NULL,
  source TEXT NOT NULL,
  audit_seq ${BIG(d)} NOT NULL
);
CREATE TABLE audit (
  seq ${BIG(d)} PRIMARY KEY,
  ts_ns ${BIG(d)} NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_ref ON audit (kind, ref);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq ${BIG(d)} NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');
${
  d === 'postgres'
    ? `
CREATE FUNCTION tachyon_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit table is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION tachyon_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION tachyon_audit_append_only();`
    : `
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit table is append-only'); END;`
}
`,
  },
];

/** The DDL of the migration bookkeeping table. */
export function migrationsTable(d: Dialect): string {
  return `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ns ${BIG(d)} NOT NULL)`;
}
