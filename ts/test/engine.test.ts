import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DecisionBatch,
  DecisionEngine,
  RISK_REJECTION_CODES,
  RiskEngine,
  installKillSignal,
  isTachyonError,
  positionFraction,
  varHistorical,
  varHistoricalPortfolio,
  varParametric,
  varPortfolioParametric,
  varPortfolioMonteCarlo,
  varPortfolioMonteCarloAsync,
  type RiskEngineOptions,
  type StrategyOptions,
} from '../src/index.js';
import { native } from '../src/native.js';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(isTachyonError(e)).toBe(true);
    return (e as { code: string }).code;
  }
  return undefined;
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

const strategy: StrategyOptions = {
  weights: [0.5, -1, 2],
  bias: 0.25,
  featureMin: [-1, -1, -1],
  featureMax: [1, 1, 1],
  scoreCap: 2,
  buyThreshold: 1,
  sellThreshold: 1,
};

describe('DecisionEngine', () => {
  it('decides by hand-computed scores, with clamps and reasons', () => {
    const e = new DecisionEngine(strategy);
    expect(e.nFeatures).toBe(3);
    expect(DecisionEngine.availablePaths()).toContain(e.path);
    // 0.5·1 − 1·0.5 + 2·0.25 + 0.25 = 0.75 → hold
    expect(e.decide([1, 0.5, 0.25])).toEqual({
      action: 'hold',
      score: 0.75,
      confidence: 0.375,
      clamps: [],
      clampFeature: null,
      reason: 'BELOW_THRESHOLD',
    });
    // feature 2 clamped to 1: 2 + 0.25 = 2.25 → score clamp 2 → buy
    expect(e.decide([0, 0, 7])).toEqual({
      action: 'buy',
      score: 2,
      confidence: 1,
      clamps: ['featureHigh', 'scoreHigh'],
      clampFeature: 2,
      reason: null,
    });
    expect(e.decide(Float64Array.from([-3, 4, 0])).action).toBe('sell');
    expect(e.decideAction(Float64Array.from([0, 0, 7]))).toBe(1);
    e.row.set([0, 0, -7]);
    expect(e.decideRow()).toBe(2);
    expect(e.lastScore).toBe(-1.75);
    expect(e.lastConfidence).toBe(0.875);
    e.setStrategy({ ...strategy, weights: [1, 1], featureMin: undefined, featureMax: undefined });
    expect(e.row.length).toBe(2);
    e.row.set([1, 0.5]);
    expect(e.decideRow()).toBe(1);
  });

  it('never trades a row with a missing feature, and counts it', () => {
    const e = new DecisionEngine(strategy);
    for (const bad of [NaN, Infinity, -Infinity]) {
      const d = e.decide([5, bad, 5]);
      expect(d.action).toBe('hold');
      expect(d.reason).toBe('MISSING_FEATURE');
      expect(d.score).toBe(0);
    }
    expect(e.counters().missingFeature).toBe(3);
    expect(e.counters().buys).toBe(0);
  });

  it('batches equal single calls and every kernel gives identical decisions', () => {
    const n = 37;
    const rows = 500;
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 8 - 4;
    const opts: StrategyOptions = {
      weights: Array.from({ length: n }, rnd),
      featureMin: Array.from({ length: n }, () => -2.5),
      featureMax: Array.from({ length: n }, () => 2.5),
      scoreCap: 10,
      buyThreshold: 2,
      sellThreshold: 2,
    };
    const feats = Float64Array.from({ length: n * rows }, (_, i) => (i % 97 === 0 ? NaN : rnd()));
    const results = DecisionEngine.availablePaths().map((path) => {
      const e = new DecisionEngine({ ...opts, path });
      expect(e.path).toBe(path);
      const b = e.decideBatch(feats);
      for (let r = 0; r < rows; r += 50) {
        expect(b.at(r)).toEqual(e.decide(feats.subarray(r * n, (r + 1) * n)));
      }
      return b;
    });
    for (const b of results.slice(1)) {
      expect(Array.from(b.actions)).toEqual(Array.from(results[0]!.actions));
      expect(Array.from(b.scores)).toEqual(Array.from(results[0]!.scores));
      expect(Array.from(b.clampFeatures)).toEqual(Array.from(results[0]!.clampFeatures));
    }
    const counts = [0, 0, 0];
    for (const x of results[0]!.actions) counts[x] = (counts[x] ?? 0) + 1;
    expect(counts[1]! > 0 && counts[2]! > 0 && counts[0]! > 0).toBe(true);
  });

  it('reuses an output batch', () => {
    const e = new DecisionEngine(strategy);
    const out = new DecisionBatch(2);
    e.decideBatch(Float64Array.from([0, 0, 7, 0, 0, -7]), out);
    expect(Array.from(out.actions)).toEqual([1, 2]);
  });

  it('decides a window of a larger buffer (decideRows), bounds checked', () => {
    const e = new DecisionEngine(strategy);
    const rows = Float64Array.from([0, 0, 7, 0, 0, -7, 0, 0, 0.1]);
    const buf = new Float64Array(20).fill(Number.NaN);
    buf.set(rows, 5);
    const whole = e.decideBatch(rows);
    const win = e.decideRows(buf, 5, 3, new DecisionBatch(3));
    expect([...win.actions]).toEqual([...whole.actions]);
    expect([...win.scores]).toEqual([...whole.scores]);
    expect([...e.decideRows(buf, 8, 1, new DecisionBatch(1)).actions]).toEqual([2]);
    // 6 rows of 3 from element 5 end at 23: the buffer has 20.
    expect(message(() => e.decideRows(buf, 5, 6, new DecisionBatch(6)))).toMatch(/rows 6 × 3 features from element 5 overrun the 20 features/);
    expect(code(() => e.decideRows(buf, 18, 1, new DecisionBatch(1)))).toBe('ERR_INVALID_ARG');
    expect(code(() => e.decideRows(buf, 5, 3, new DecisionBatch(2)))).toBe('ERR_DIMENSION');
  });

  it('rejects bad config and bad input with typed errors', () => {
    expect(code(() => new DecisionEngine({ ...strategy, weights: [] }))).toBe('ERR_INVALID_CONFIG');
    expect(message(() => new DecisionEngine({ ...strategy, weights: [1, NaN, 1] }))).toContain('weights[1]');
    expect(message(() => new DecisionEngine({ ...strategy, buyThreshold: 3 }))).toContain('buyThreshold');
    expect(message(() => new DecisionEngine({ ...strategy, featureMax: [1] }))).toContain('featureMax');
    expect(code(() => new DecisionEngine({ ...strategy, path: 'sse9' }))).toBe('ERR_INVALID_ARG');
    const e = new DecisionEngine(strategy);
    expect(code(() => e.decide([1, 2]))).toBe('ERR_DIMENSION');
    expect(code(() => e.decideBatch(new Float64Array(7)))).toBe('ERR_DIMENSION');
    const buf = new Float64Array(8);
    expect(code(() => e.decideBatch(buf.subarray(0, 6), undefined))).toBeUndefined();
    const clash = new DecisionBatch(2);
    expect(
      code(() =>
        // scores aliasing the features (through the raw binding; the wrapper never does this)
        native.decisionDecideBatch(
          native.decisionNew(strategy),
          buf.subarray(0, 6),
          clash.actions,
          buf.subarray(4, 6),
          clash.confidence,
          clash.clamps,
          clash.reasons,
          clash.clampFeatures,
        ),
      ),
    ).toBe('ERR_INVALID_ARG');
  });
});

