/**
 * A demo session for `tachyon serve` and the dashboard's browser test: a seeded synthetic paper
 * account whose numbers move while it runs. It stands in for the runtime's live state until a
 * real session is attached (`npm start` attaches one), and is labelled `demo` on the page.
 * Control modes are the real {@link RiskEngine}'s: pause / reduce / kill through the control API
 * change what the demo does (no new positions, only reductions, flatten), and leaving emergency
 * needs the engine's reset key (none is configured here, so emergency is final).
 */
import { RiskEngine } from '../engine/index.js';
import { controlFromRiskEngine, type ControlPort, type RuntimeSnapshot, type StateSource } from './types.js';

/** Small seeded PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DemoPosition {
  symbol: string;
  qty: number;
  avg: number;
  mark: number;
  realized: number;
  decimals: number;
}

export interface DemoSessionOptions {
  seed?: number;
  /** Starting equity (default 100 000). */
  equity?: number;
}

/** The demo: call {@link DemoSession.step} on a timer (the CLI does every 250 ms). */
export class DemoSession implements StateSource {
  private readonly rnd: () => number;
  private readonly start: number;
  private cash: number;
  private peak: number;
  private readonly positions: DemoPosition[];
  private readonly startedAtMs = Date.now();
  private orders = 0;
  /** The risk engine whose modes the demo obeys. */
  readonly risk: RiskEngine;
  readonly control: ControlPort;

  constructor(opts: DemoSessionOptions = {}) {
    this.rnd = mulberry32(opts.seed ?? 42);
    this.start = opts.equity ?? 100_000;
    this.cash = this.start;
    this.peak = this.start;
    this.positions = [
      { symbol: 'BTC-USDT', qty: 0, avg: 0, mark: 65_000, realized: 0, decimals: 2 },
      { symbol: 'ETH-USDT', qty: 0, avg: 0, mark: 3_400, realized: 0, decimals: 2 },
      { symbol: 'SOL-USDT', qty: 0, avg: 0, mark: 150, realized: 0, decimals: 3 },
    ];
    this.risk = new RiskEngine({
      venues: [{ name: 'sim' }],
      instruments: this.positions.map((p) => ({ symbol: p.symbol, tickSize: p.decimals === 2 ? '0.01' : '0.001', lotSize: '0.000001', venue: 'sim' })),
    });
    this.risk.setEquity(this.start.toFixed(2));
    this.risk.startDay();
    this.control = controlFromRiskEngine(this.risk, {
      flatten: (reason: string) => ({ closed: this.flattenAll(), reason }),
      limits: () => this.snapshot().risk?.limits ?? [],
    });
  }

  private get mode(): string {
    return this.risk.mode;
  }

  private flattenAll(): number {
    let n = 0;
    for (const p of this.positions) {
      if (p.qty !== 0) {
        this.trade(p, -p.qty);
        n++;
      }
    }
    return n;
  }

  private trade(p: DemoPosition, dq: number): void {
    const fee = Math.abs(dq) * p.mark * 0.0004;
    this.cash -= fee;
    if (p.qty !== 0 && Math.sign(dq) !== Math.sign(p.qty)) {
      const closing = Math.min(Math.abs(dq), Math.abs(p.qty)) * Math.sign(dq);
      p.realized += -closing * (p.mark - p.avg);
      this.cash += -closing * (p.mark - p.avg);
      p.qty += closing;
      dq -= closing;
      if (p.qty === 0) p.avg = 0;
    }
    if (dq !== 0) {
      p.avg = (p.avg * Math.abs(p.qty) + p.mark * Math.abs(dq)) / (Math.abs(p.qty) + Math.abs(dq));
      p.qty += dq;
    }
    p.realized -= fee;
    this.orders++;
  }

  /** Advances the market one step and maybe trades. */
  step(): void {
    if (this.mode === 'emergency') this.flattenAll();
    for (const p of this.positions) {
      const z = (this.rnd() + this.rnd() + this.rnd() - 1.5) * 2;
      p.mark = Math.max(0.01, p.mark * (1 + 0.0015 * z));
      const canOpen = this.mode === 'normal';
      const canReduce = this.mode !== 'pause';
      if (this.rnd() < 0.08) {
        const notional = this.equity() * 0.02 * (0.5 + this.rnd());
        let dq = (notional / p.mark) * (this.rnd() < 0.5 ? -1 : 1);
        const reduces = p.qty !== 0 && Math.sign(dq) !== Math.sign(p.qty) && Math.abs(dq) <= Math.abs(p.qty);
        if (this.mode === 'reduce') dq = reduces ? dq : -p.qty / 2;
        if ((canOpen || (canReduce && (reduces || this.mode === 'reduce'))) && dq !== 0) this.trade(p, Number(dq.toFixed(6)));
      }
    }
    this.peak = Math.max(this.peak, this.equity());
    // The engine's drawdown and daily-loss breakers watch the same equity.
    this.risk.setEquity(Math.max(0.01, this.equity()).toFixed(2));
  }

  private unrealized(): number {
    return this.positions.reduce((s, p) => s + p.qty * (p.mark - p.avg), 0);
  }

  private equity(): number {
    return this.cash + this.unrealized();
  }

  snapshot(): RuntimeSnapshot {
    const equity = this.equity();
    const gross = this.positions.reduce((s, p) => s + Math.abs(p.qty * p.mark), 0);
    const dd = this.peak > 0 ? (this.peak - equity) / this.peak : 0;
    const daily = Math.max(0, this.start - equity) / this.start;
    const t = Date.now();
    return {
      session: { kind: 'demo', name: 'synthetic paper account (seeded)', startedAtMs: this.startedAtMs },
      equity,
      pnl: {
        realized: this.positions.reduce((s, p) => s + p.realized, 0),
        unrealized: this.unrealized(),
      },
      positions: this.positions.map((p) => ({
        symbol: p.symbol,
        qty: p.qty.toFixed(6),
        avgPrice: p.avg.toFixed(p.decimals),
        mark: p.mark.toFixed(p.decimals),
        unrealizedPnl: p.qty * (p.mark - p.avg),
        realizedPnl: p.realized,
      })),
      risk: {
        metrics: [
          { name: 'gross exposure', value: gross },
          { name: 'leverage', value: equity > 0 ? gross / equity : 0, unit: '×' },
          { name: 'orders', value: this.orders },
        ],
        limits: [
          { name: 'leverage', used: equity > 0 ? gross / equity : 0, limit: 3, unit: '×' },
          { name: 'drawdown', used: dd * 100, limit: 20, unit: '%' },
          { name: 'daily loss', used: daily * 100, limit: 5, unit: '%' },
        ],
      },
      venues: [{ name: 'sim', status: 'up', latencyMs: 0.2 + ((t / 250) % 7) * 0.05, errors: 0, staleMs: 250 }],
      rings: { market: 0 },
    };
  }
}
