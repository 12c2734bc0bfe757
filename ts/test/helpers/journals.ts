// Journal backends for tests: a fresh SQLite file, and (when TACHYON_TEST_PG_URL is set, as in
// CI where .ci/run starts a PostgreSQL server) a fresh schema in a real PostgreSQL database.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openJournal, type Journal } from '../../src/index.js';

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<{ journal: Journal; raw: (sql: string) => Promise<void>; reopen: () => Promise<Journal>; cleanup: () => Promise<void> }>;
}

export const PG_URL = process.env.TACHYON_TEST_PG_URL;
if (!PG_URL && process.env.CI) throw new Error('CI must run the PostgreSQL journal tests: TACHYON_TEST_PG_URL is not set (.ci/run starts the server)');

export const sqliteBackend: TestBackend = {
  name: 'sqlite',
  async open() {
    const path = join(mkdtempSync(join(tmpdir(), 'tachyon-j-')), 'journal.db');
    const journal = await openJournal({ backend: 'sqlite', path });
    return {
      journal,
      raw: async (sql: string) => {
        const db = new Database(path);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      },
      reopen: () => openJournal({ backend: 'sqlite', path }),
      cleanup: async () => undefined,
    };
  },
};

let schemaCounter = 0;
export const postgresBackend: TestBackend = {
  name: 'postgres',
  async open() {
    const schema = `t_${process.pid}_${Date.now().toString(36)}_${schemaCounter++}`;
    const journal = await openJournal({ backend: 'postgres', url: PG_URL!, schema });
    const withClient = async (fn: (c: pg.Client) => Promise<void>) => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`SET search_path TO "${schema}"`);
        await fn(c);
      } finally {
        await c.end();
      }
    };
    return {
      journal,
      raw: (sql: string) => withClient(async (c) => void (await c.query(sql))),
      reopen: () => openJournal({ backend: 'postgres', url: PG_URL!, schema }),
      cleanup: () => withClient(async (c) => void (await c.query(`DROP SCHEMA "${schema}" CASCADE`))),
    };
  },
};

export const backends: TestBackend[] = PG_URL ? [sqliteBackend, postgresBackend] : [sqliteBackend];
if (!PG_URL) console.warn('store tests: PostgreSQL skipped — set TACHYON_TEST_PG_URL (scripts/pg-test-server.sh start) to run them');
