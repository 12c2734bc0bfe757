// The journal on SQLite and on a real PostgreSQL server: the same behaviour from both.
import { afterEach, describe, expect, it } from 'vitest';
import type { FillRecord, Journal, OrderRecord, PositionRecord } from '../src/index.js';
import { backends } from './helpers/journals.js';

const T0 = 1_700_000_000_000_000_000n;

function order(clientId: string, patch: Partial<OrderRecord> = {}): OrderRecord {
  return {
    clientId,
    sessionId: 's1',
    venue: 'sim',
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'limit',
    tif: 'GTC',
    qty: '0.01000',
    price: '65000.10',
    status: 'pending',
    venueOrderId: null,
    filledQty: '0',
    avgPrice: null,
    reason: null,
    strategy: 'test',
    createdNs: T0,
    updatedNs: T0,
    ...patch,
  };
}

function fill(clientId: string, tradeId: string, patch: Partial<FillRecord> = {}): FillRecord {
  return {
    venue: 'sim',
    tradeId,
    clientId,
    symbol: 'BTC/USDT',
    side: 'buy',
    qty: '0.00400',
    price: '65000.10',
    fee: '0.2600004',
    feeCurrency: 'USDT',
    liquidity: 'maker',
    tsNs: T0 + 1000n,
    ...patch,
  };
}

function position(qty: string, patch: Partial<PositionRecord> = {}): PositionRecord {
  return { venue: 'sim', symbol: 'BTC/USDT', qty, avgPrice: '65000.10', realizedPnl: '0', fees: '0.2600004', updatedNs: T0 + 1000n, ...patch };
}