const riskConfig = (): RiskEngineOptions => ({
  venues: [{ name: 'sim' }],
  instruments: [
    { symbol: 'BTC-USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5', venue: 'sim', maxPosition: '2' },
    { symbol: 'ETH-USDT', tickSize: '0.01', lotSize: '0.0001', minNotional: '5', venue: 'sim' },
  ],
  control: { resetKey: 'test-reset-key' },
});

describe('RiskEngine', () => {
  it('approves within limits and names the limit it refuses', () => {
    const r = new RiskEngine(riskConfig());
    expect(r.check({ instrument: 'BTC-USDT', side: 'buy', price: '65000.10', qty: '0.05' }).code).toBe('NO_EQUITY');
    r.setEquity('100000');
    expect(r.check({ instrument: 'BTC-USDT', side: 'buy', price: '65000.10', qty: '0.05' })).toEqual({
      ok: true,
      notional: '3250.0050000',
      positionAfter: '0.05000',
      reducing: false,
    });
    const c = r.check({ instrument: 'BTC-USDT', side: 'buy', price: '65000.10', qty: '0.1' });
    expect(c.ok).toBe(false);
    expect(c.code).toBe('CONCENTRATION');
    expect(c.message).toContain('6.500%');
    expect(code(() => r.check({ instrument: 0, side: 'buy', price: '65000.105', qty: '0.01' }))).toBe('ERR_TOO_PRECISE');
    expect(r.check({ instrument: 0, side: 'buy', price: 1, qty: 1 }).code).toBe('BELOW_MIN_NOTIONAL');
    expect(r.counters().rejected).toMatchObject({ NO_EQUITY: 1, CONCENTRATION: 1, BELOW_MIN_NOTIONAL: 1 });
    expect(r.counters().approved).toBe(1);
    // the fast path gives the same answers as codes' indices
    const i = r.checkMantissa(0, true, 6_500_010, 10_000);
    expect(RISK_REJECTION_CODES[i]).toBe('CONCENTRATION');
    expect(r.checkMantissa(0, true, 6_500_010, 1_000)).toBe(-1);
  });

  it('follows positions, sizes orders with the cap winning', () => {
    const r = new RiskEngine(riskConfig());
    r.setEquity('100000');
    expect(r.applyFill('ETH-USDT', 'buy', '1.5', '3000.00')).toBe('1.5000');
    expect(r.position(1)).toBe('1.5000');
    const s = r.size('BTC-USDT', { kind: 'volTarget', targetVol: 0.1, forecastVol: 0.4 }, '30000.00', 0.05);
    expect(s).toEqual({ side: 'buy', qty: '0.16666', fraction: 0.05 });
    expect(positionFraction({ kind: 'kelly', winProb: 0.6, payoff: 1 }, 1)).toBeCloseTo(0.05, 15);
    expect(positionFraction({ kind: 'kelly', winProb: 0.6, payoff: 1, multiplier: 5 }, 1)).toBeCloseTo(0.05, 15);
    expect(code(() => positionFraction({ kind: 'kelly', winProb: 0.6 }, 1))).toBe('ERR_INVALID_ARG');
    expect(code(() => positionFraction({ kind: 'volTarget', targetVol: 0.1, forecastVol: 0 }, 1))).toBe('ERR_OUT_OF_RANGE');
  });

  it('modes: pause, reduce, kill, authorised reset; every transition recorded', () => {
    const r = new RiskEngine(riskConfig());
    r.setEquity('100000');
    r.setPosition('BTC-USDT', '0.01', '60000.00');
    const sell = { instrument: 'BTC-USDT', side: 'sell' as const, price: '60000.00', qty: '0.005' };
    const buy = { instrument: 'BTC-USDT', side: 'buy' as const, price: '60000.00', qty: '0.001' };
    r.pause('lunch', 'api', 1_000n);
    expect(r.mode).toBe('pause');
    expect(r.check(sell).code).toBe('MODE_PAUSE');
    r.reduce('de-risk', 'cli', 2_000n);
    expect(r.check(buy).code).toBe('MODE_REDUCE');
    expect(r.check({ ...sell, qty: '0.006' }).code).toBe('REDUCE_STAGE');
    expect(r.check(sell).ok).toBe(true);
    r.kill('big red button', 'api', 3_000n);
    expect(r.mode).toBe('emergency');
    expect(r.check(buy).code).toBe('MODE_EMERGENCY');
    // checks do not move positions (fills do): the position is still 0.01
    expect(r.flattenOrders()).toEqual([{ instrument: 0, symbol: 'BTC-USDT', side: 'sell', qty: '0.01000', price: '60000.00' }]);
    expect(r.check({ ...sell, qty: '0.011' }).code).toBe('MODE_EMERGENCY'); // would flip
    const f = r.flattenOrders()[0]!;
    expect(r.check({ instrument: f.symbol, side: f.side, price: f.price, qty: f.qty }).ok).toBe(true); // flatten in one go
    expect(code(() => r.resume('try'))).toBe('ERR_MODE_TRANSITION');
    expect(code(() => r.reset('wrong-key!', 'normal', 'ops'))).toBe('ERR_RESET_DENIED');
    const t = r.reset('test-reset-key', 'pause', 'alice', 4_000n);
    expect(t).toMatchObject({ seq: 4, from: 'emergency', to: 'pause', source: 'reset' });
    expect(t.reason).not.toContain('test-reset-key');
    const log = r.transitions();
    expect(log.map((x) => [x.seq, x.from, x.to, x.source])).toEqual([
      [1, 'normal', 'pause', 'api'],
      [2, 'pause', 'reduce', 'cli'],
      [3, 'reduce', 'emergency', 'api'],
      [4, 'emergency', 'pause', 'reset'],
    ]);
    expect(log[0]).toEqual({ seq: 1, tsNs: 1000n, from: 'normal', to: 'pause', reason: 'lunch', source: 'api' });
    expect(r.transitions(3)).toHaveLength(1);
  });

  it('breakers: slippage, staleness, spread, venue errors, drawdown — and no forbidden order after', () => {
    const ms = 1_000_000n;
    const mk = () => {
      const r = new RiskEngine(riskConfig());
      r.setEquity('100000', 0n);
      return r;
    };
    const buy = { instrument: 'BTC-USDT', side: 'buy' as const, price: '60000.00', qty: '0.001' };

    let r = mk();
    expect(r.onSlippage(4, 12, 1n)).toBeNull();
    expect(r.onSlippage(4, 13, 2n)).toMatchObject({ to: 'reduce', source: 'trigger' });
    expect(r.check(buy, 3n).code).toBe('MODE_REDUCE');

    r = mk();
    r.onQuote('BTC-USDT', '59999.99', '60000.01', 1000n * ms);
    expect(r.poll(1500n * ms)).toEqual([]);
    expect(r.poll(1501n * ms)[0]).toMatchObject({ to: 'pause', source: 'trigger' });
    expect(r.check(buy, 1502n * ms).code).toBe('MODE_PAUSE');

    r = mk();
    for (let k = 0n; k < 20n; k++) r.onQuote(0, '59999.99', '60000.01', k * ms);
    expect(r.onQuote(0, '59999.90', '60000.01', 21n * ms)?.reason).toMatch(/^spread:/);
    expect(r.check(buy, 22n * ms).code).toBe('MODE_PAUSE');

    r = mk();
    for (let k = 0n; k < 4n; k++) expect(r.onVenueError('sim', k * ms)).toBeNull();
    expect(r.onVenueError(0, 5n * ms)?.to).toBe('pause');

    r = mk();
    expect(r.setEquity('80000', 1n)).toMatchObject({ to: 'emergency' });
    expect(r.check(buy, 2n).code).toBe('MODE_EMERGENCY');
    expect(code(() => r.onVenueError('nowhere'))).toBe('ERR_INVALID_ARG');
    expect(code(() => r.onSlippage(0, 1))).toBe('ERR_NOT_FINITE');
  });

  it('dead-man heartbeat: deterministic check and the watchdog thread', async () => {
    const r = new RiskEngine(riskConfig());
    r.armHeartbeat(100, 0n);
    r.heartbeat(50_000_000n);
    expect(r.checkHeartbeat(150_000_000n)).toBeNull();
    expect(r.checkHeartbeat(150_000_001n)).toMatchObject({ to: 'emergency', source: 'heartbeat' });

    const w = new RiskEngine(riskConfig());
    // a generous interval so a loaded test machine's slow timers cannot trip it early
    w.armHeartbeat(1000);
    w.startWatchdog(5);
    expect(code(() => w.startWatchdog(5))).toBe('ERR_INVALID_STATE');
    for (let i = 0; i < 5; i++) {
      w.heartbeat();
      await new Promise((res) => setTimeout(res, 5));
    }
    expect(w.mode).toBe('normal');
    const t0 = Date.now();
    while (w.mode !== 'emergency' && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 5));
    w.stopWatchdog();
    expect(w.mode).toBe('emergency');
    expect(w.transitions()[0]!.source).toBe('heartbeat');
  });

  it('kill switch from a process signal', async () => {
    const r = new RiskEngine(riskConfig());
    let seen = 0;
    const uninstall = installKillSignal(r, { onKill: () => seen++ });
    process.kill(process.pid, 'SIGUSR2');
    const t0 = Date.now();
    while (seen === 0 && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 5));
    uninstall();
    expect(r.mode).toBe('emergency');
    expect(r.transitions()[0]).toMatchObject({ source: 'signal', to: 'emergency' });
    expect(r.transitions()[0]!.reason).toContain('SIGUSR2');
  });

  it('config errors name the documented key', () => {
    const bad = (patch: (c: RiskEngineOptions) => void) => {
      const c = riskConfig();
      patch(c);
      try {
        new RiskEngine(c);
      } catch (e) {
        expect((e as { code: string }).code).toBe('ERR_INVALID_CONFIG');
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad((c) => (c.limits = { concentration: 2 }))).toContain('`limits.concentration`');
    expect(bad((c) => (c.limits = { softDrawdown: 0.3 }))).toContain('`limits.softDrawdown`');
    expect(bad((c) => (c.breakers = { spread: { threshold: 0.5 } }))).toContain('`breakers.spread.threshold`');
    expect(bad((c) => (c.instruments[1]!.venue = 'nope'))).toContain('`instruments[1].venue`');
    expect(bad((c) => (c.instruments[0]!.tickSize = '0'))).toContain('`instruments[0].tickSize`');
    expect(bad((c) => (c.control = { resetKey: 'short' }))).toContain('`control.resetKey`');
    expect(bad((c) => (c.venues[0]!.maxLeverage = -1))).toContain('`venues[0].maxLeverage`');
    const r = new RiskEngine(riskConfig());
    expect(message(() => r.setCorrelation([1, 2, 2, 1]))).toContain('correlation[0][1]');
    expect(code(() => r.setCorrelation([1, 0, 0]))).toBe('ERR_DIMENSION');
  });
});

