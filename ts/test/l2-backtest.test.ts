// L2 replay (`execution.model: l2`): a CSV of book updates and trades runs through the
// simulated venue. The expected fills follow from its rules: a market buy walks the asks, a
// resting bid fills only after the queue ahead of it (5 lots) has traded, a sell cancelled
// before the queue reaches it never fills; bad book input is counted, not fatal.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, runBacktest, type Fill, type Strategy } from '../src/index.js';

const csv = fileURLToPath(new URL('./fixtures/data/l2-small.csv', import.meta.url));

function cfg(execution: Record<string, unknown>, data: Record<string, unknown> = { source: 'csv', path: csv, format: 'l2' }) {
  return loadConfig({
    env: null,
    object: {
      seed: 3,
      instruments: [{ symbol: 'XYZ/USD', tickSize: '0.05', lotSize: '1', minNotional: '0' }],
      account: { initialCash: '10000' },
      data,
      execution: { takerFeeBps: 10, makerFeeBps: -1, ...execution },
    },
  });
}

/** Buys 3 at market and rests a bid of 2 at 99.00 and an ask of 1 at 101.00 on the first update after the snapshot; cancels the ask after the first buyer prints at 101.00. */
function probe(fills: Fill[]): Strategy {
  let placed = false;
  let sellId: string | null = null;
  let cancelled: boolean | null = null;
  return {
    name: 'l2-probe',
    onBook(u, ctx) {
      if (placed || u.clear || u.ts === 1_700_000_000_000) return;
      placed = true;
      expect(ctx.buy(u.symbol, 3)).not.toBeNull();
      expect(ctx.submit({ symbol: u.symbol, side: 'buy', qty: 2, type: 'limit', price: 99 })).not.toBeNull();
      sellId = ctx.submit({ symbol: u.symbol, side: 'sell', qty: 1, type: 'limit', price: 101 });
      expect(sellId).not.toBeNull();
    },
    onTrade(t, ctx) {
      if (t.price === 101 && cancelled === null && sellId) cancelled = ctx.cancel(sellId);
    },
    onFill(f) {
      fills.push(f);
    },
    onStop() {
      expect(cancelled).toBe(true);
    },
  };
}

describe('L2 backtest through the simulated venue', () => {
  it('walks the book, respects queue position and cancels, and books the fills exactly', async () => {
    const fills: Fill[] = [];
    const r = await runBacktest({ config: cfg({ model: 'l2' }), strategy: probe(fills) });
    expect(fills.map((f) => [f.side, f.exact.qty, f.exact.price, f.liquidity, f.exact.fee])).toEqual([
      ['buy', '2', '100.00', 'taker', '0.20'], // 10 bps of 200.00
      ['buy', '1', '100.50', 'taker', '0.10'], // 10 bps of 100.50 = 0.1005 → 0.10 (half-even, cents)
      ['buy', '2', '99.00', 'maker', '-0.02'], // after 5 + 2 lots traded at 99.00; 1 bp rebate
    ]);
    // The bid's fill came with the print that completed the queue (the third trade at 99.00).
    expect(fills[2]!.ts).toBe(1_700_000_005_000);
    expect(r.stats.cancelled).toBe(1);
    expect(r.stats.badRecords).toEqual({ CROSSED_BOOK: 1 }); // the ask at 98.00 under the 99.00 bid
    // cash: 10000 − 200 − 100.50 − 198 − fees (0.20 + 0.10 − 0.02)
    expect(r.account.cash).toBe('9501.22');
    expect(r.account.positions.map((p) => [p.instrument, p.qty])).toEqual([[0, '5']]);
  });

  it('is deterministic and refuses bars and inexact fees with typed errors', async () => {
    const a: Fill[] = [];
    const b: Fill[] = [];
    await runBacktest({ config: cfg({ model: 'l2', l2: { latencyNs: 2_000_000 } }), strategy: probe(a) });
    await runBacktest({ config: cfg({ model: 'l2', l2: { latencyNs: 2_000_000 } }), strategy: probe(b) });
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);

    const bars = await runBacktest({ config: cfg({ model: 'l2' }, { source: 'synthetic', synthetic: { bars: 50 } }), strategy: { name: 'idle' } });
    expect(bars.stats.badRecords).toEqual({ BAR_IN_L2_MODE: 50 });
    expect(bars.stats.records).toBe(0);

    await expect(runBacktest({ config: cfg({ model: 'l2', takerFeeBps: 0.001 }), strategy: { name: 'idle' } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG' });
    expect(() => cfg({ model: 'l3' })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
  });
});
