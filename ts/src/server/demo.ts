/**
 * A demo session for `tachyon serve --demo` and the dashboard's browser test: a seeded synthetic
 * paper account whose numbers move while it runs. It stands in for the runtime's live state
 * until a real session is attached (`npm start` attaches one), and is labelled `demo` on the
 * page. Nothing here trades or decides: it only produces a believable {@link RuntimeSnapshot}
 * and a record of mode changes requested through the control API.
 */
import type { ControlAction, ControlPort, RuntimeSnapshot, StateSource, Transition } from './types.js';

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

const TARGET: Record<ControlAction, string> = { pause: 'pause', reduce: 'reduce', resume: 'normal', kill: 'emergency' };

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
  readonly control: ControlPort;
  private mode = 'normal';
  private readonly log: Transition[] = [];

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
    const self = this;
    this.control = {
      mode: () => self.mode,
      request(action: ControlAction, reason: string): Transition | null {
        const to = TARGET[action];
        if (self.mode === 'emergency' && action !== 'kill') {
          throw Object.assign(new Error('leaving emergency needs the reset key (the risk engine reset)'), { code: 'ERR_RESET_DENIED' });
        }
        if (to === self.mode) return null;
        const t: Transition = { seq: self.log.length + 1, tsNs: BigInt(Date.now()) * 1_000_000n, from: self.mode, to, reason, source: 'api' };
        self.mode = to;
        self.log.push(t);
        if (to === 'emergency') self.flattenAll();
        return t;
      },
      transitions: (after = 0) => self.log.filter((t) => t.seq > after),
      flatten: (reason: string) => {
        const n = self.flattenAll();
        return { closed: n, reason };
      },
      limits: () => self.snapshot().risk?.limits ?? [],
    };
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