describe('VaR', () => {
  it('historical VaR/CVaR with numpy linear quantiles', () => {
    expect(varHistorical([-10, -4, -2, -1, 0, 1, 2, 3, 4, 5], 0.9)).toEqual({ var: expect.closeTo(4.6, 12), cvar: 10 });
    // rows → P&L 0, −2.5, 2; sorted [−2.5, 0, 2]; p = 0.4, h = 0.8 → q = −2.5 + 0.8·2.5 = −0.5
    expect(varHistoricalPortfolio([0.01, -0.02, -0.03, 0.01, 0.02, 0.0], [100, 50], 0.6).var).toBeCloseTo(0.5, 12);
    expect(code(() => varHistorical([1, NaN], 0.9))).toBe('ERR_NOT_FINITE');
    expect(code(() => varHistorical([1, 2], 1.5))).toBe('ERR_OUT_OF_RANGE');
  });

  it('parametric normal / Student-t (scipy values) and Monte Carlo, sync and async', async () => {
    // scipy: norm.ppf(0.99) = 2.3263478740408408; t.ppf(0.99, 5) = 3.3649299989072743
    expect(varParametric(0, 1, 0.99).var).toBeCloseTo(2.3263478740408408, 12);
    expect(varParametric(0, 1, 0.99, { nu: 5 }).var).toBeCloseTo(3.3649299989072743 * Math.sqrt(3 / 5), 10);
    const book = { weights: [50_000, 30_000], mu: [0, 0], sd: [0.02, 0.03], corr: [1, 0.6, 0.6, 1] };
    const sigma = Math.sqrt(1000 ** 2 + 900 ** 2 + 2 * 0.6 * 1000 * 900);
    const p = varPortfolioParametric(book, 0.99);
    expect(p.var).toBeCloseTo(sigma * 2.3263478740408408, 6);
    const mc = varPortfolioMonteCarlo(book, 0.99, { paths: 100_000, seed: 3 });
    expect(Math.abs(mc.var - p.var) / p.var).toBeLessThan(0.02);
    expect(await varPortfolioMonteCarloAsync(book, 0.99, { paths: 100_000, seed: 3 })).toEqual(mc);
    expect(code(() => varPortfolioParametric({ ...book, corr: [1, 2, 2, 1] }, 0.99))).toBe('ERR_OUT_OF_RANGE');
    expect(code(() => varPortfolioMonteCarloAsync(book, 0.99, { paths: 10 }))).toBe('ERR_TOO_FEW');
    expect(code(() => varParametric(0, 1, 0.99, { nu: 2 }))).toBe('ERR_OUT_OF_RANGE');
  });
});

describe('CLI', () => {
  const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const tachyon = (args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', stdio: 'pipe' });
  it('validates a risk config file and names the bad field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tachyon-risk-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(riskConfig()));
    expect(tachyon(['risk', 'validate', good])).toContain('valid');
    const badFile = join(dir, 'bad.json');
    writeFileSync(badFile, JSON.stringify({ ...riskConfig(), limits: { hardDrawdown: 0.1 } }));
    let err = '';
    try {
      tachyon(['risk', 'validate', badFile]);
    } catch (e) {
      err = String((e as { stderr: string }).stderr);
    }
    expect(err).toContain('limits.softDrawdown');
    expect(err).toContain('ERR_INVALID_CONFIG');
  });

  it('`tachyon kill <pid>` trips a process that installed the signal handler', async () => {
    const target = fileURLToPath(new URL('./helpers/kill-target.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', target], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((res) => child.stdout.on('data', (d: Buffer) => ((out += d), out.includes('READY') && res())));
    expect(tachyon(['kill', String(child.pid)])).toContain('sent SIGUSR2');
    const codeOut = await new Promise<number | null>((res) => child.on('exit', res));
    expect(codeOut).toBe(0);
    expect(out).toContain('MODE emergency');
  });
});
