// The strategy API and the lock-step runner: a TypeScript strategy and the Rust loop produce
// the same fills on the same bars; deterministic for a seed; callbacks see fills before the
// next bar; refusals come back as order updates.
import { describe, expect, it } from 'vitest';
import { defaultConfig, emaCross, loadConfig, REJECT_CODES, runBacktest, SimulatedVenue, syntheticData, type Bar, type Fill, type OrderUpdate, type Strategy } from '../src/index.js';

function cfg(extra: Record<string, unknown> = {}) {
  return loadConfig({
    env: null,
    object: {
      seed: 11,
      data: { source: 'synthetic', synthetic: { bars: 20_000, sigma: 0.8 } },
      execution: { takerFeeBps: 7.5, slippageBps: 1 },
      strategy: { kind: 'ema-cross', params: { fast: 8, slow: 21, qty: '0.05', longShort: true } },
      ...extra,
    },
  });
}

describe('backtest runtime', () => {
  it('runs the same EMA cross in TypeScript and in Rust with identical fills and equity', async () => {
    const ts = await runBacktest({ config: cfg() });
    const rs = await runBacktest({ config: cfg({ strategy: { kind: 'ema-cross-native', params: { fast: 8, slow: 21, qty: '0.05', longShort: true } } }) });
    expect(ts.engine).toBe('typescript');
    expect(rs.engine).toBe('rust');
    expect(ts.fills.length).toBeGreaterThan(200);
    expect(ts.fills).toEqual(rs.fills);
    expect(ts.account.equity).toBe(rs.account.equity);
    expect(ts.metrics).toEqual(rs.metrics);
    expect(ts.trades).toEqual(rs.trades);
    expect(ts.counts!.bars).toBe(20_000);
    expect(ts.counts!.decisions).toBeGreaterThanOrEqual(ts.counts!.orders);
    expect(ts.counts!.orders).toBe(rs.stats.orders);
  });

  it('is deterministic for a seed and different for another', async () => {
    const a = await runBacktest({ config: cfg() });
    const b = await runBacktest({ config: cfg() });
    const c = await runBacktest({ config: cfg({ seed: 12 }) });
    expect(a.fills).toEqual(b.fills);
    expect(Array.from(a.curve.equity)).toEqual(Array.from(b.curve.equity));
    expect(c.fills).not.toEqual(a.fills);
  });

  it('delivers fills before the next bar, with exact values, and refusals as order updates', async () => {
    const config = cfg({ risk: { maxPosition: '0.1' }, execution: { takerFeeBps: 7.5, slippageBps: 0 } });
    const seen: string[] = [];
    const fills: Fill[] = [];
    const updates: OrderUpdate[] = [];
    let lastBar: Bar | undefined;
    let pending: string | null = null;
    let i = 0;
    const s: Strategy = {
      name: 'probe',
      onBar(bar, ctx) {
        if (pending) {
          // the order placed on the previous bar has filled at this bar's open, before onBar
          expect(fills.at(-1)?.orderId).toBe(pending);
          expect(fills.at(-1)?.price).toBe(bar.open);
          pending = null;
        }
        lastBar = bar;
        if (seen.length < 20) seen.push('bar');
        i++;
        if (i === 5) pending = ctx.buy(bar.symbol, 0.1);
        if (i === 7) expect(ctx.buy(bar.symbol, 0.05)).toBeNull(); // 0.15 > maxPosition 0.1
        if (i === 9) pending = ctx.targetPosition(bar.symbol, 0);
        if (i === 11) expect(ctx.buy(bar.symbol, 0.000001)).toBeNull(); // rounds to zero lots
      },
      onFill(f, ctx) {
        fills.push(f);
        if (seen.length < 20) seen.push('fill');
        expect(ctx.position(f.symbol)).toBe(f.side === 'buy' ? 0.1 : 0);
      },
      onOrder(u) {
        updates.push(u);
      },
    };
    const r = await runBacktest({ config, strategy: s });
    expect(fills.map((f) => [f.side, f.exact.qty])).toEqual([
      ['buy', '0.10000'],
      ['sell', '0.10000'],
    ]);
    expect(seen.slice(0, 7)).toEqual(['bar', 'bar', 'bar', 'bar', 'bar', 'fill', 'bar']);
    expect(updates.filter((u) => u.state === 'rejected').map((u) => u.reason)).toEqual(['MAX_POSITION', 'BAD_QUANTITY']);
    expect(r.stats.rejected).toEqual({ MAX_POSITION: 1 });
    expect(lastBar).toBeDefined();
    // fees: 7.5 bps of each fill's notional, to the cash scale
    const fee = (f: Fill) => Number(f.exact.price) * Number(f.exact.qty) * 0.00075;
    for (const f of fills) expect(Number(f.exact.fee)).toBeCloseTo(fee(f), 6);
  });

  it('sends orders through the OMS: its reports carry status, liquidity and refusals', () => {
    const data = syntheticData(50, { seed: 3, symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' });
    const venue = new SimulatedVenue({ instruments: [{ symbol: 'BTC/USDT', tickSize: '0.01', lotSize: '0.00001' }], takerFeeBps: 10, maxPosition: ['1'] });
    expect(venue.push(data.records)).toBe(50);
    venue.advanceAll(10);
    expect(venue.submit(0, 1, 20_000, 0, false)).toBeGreaterThan(0); // 0.2 BTC at the next open
    const acks = venue.takeReportsFast();
    expect(acks.map((r) => [r.kind, r.status])).toEqual([
      ['new', 'new'],
      ['accepted', 'accepted'],
    ]);
    const fill = venue.advanceTake(50)!;
    expect(fill.map((r) => [r.kind, r.status, r.liquidity, r.cumQtyMantissa])).toEqual([['fill', 'filled', 'taker', 20_000]]);
    expect(fill[0]!.feeMantissa).toBeGreaterThan(0);
    // a buy of 1 more BTC would take the position to 1.2 > maxPosition 1: refused by the session's gate
    const refused = venue.submit(0, 1, 100_000, 0, false);
    expect(REJECT_CODES[-refused - 1]).toBe('MAX_POSITION');
    expect(venue.takeReportsFast().map((r) => [r.kind, r.reason])).toEqual([['rejected', 'gate']]);
    // a resting limit, cancelled: the OMS says why
    const id = venue.submit(0, 2, 10_000, 9_999_999_999, false);
    venue.takeReportsFast();
    expect(venue.cancel(id)).toBe(true);
    expect(venue.cancel(id)).toBe(false);
    expect(venue.takeReportsFast().map((r) => [r.kind, r.status, r.reason])).toEqual([['cancelled', 'cancelled', 'requested']]);
    expect(venue.stats().cancelled).toBe(1);
  });

  it('fires timers in market time', async () => {
    const ticks: number[] = [];
    const config = cfg({ data: { source: 'synthetic', synthetic: { bars: 600, barMs: 60_000 } } });
    await runBacktest({
      config,
      strategy: {
        onStart: (ctx) => ctx.setTimer(3_600_000),
        onTimer: (t) => void ticks.push(t),
      },
    });
    // 600 one-minute bars = 10 hours → hourly timers at each full hour after the start
    expect(ticks.length).toBe(10);
    expect(ticks.every((t) => t % 3_600_000 === 0)).toBe(true);
  });

  it('the default config backtests on a fresh machine', async () => {
    const c = defaultConfig();
    const data = syntheticData(5000, { seed: c.seed });
    const r = await runBacktest({ config: c, data, strategy: emaCross() });
    expect(r.metrics.periods).toBeGreaterThan(4000);
    expect(Number.isFinite(r.metrics.totalReturn)).toBe(true);
  });
});

describe('paper session', () => {
  it('trades through the risk engine: pause refuses orders, kill flattens, and the journal records it', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runPaper, openJournal } = await import('../src/index.js');
    const path = join(mkdtempSync(join(tmpdir(), 'tachyon-paper-')), 'j.db');
    const config = loadConfig({ env: null, object: { journal: { path }, paper: { barsPerSec: 400 }, server: { enabled: false } } });
    let n = 0;
    const flip: Strategy = {
      name: 'flip',
      onBar(bar, ctx) {
        n++;
        ctx.targetPosition(bar.symbol, n % 2 ? 0.01 : 0);
      },
    };
    const r = await runPaper({
      config,
      strategy: flip,
      durationSec: 2.5,
      out: null,
      onReady: (s) => {
        setTimeout(() => s.request('pause', 'test: pause'), 600);
        setTimeout(() => {
          s.request('resume', 'test: resume');
          s.runner.targetPosition('BTC/USDT', 0.01);
        }, 1100);
        setTimeout(() => s.request('kill', 'test: kill switch'), 1700);
      },
    });
    expect(r.fills).toBeGreaterThan(10);
    const j = await openJournal({ path });
    try {
      const modes = (await j.modeChanges()).map((m) => `${m.from}->${m.to} ${m.source}`);
      expect(modes).toEqual(['normal->pause api', 'pause->normal api', 'normal->emergency api']);
      const codes = new Set((await j.riskEvents()).map((e) => e.code));
      expect(codes.has('MODE_PAUSE')).toBe(true);
      expect(codes.has('MODE_EMERGENCY')).toBe(true);
      // flattened after the kill, and nothing opened again
      expect((await j.positions())[0]!.qty).toMatch(/^-?0(\.0+)?$/);
      expect((await j.verifyAudit()).ok).toBe(true);
    } finally {
      await j.close();
    }
  });
});