for (const backend of backends) {
  describe(`journal on ${backend.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });
    async function open() {
      const h = await backend.open();
      cleanups.push(async () => {
        await h.journal.close().catch(() => undefined);
        await h.cleanup();
      });
      return h;
    }
    async function populated(j: Journal) {
      const s = await j.beginSession('paper', { seed: 1, instruments: ['BTC/USDT'] }, T0);
      await j.insertOrder(order('c-1', { sessionId: s }));
      await j.updateOrder('c-1', { status: 'open', venueOrderId: 'v1' }, T0 + 10n);
      expect(await j.applyFill(fill('c-1', 't1'), { status: 'partially_filled', filledQty: '0.00400', avgPrice: '65000.10' }, position('0.00400'))).toBe(true);
      await j.appendDecisions([
        { sessionId: s, tsNs: T0 + 5n, symbol: 'BTC/USDT', action: 'buy', score: 0.75, detail: { fast: 1.5, slow: 1.25 } },
        { sessionId: s, tsNs: T0 + 6n, symbol: 'BTC/USDT', action: 'hold', score: null, detail: null },
      ]);
      await j.appendRiskEvent({ sessionId: s, tsNs: T0 + 7n, symbol: 'BTC/USDT', code: 'MAX_POSITION', message: 'position would be 3 > 2', detail: { qty: '3' } });
      await j.appendModeChange({ sessionId: s, tsNs: T0 + 8n, from: 'normal', to: 'pause', reason: 'operator', source: 'cli' });
      return s;
    }

    it('migrates once and keeps the schema version on reopen', async () => {
      const h = await open();
      expect(await h.journal.schemaVersions()).toEqual([1]);
      await h.journal.close();
      const again = await h.reopen();
      cleanups.push(() => again.close());
      expect(await again.schemaVersions()).toEqual([1]);
    });

    it('journals an order life cycle with exact decimals, and a repeated fill once', async () => {
      const { journal: j } = await open();
      const s = await populated(j);
      const o = await j.getOrder('c-1');
      expect(o).toMatchObject({ status: 'partially_filled', filledQty: '0.00400', avgPrice: '65000.10', venueOrderId: 'v1', sessionId: s, price: '65000.10' });
      expect(o!.createdNs).toBe(T0);
      // the same venue trade again (a reconnect replays it): stored once
      expect(await j.applyFill(fill('c-1', 't1'), { status: 'filled' }, position('0.00800'))).toBe(false);
      expect((await j.getOrder('c-1'))!.status).toBe('partially_filled');
      expect(await j.applyFill(fill('c-1', 't2', { qty: '0.00600', price: '64999.99' }), { status: 'filled', filledQty: '0.01000' }, position('0.01000'))).toBe(true);
      const fills = await j.fills({ clientId: 'c-1' });
      expect(fills.map((f) => [f.tradeId, f.qty, f.price, f.fee])).toEqual([
        ['t1', '0.00400', '65000.10', '0.2600004'],
        ['t2', '0.00600', '64999.99', '0.2600004'],
      ]);
      expect(fills[0]!.tsNs).toBe(T0 + 1000n);
      expect(await j.openOrders()).toEqual([]);
      expect(await j.positions()).toEqual([position('0.01000')]);
      const d = await j.decisions(s);
      expect(d[0]).toMatchObject({ action: 'buy', score: 0.75, detail: { fast: 1.5, slow: 1.25 } });
      expect(d[1]).toMatchObject({ action: 'hold', score: null, detail: null });
      expect((await j.counts()).audit).toBeGreaterThan(8);
      expect((await j.verifyAudit()).ok).toBe(true);
    });

    it('refuses bad input with ERR_JOURNAL and writes nothing', async () => {
      const { journal: j } = await open();
      await populated(j);
      const before = await j.counts();
      const head = await j.auditHead();
      const attempts: (() => Promise<unknown>)[] = [
        () => j.insertOrder(order('c-1')), // client ids are never reused
        () => j.insertOrder(order('c-2', { qty: '1e-3' })),
        () => j.insertOrder(order('c-3', { price: 'NaN' })),
        () => j.insertOrder(order('bad id with spaces')),
        () => j.insertOrder(order('c-4', { status: 'weird' as OrderRecord['status'] })),
        () => j.applyFill(fill('nope', 't9'), {}, position('1')), // unknown order
        () => j.applyFill(fill('c-1', 't9', { qty: '-1' }), {}, position('1')),
        () => j.applyFill(fill('c-1', 't9', { price: '0' }), {}, position('1')),
        () => j.applyFill(fill('c-1', 't9'), {}, position('abc')),
        () => j.appendDecisions([{ sessionId: 's', tsNs: T0, symbol: 'X', action: 'buy', score: Number.NaN, detail: null }]),
        () => j.updateOrder('missing', { status: 'open' }),
      ];
      for (const a of attempts) await expect(a()).rejects.toMatchObject({ code: 'ERR_JOURNAL' });
      expect(await j.counts()).toEqual(before);
      expect(await j.auditHead()).toEqual(head);
      expect((await j.verifyAudit()).ok).toBe(true);
    });

    it('marks sessions left running by a crashed process as crashed', async () => {
      const h = await open();
      const s1 = await h.journal.beginSession('paper', { a: 1 }, T0);
      await h.journal.close(); // no endSession: as after kill -9
      const j = await h.reopen();
      cleanups.push(() => j.close());
      const s2 = await j.beginSession('paper', { a: 1 }, T0 + 1n);
      const ss = await j.sessions();
      expect(ss.map((s) => [s.id, s.status])).toEqual([
        [s1, 'crashed'],
        [s2, 'running'],
      ]);
      const head = await j.endSession(s2);
      expect(head).toMatch(/^[0-9a-f]{64}$/);
      expect(await j.configSnapshot(ss[0]!.configHash)).toEqual({ a: 1 });
      expect((await j.verifyAudit({ expectHead: head })).ok).toBe(true);
    });

    it('detects tampering with any table, and the audit table refuses edits', async () => {
      const h = await open();
      const s = await populated(h.journal);
      const head = await h.journal.endSession(s);
      expect(await h.journal.verifyAudit({ expectHead: head })).toMatchObject({ ok: true, problems: [] });

      // the audit table is append-only
      await expect(h.raw("UPDATE audit SET payload = '{}' WHERE seq = 3")).rejects.toThrow(/append-only/);
      await expect(h.raw('DELETE FROM audit WHERE seq = 3')).rejects.toThrow(/append-only/);

      const cases: [string, RegExp][] = [
        ["UPDATE fills SET price = '1.00' WHERE trade_id = 't1'", /fills sim:t1: was changed/],
        ["UPDATE orders SET filled_qty = '0.01000' WHERE client_id = 'c-1'", /orders c-1: was changed/],
        ["UPDATE positions SET qty = '5' WHERE symbol = 'BTC/USDT'", /positions sim:BTC\/USDT: was changed/],
        ["DELETE FROM decisions WHERE action = 'hold'", /decisions: 2 rows were journaled but the table holds 1/],
        ["UPDATE risk_events SET message = 'fine'", /risk_events MAX_POSITION: was changed/],
        ['DELETE FROM mode_changes', /mode_changes: 1 rows were journaled but the table holds 0/],
      ];
      for (const [sql, want] of cases) {
        const fresh = await open();
        const sid = await populated(fresh.journal);
        await fresh.journal.endSession(sid);
        await fresh.raw(sql);
        const r = await fresh.journal.verifyAudit();
        expect(r.ok, sql).toBe(false);
        expect(r.problems.join('\n'), sql).toMatch(want);
      }

      // someone who can drop the trigger and rewrite an audit payload breaks the chain
      const t = await open();
      const sid = await populated(t.journal);
      const h2 = await t.journal.endSession(sid);
      if (backend.name === 'sqlite') await t.raw("DROP TRIGGER audit_no_update; UPDATE audit SET payload = replace(payload, '65000.10', '1.00') WHERE kind = 'fill'");
      else await t.raw("ALTER TABLE audit DISABLE TRIGGER audit_no_update; UPDATE audit SET payload = replace(payload, '65000.10', '1.00') WHERE kind = 'fill'");
      const r = await t.journal.verifyAudit();
      expect(r.ok).toBe(false);
      expect(r.problems.join('\n')).toMatch(/row \d+ \(fill sim:t1\) was altered/);

      // cutting rows off the end (and fixing the head row) is caught against a kept head hash
      const u = await open();
      const sid2 = await populated(u.journal);
      const h3 = await u.journal.endSession(sid2);
      if (backend.name === 'sqlite')
        await u.raw(
          'DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit); UPDATE audit_head SET seq = seq - 1, hash = (SELECT hash FROM audit ORDER BY seq DESC LIMIT 1)',
        );
      else
        await u.raw(
          'ALTER TABLE audit DISABLE TRIGGER audit_no_update; DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit); UPDATE audit_head SET seq = seq - 1, hash = (SELECT hash FROM audit ORDER BY seq DESC LIMIT 1)',
        );
      const cut = await u.journal.verifyAudit({ expectHead: h3 });
      expect(cut.ok).toBe(false);
      expect(cut.problems.join('\n')).toMatch(/expected head/);
      expect(h2).not.toBe(h3);
    });

    it('keeps concurrent writers consistent (one transaction at a time)', async () => {
      const { journal: j } = await open();
      const s = await j.beginSession('paper', {}, T0);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          i % 2 === 0
            ? j.insertOrder(order(`p-${i}`, { sessionId: s }))
            : j.appendDecisions([{ sessionId: s, tsNs: T0 + BigInt(i), symbol: 'BTC/USDT', action: 'hold', score: i, detail: { i } }]),
        ),
      );
      const c = await j.counts();
      expect(c.orders).toBe(20);
      expect(c.decisions).toBe(20);
      expect((await j.verifyAudit()).ok).toBe(true);
    });
  });
}
