// Crash recovery: sessions killed with SIGKILL at random moments, restarted, and checked.
// 1. A paper session (simulated venue in the process): the journal stays consistent, every
//    fill is booked once and the position equals the sum of the fills, exactly.
// 2. A live session against the fake Binance venue (a separate process, which keeps its
//    orders and fills while we die): no client order id ever reaches the venue twice, and after
//    the restarts reconcile, the journal's fills are exactly the venue's fills.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openJournal, type Journal } from '../src/index.js';
import { FakeBinance } from '../src/venues/fake/binance.js';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const flip = fileURLToPath(new URL('./helpers/flip-strategy.mjs', import.meta.url));

function baseEnv(extra: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of Object.keys(env)) if (k.startsWith('TACHYON__')) delete env[k];
  return env;
}

/** Seeded delays so a failure can be replayed. */
function mulberry(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the CLI; kills it with SIGKILL `killAfterMs` after it started trading (or lets it stop). */
async function run(args: string[], env: NodeJS.ProcessEnv, killAfterMs: number | null): Promise<{ out: string; code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: root, env });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += String(b)));
  child.stderr.on('data', (b: Buffer) => (out += String(b)));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  if (killAfterMs !== null) {
    const t0 = Date.now();
    while (!/Ctrl-C stops|reconciled/.test(out) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, killAfterMs));
    child.kill('SIGKILL');
  }
  const e = await exited;
  return { out, ...e };
}

const dec = (s: string, scale: number) => {
  const [i, f = ''] = s.replace('-', '').split('.');
  const v = BigInt(i! + (f + '0'.repeat(scale)).slice(0, scale));
  return s.startsWith('-') ? -v : v;
};

async function checkJournal(j: Journal, venue: string) {
  const audit = await j.verifyAudit();
  expect(audit.problems).toEqual([]);
  const fills = await j.fills({ venue });
  const orders = await j.orders();
  const byOrder = new Map<string, bigint>();
  let pos = 0n;
  let fees = 0n;
  for (const f of fills) {
    const q = dec(f.qty, 8);
    pos += f.side === 'buy' ? q : -q;
    fees += dec(f.fee, 12);
    byOrder.set(f.clientId, (byOrder.get(f.clientId) ?? 0n) + q);
  }
  // every fill's order is journaled and its filled quantity is the sum of its fills
  for (const [id, q] of byOrder) {
    const o = orders.find((x) => x.clientId === id);
    expect(o, id).toBeDefined();
    expect(dec(o!.filledQty, 8), id).toBe(q);
  }
  const p = (await j.positions(venue))[0];
  if (fills.length > 0) {
    expect(dec(p!.qty, 8)).toBe(pos);
    expect(dec(p!.fees, 12)).toBe(fees);
  }
  return { fills, orders };
}

describe('crash recovery (kill -9)', () => {
  it('a paper session killed at random moments restarts from its journal with nothing lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-kill-'));
    const journal = join(dir, 'j.db');
    const rnd = mulberry(20240611);
    const args = ['paper', '--journal', journal, '--bars-per-sec', '400', '--no-server', '--strategy', flip, '--set', 'strategy.params={"qty":"0.01"}', '--set', 'risk.maxOrdersPerSec=100000'];
    const kills = 6;
    let lastRecovered = -1;
    for (let k = 0; k < kills; k++) {
      const r = await run(args, baseEnv(), Math.floor(200 + rnd() * 1300));
      expect(r.signal).toBe('SIGKILL');
      const m = /recovered (\d+) fills from (\d+) earlier session/.exec(r.out);
      if (k > 0) {
        expect(m, r.out).not.toBeNull();
        expect(Number(m![2])).toBe(k);
        expect(Number(m![1])).toBeGreaterThanOrEqual(lastRecovered);
        lastRecovered = Number(m![1]);
      }
    }
    const final = await run([...args, '--duration', '1'], baseEnv(), null);
    expect(final.code, final.out).toBe(0);
    const j = await openJournal({ path: journal });
    try {
      const { fills, orders } = await checkJournal(j, 'sim');
      expect(fills.length).toBeGreaterThan(20);
      const sessions = await j.sessions();
      expect(sessions.filter((s) => s.status === 'crashed')).toHaveLength(kills);
      expect(sessions.at(-1)!.status).toBe('stopped');
      // after a clean stop nothing is left working, and no client id was used twice (primary key)
      expect(orders.filter((o) => ['pending', 'sent', 'open', 'partially_filled'].includes(o.status))).toEqual([]);
      expect(new Set(orders.map((o) => o.clientId)).size).toBe(orders.length);
    } finally {
      await j.close();
    }
  }, 240_000);

  it('a live session killed mid-flight never sends an order twice and books every venue fill', async () => {
    const fake = await FakeBinance.start({ tickMs: 40, klineMs: 1000, seed: 11 });
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-livekill-'));
    const journal = join(dir, 'j.db');
    const env = baseEnv({ TACHYON_API_KEY: 'test-key', TACHYON_API_SECRET: 'test-secret' });
    const args = [
      'live', '--live', '--confirm', '--journal', journal, '--strategy', flip,
      '--set', `venue.baseUrl=${fake.url}`, '--set', 'venue.timeframe=1s', '--set', 'venue.reconnectMs=[50,500]', '--set', 'venue.rateLimitMs=0',
      '--set', 'strategy.params={"qty":"0.001"}',
    ];
    const rnd = mulberry(7);
    try {
      for (let k = 0; k < 4; k++) {
        // lost answers: the venue places the order but the client never hears back
        fake.inject({ kind: 'drop-response', path: '/api/v3/order', count: 1 });
        const r = await run(args, env, Math.floor(1500 + rnd() * 2500));
        expect(r.signal, r.out).toBe('SIGKILL');
      }
      const final = await run([...args, '--duration', '3'], env, null);
      expect(final.code, final.out).toBe(0);
      expect(final.out).toMatch(/reconciled \d+ open orders/);
      // never sent twice
      const ids = fake.received.filter((id) => !id.startsWith('fake-'));
      expect(ids.length).toBeGreaterThan(3);
      expect(new Set(ids).size).toBe(ids.length);
      const j = await openJournal({ path: journal });
      try {
        const { fills } = await checkJournal(j, 'ccxt:binance');
        const venueFills = fake.myTrades();
        expect(fills.map((f) => f.tradeId).sort()).toEqual(venueFills.map((t) => String(t.id)).sort());
        for (const t of venueFills) {
          const f = fills.find((x) => x.tradeId === String(t.id))!;
          expect(Number(f.qty)).toBe(Number(t.qty));
          expect(Number(f.price)).toBe(Number(t.price));
          expect(Number(f.fee)).toBe(Number(t.commission));
        }
        // the journal's orders are the venue's orders, one for one
        const orders = (await j.orders()).filter((o) => o.venue === 'ccxt:binance' && o.venueOrderId);
        expect(orders.length).toBe(fake.allOrders().length);
      } finally {
        await j.close();
      }
    } finally {
      await fake.stop();
    }
  }, 240_000);
});