describe('decision-engine strategy (configuration, Rust loop)', () => {
  it('runs features scored by the decision engine with no JS per bar, and refuses bad settings', async () => {
    const params = {
      features: [{ kind: 'emaGap', fast: 12, slow: 48 }, { kind: 'rsi', period: 14 }, { kind: 'return', bars: 5 }, { kind: 'bollingerB', period: 20, k: 2 }],
      weights: [400, 0.2, 20, 0.2],
      scoreCap: 1,
      buyThreshold: 0.25,
      sellThreshold: 0.25,
      qty: '0.02',
      longShort: true,
    };
    const r = await runBacktest({ config: cfg({ strategy: { kind: 'decision', params } }) });
    expect(r.engine).toBe('rust');
    expect(r.strategy).toBe('decision(emaGap+rsi+return+bollingerB)');
    expect(r.stats.fills).toBeGreaterThan(10);
    expect(r.counts).toBeNull();
    // deterministic
    const again = await runBacktest({ config: cfg({ strategy: { kind: 'decision', params } }) });
    expect(again.fills).toEqual(r.fills);
    await expect(runBacktest({ config: cfg({ strategy: { kind: 'decision', params: { ...params, weights: [1] } } }) })).rejects.toMatchObject({
      code: 'ERR_BACKTEST_CONFIG',
      message: expect.stringMatching(/weights: has 1 entries for 4 features/),
    });
    await expect(runBacktest({ config: cfg({ strategy: { kind: 'decision', params: { ...params, features: [{ kind: 'magic' }] } } }) })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG',
      message: expect.stringMatching(/features\[0\]\.kind must be emaGap, rsi, return or bollingerB/),
    });
  });
});

describe('risk engine and validation in backtests', () => {
  it('passes intents through the risk engine when risk.engine is configured', async () => {
    const params = { fast: 8, slow: 21, qty: '0.5', longShort: true };
    const plain = await runBacktest({ config: cfg({ strategy: { kind: 'ema-cross', params } }) });
    // 0.5 BTC ≈ 32,000 USDT is 32 % of equity: the engine's concentration limit (here 10 %) refuses it
    const gated = await runBacktest({ config: cfg({ strategy: { kind: 'ema-cross', params }, risk: { engine: { limits: { concentration: 0.1 } } } }) });
    expect(plain.stats.fills).toBeGreaterThan(100);
    expect(gated.stats.fills).toBe(0);
    expect(gated.counts!.rejected).toBe(gated.counts!.intents);
    const ok = await runBacktest({ config: cfg({ strategy: { kind: 'ema-cross', params: { ...params, qty: '0.01' } }, risk: { engine: { limits: { concentration: 0.1 } } } }) });
    expect(ok.fills.length).toBeGreaterThan(100);
    await expect(runBacktest({ config: cfg({ risk: { engine: { limits: { concentration: -1 } } } }) })).rejects.toMatchObject({ code: 'ERR_CONFIG', message: expect.stringMatching(/risk\.engine: .*concentration/) });
  });

  it('walks forward and evaluates purged k-folds on worker threads', async () => {
    const { runWalkForward, runPurgedKFold, RecordView: RV, syntheticData: sd } = await import('../src/index.js');
    const config = cfg({ data: { source: 'synthetic', synthetic: { bars: 6000 } } });
    const grid = { fast: [5, 10], slow: [30, 60] };
    const wf = await runWalkForward({ config, grid, workers: 2, train: 2000, test: 1000, records: 6000 });
    expect(wf.windows.map((w) => [w.train, w.testRange])).toEqual([
      [[0, 2000], [2000, 3000]],
      [[1000, 3000], [3000, 4000]],
      [[2000, 4000], [4000, 5000]],
      [[3000, 5000], [5000, 6000]],
    ]);
    for (const w of wf.windows) {
      expect(grid.fast).toContain(w.best.fast);
      expect(w.outOfSample.range).toEqual(w.testRange);
      expect(w.outOfSample.metrics.periods).toBe(999);
    }
    const data = sd(6000, { seed: config.seed });
    const v = new RV(data.records);
    const times = Float64Array.from({ length: 6000 }, (_, i) => v.tsMs(i));
    const kf = await runPurgedKFold({ config, grid, workers: 2, k: 3, embargo: 0.01, horizon: 10, times });
    expect(kf.folds.map((f) => f.test)).toEqual([
      [0, 2000],
      [2000, 4000],
      [4000, 6000],
    ]);
    for (const f of kf.folds) expect(Number.isFinite(f.outOfSample.metrics.totalReturn)).toBe(true);
  });
});
